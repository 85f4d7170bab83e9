"""A section with a long list of feedback: decided items collapse, open ones are paged."""

from feedback.extensions import db
from feedback.review import consultation, decisions, services

from ..review_helpers import open_round, section


def _comments(people, report, n):
    round_ = open_round(people, report)
    target = section(report, 1)
    made = [
        services.add_comment(people.reviewer, target, body=f"Ý kiến về số liệu thứ {i}.")
        for i in range(n)
    ]
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return target, made


def test_a_short_list_shows_every_item_decided_or_not(client, auth, people, report):
    target, made = _comments(people, report, 3)
    decisions.resolve_comment(people.drafter, made[0], disposition="noted")
    db.session.commit()
    auth.login("stc.reviewer")
    page = client.get(f"/sections/{target.id}").get_data(as_text=True)
    assert all(f"Ý kiến về số liệu thứ {i}." in page for i in range(3))
    assert "decided=1" not in page


def test_a_long_list_collapses_decided_items_and_pages_the_open_ones(
    app, client, auth, people, report, monkeypatch
):
    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_SIZE", 3)
    target, made = _comments(people, report, 6)
    for comment in made[:2]:
        decisions.resolve_comment(
            people.drafter, comment, disposition="explained", response="Đã giải trình."
        )
    db.session.commit()
    auth.login("drafter")
    page = client.get(f"/sections/{target.id}").get_data(as_text=True)
    assert 'class="badge">6</span>' in page  # the count is of every item
    assert "Ý kiến về số liệu thứ 0." not in page and "Ý kiến về số liệu thứ 1." not in page
    assert "Ý kiến về số liệu thứ 2." in page and "Ý kiến về số liệu thứ 4." in page
    assert "Ý kiến về số liệu thứ 5." not in page  # on the next page
    assert f"/sections/{target.id}?decided=1#feedback" in page
    assert "Hiện 2 ý kiến đã xử lý" in page
    second = client.get(f"/sections/{target.id}?fpage=2").get_data(as_text=True)
    assert "Ý kiến về số liệu thứ 5." in second and "Ý kiến về số liệu thứ 2." not in second
    # Out of range or not a number: the nearest page, never an error.
    assert "Ý kiến về số liệu thứ 5." in client.get(f"/sections/{target.id}?fpage=99").get_data(
        as_text=True
    )
    assert client.get(f"/sections/{target.id}?fpage=hai").status_code == 200
    everything = client.get(f"/sections/{target.id}?decided=1").get_data(as_text=True)
    assert all(f"Ý kiến về số liệu thứ {i}." in everything for i in range(6))
    assert "Ẩn các ý kiến đã xử lý" in everything


def test_a_link_to_one_comment_opens_the_part_of_the_list_that_shows_it(
    app, client, auth, people, report, monkeypatch
):
    from feedback.review.links import comment_target

    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_SIZE", 3)
    target, made = _comments(people, report, 6)
    decisions.resolve_comment(
        people.drafter, made[0], disposition="explained", response="Đã giải trình."
    )
    db.session.commit()
    auth.login("drafter")
    with app.test_request_context():
        decided_link, late_link = comment_target(made[0]), comment_target(made[5])
    assert decided_link == f"/sections/{target.id}?c={made[0].id}#c{made[0].id}"
    # A decided comment: the list opens with the decided items shown.
    page = client.get(decided_link.split("#")[0]).get_data(as_text=True)
    assert f'id="c{made[0].id}"' in page and "Ý kiến về số liệu thứ 0." in page
    # An open one on the second page of the open items: that page.
    page = client.get(late_link.split("#")[0]).get_data(as_text=True)
    assert "Ý kiến về số liệu thứ 5." in page and "Ý kiến về số liệu thứ 1." not in page


def test_a_new_comment_on_a_long_list_is_shown_where_it_was_made(
    app, client, auth, people, report, monkeypatch
):
    monkeypatch.setitem(app.config, "FEEDBACK_PAGE_SIZE", 3)
    target, _made = _comments(people, report, 6)
    auth.login("stc.reviewer")
    done = client.post(
        f"/sections/{target.id}/comments",
        data={
            "kind": "general",
            "body": "Đề nghị bổ sung số liệu quý IV.",
            "base_version": target.current_version,
            "next": f"/sections/{target.id}",
        },
    )
    assert done.status_code == 302
    location = done.headers["Location"]
    assert "?c=" in location  # the list is three pages long: the page with the new draft
    page = client.get(location.split("#")[0]).get_data(as_text=True)
    assert "Đề nghị bổ sung số liệu quý IV." in page
    assert "Ý kiến về số liệu thứ 0." not in page  # the first page of the list is not it
