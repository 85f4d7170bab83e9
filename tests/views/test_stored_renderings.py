"""Reads never diff or rebase: a suggestion's tracked changes are rendered when it is
written, and pending suggestions' previews when their section changes (issue 11: a
stored adversarial suggestion made every read of it slow)."""

import random

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from feedback import diffview, textdiff
from feedback.extensions import db
from feedback.renders.models import RenderedDiff
from feedback.reports import services as report_services
from feedback.review import consultation, decisions, services
from feedback.review.models import SuggestionPreview

from ..review_helpers import open_round, section

PARAGRAPHS = [
    "Tốc độ tăng trưởng GRDP bình quân ước đạt 10,7%/năm.",
    "Thu ngân sách nhà nước đạt 48,5 nghìn tỷ đồng.",
]
TEXT = "\n\n".join(PARAGRAPHS)


@pytest.fixture
def world(people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    first = services.add_suggestion(
        people.reviewer, target, base_version=2, text=TEXT.replace("10,7%", "10,8%")
    )
    second = services.add_suggestion(
        people.other_reviewer, target, base_version=2, text=TEXT.replace("48,5", "48,6")
    )
    consultation.submit_response(people.lead, round_)
    consultation.submit_response(people.other_lead, round_)
    db.session.commit()
    return target, first, second


@pytest.fixture
def no_diffing_on_read(monkeypatch):
    """Any diff or rebase from here on fails the test."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a read computed a diff")

    monkeypatch.setattr(diffview, "tracked_html", refuse)
    monkeypatch.setattr(textdiff, "rebase", refuse)
    monkeypatch.setattr(decisions, "preview", refuse)


def test_reading_a_suggestion_renders_nothing(client, auth, api, people, world, no_diffing_on_read):
    _target, first, _second = world
    auth.login("drafter")
    page = client.get(f"/suggestions/{first.id}").get_data(as_text=True)
    assert "<del>10,7</del><ins>10,8</ins>" in page.replace("\n", "")
    body = api.as_(people.drafter).get(f"/suggestions/{first.id}").json
    assert "<ins>10,8</ins>" in body["diff_html"] and body["diff_pending"] is False
    listed = api.as_(people.drafter).get(f"/sections/{first.section_id}/feedback").json
    assert all(s["diff_html"] for s in listed["suggestions"])


def test_a_sections_new_version_prepares_the_previews_of_its_pending_suggestions(
    client, auth, people, world, no_diffing_on_read, monkeypatch
):
    target, first, second = world
    monkeypatch.undo()  # accepting is a write: it may rebase
    decisions.accept_suggestion(people.drafter, first)
    db.session.commit()
    prepared = db.session.get(SuggestionPreview, (second.id, target.current_version))
    assert prepared.merged_text == TEXT.replace("10,7%", "10,8%").replace("48,5", "48,6")

    def refuse(*_args, **_kwargs):
        raise AssertionError("a read computed a diff")

    monkeypatch.setattr(textdiff, "rebase", refuse)
    monkeypatch.setattr(decisions, "preview", refuse)
    monkeypatch.setattr(diffview, "tracked_html", refuse)
    auth.login("drafter")
    page = client.get(f"/suggestions/{second.id}").get_data(as_text=True)
    assert "<del>48,5</del><ins>48,6</ins>" in page.replace("\n", "")
    assert "10,8%" in page  # the preview is on top of the accepted version


def test_what_is_not_rendered_yet_says_so_and_rebuild_renders_it(
    app, client, auth, api, people, world
):
    _target, first, _second = world
    db.session.execute(delete(RenderedDiff))
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/suggestions/{first.id}").get_data(as_text=True)
    assert "<ins>10,8" not in page and "đang được chuẩn bị" in page
    body = api.as_(people.drafter).get(f"/suggestions/{first.id}").json
    assert body["diff_html"] is None and body["diff_pending"] is True
    result = CliRunner().invoke(app.cli, ["renders", "rebuild"], obj=None)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(RenderedDiff)) >= 2
    page = client.get(f"/suggestions/{first.id}").get_data(as_text=True)
    assert "<ins>10,8</ins>" in page


def test_an_adversarial_suggestion_costs_its_writer_not_its_readers(
    client, auth, api, people, report, monkeypatch
):
    """A long suggestion of random words from a small vocabulary: rendered once, when it
    is saved; reading it (page, API, lists) renders nothing."""
    rng = random.Random(7)
    words = ["số", "liệu", "tăng", "đạt", "năm", "kế", "hoạch", "chỉ", "tiêu", "vượt"]
    base = " ".join(rng.choice(words) for _ in range(12_000))
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=base, base_version=1)
    round_ = open_round(people, report)
    proposed = " ".join(rng.choice(words) for _ in range(12_000))
    suggestion = services.add_suggestion(people.reviewer, target, base_version=2, text=proposed)
    consultation.submit_response(people.lead, round_)
    db.session.commit()

    def refuse(*_args, **_kwargs):
        raise AssertionError("a read computed a diff")

    monkeypatch.setattr(diffview, "tracked_html", refuse)
    auth.login("drafter")
    assert client.get(f"/suggestions/{suggestion.id}").status_code == 200
    drafter = api.as_(people.drafter)
    assert drafter.get(f"/suggestions/{suggestion.id}").json["diff_pending"] is False
    assert drafter.get(f"/reports/{report.id}/suggestions").status_code == 200
