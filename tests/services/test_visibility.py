"""Who sees which feedback: the permission predicate and the list queries agree."""

import pytest

from feedback import permissions
from feedback.extensions import db
from feedback.review import consultation, services, visibility

from ..review_helpers import open_round, section


@pytest.fixture
def items(people, report):
    round_ = open_round(people, report)
    s = section(report, 2)
    created = {
        "a_submitted": services.add_comment(people.reviewer, s, body="A đã gửi."),
        "a_suggestion": services.add_suggestion(
            people.reviewer, s, base_version=1, text=s.current.text + " A."
        ),
        "b_submitted": services.add_comment(people.other_reviewer, s, body="B đã gửi."),
        "drafter": services.add_comment(people.drafter, s, body="Tổ soạn thảo."),
    }
    consultation.submit_response(people.lead, round_)
    consultation.submit_response(people.other_lead, round_)
    created["a_draft"] = services.add_comment(people.reviewer, s, body="A nháp.")
    created["a_draft_suggestion"] = services.add_suggestion(
        people.lead, s, base_version=1, text=s.current.text + " A2."
    )
    created["b_draft"] = services.add_comment(people.other_reviewer, s, body="B nháp.")
    db.session.commit()
    return created


ALL_PUBLISHED = {"a_submitted", "a_suggestion", "b_submitted", "drafter"}
EXPECTED = {
    # viewer: (visible when departments see each other, visible when they do not)
    "reviewer": (
        ALL_PUBLISHED | {"a_draft", "a_draft_suggestion"},
        {"a_submitted", "a_suggestion", "drafter", "a_draft", "a_draft_suggestion"},
    ),
    "other_reviewer": (ALL_PUBLISHED | {"b_draft"}, {"b_submitted", "drafter", "b_draft"}),
    "drafter": (ALL_PUBLISHED, ALL_PUBLISHED),
    "chair": (ALL_PUBLISHED, ALL_PUBLISHED),
    "admin": (ALL_PUBLISHED, ALL_PUBLISHED),
}


@pytest.mark.parametrize("see_each_other", [True, False])
@pytest.mark.parametrize("viewer", sorted(EXPECTED))
def test_visibility_matrix(people, report, items, viewer, see_each_other):
    report.departments_see_each_other = see_each_other
    db.session.commit()
    user = getattr(people, viewer)
    expected = EXPECTED[viewer][0 if see_each_other else 1]
    by_predicate = {
        name for name, item in items.items() if permissions.can_see_feedback(user, item)
    }
    assert by_predicate == expected
    comments = set(db.session.scalars(visibility.visible_comments(user, report)))
    suggestions = set(db.session.scalars(visibility.visible_suggestions(user, report)))
    by_query = {name for name, item in items.items() if item in comments | suggestions}
    assert by_query == expected


@pytest.fixture
def replies(people, report, items):
    """Replies on A's and B's published comments: the drafting team's (published), each
    department's (drafts, one sent by A's lead), and one on A's draft comment."""
    a, b = items["a_submitted"], items["b_submitted"]
    created = {
        "team_on_a": services.add_reply(people.drafter, a, body="Tổ soạn thảo trả lời."),
        "a_draft_on_b": services.add_reply(people.reviewer, b, body="Sở A góp thêm (nháp)."),
        "b_draft_on_a": services.add_reply(people.other_reviewer, a, body="Sở B (nháp)."),
        "a_sent_on_a": services.add_reply(people.lead, a, body="Sở A đã gửi."),
        "a_on_own_draft": services.add_reply(people.reviewer, items["a_draft"], body="Nháp."),
    }
    db.session.commit()
    consultation.publish_reply(people.lead, created["a_sent_on_a"])
    db.session.commit()
    return created


REPLIES_PUBLISHED = {"team_on_a", "a_sent_on_a"}
EXPECTED_REPLIES = {
    "reviewer": REPLIES_PUBLISHED | {"a_draft_on_b", "a_on_own_draft"},
    "lead": REPLIES_PUBLISHED | {"a_draft_on_b", "a_on_own_draft"},
    "other_reviewer": REPLIES_PUBLISHED | {"b_draft_on_a"},
    "drafter": REPLIES_PUBLISHED,
    "chair": REPLIES_PUBLISHED,
    "admin": REPLIES_PUBLISHED,
}


@pytest.mark.parametrize("viewer", sorted(EXPECTED_REPLIES))
def test_reply_visibility_matrix(people, report, replies, viewer):
    """A department's draft replies are its own until its lead sends them; the
    permission predicate and its SQL twin agree."""
    user = getattr(people, viewer)
    by_predicate = {n for n, r in replies.items() if permissions.can_see_reply(user, r)}
    assert by_predicate == EXPECTED_REPLIES[viewer]
    seen = set(db.session.scalars(visibility.visible_replies(user, report)))
    assert {n for n, r in replies.items() if r in seen} == EXPECTED_REPLIES[viewer]
