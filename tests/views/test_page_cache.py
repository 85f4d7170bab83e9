"""Whole pages served again from memory until the data they show changes (pagecache).

The rest of the suite runs with the cache on as well: every test that writes and then
reads a page checks, in passing, that no page is served older than the data."""

import re

from sqlalchemy import event, text, update

from feedback import pagecache
from feedback.auth.models import LoginSession
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.review import consultation, services
from feedback.review.models import Comment

from ..review_helpers import open_round, section


def _queries(client, url):
    counted = []

    def count(*_args, **_kwargs):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return response.get_data(as_text=True), len(counted)


def _tokens(page):
    return re.findall(r'name="form_token" type="hidden" value="([^"]+)"', page)


def test_a_page_read_again_runs_almost_no_queries_until_a_write_changes_it(
    client, auth, people, report
):
    round_ = open_round(people, report)
    target = section(report, 1)
    services.add_comment(people.reviewer, target, body="Đề nghị làm rõ số liệu năm 2024.")
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login("drafter")
    url = f"/sections/{target.id}"
    first, built = _queries(client, url)
    again, served = _queries(client, url)
    # The login session with its user and the data generation, in one query (and BEGIN
    # on SQLite); nothing of the page.
    assert served <= 2 < built
    assert "Đề nghị làm rõ số liệu năm 2024." in again
    assert _tokens(first) and _tokens(again) != _tokens(first)  # a new form token each time
    assert re.sub(r'value="[^"]*"', "", first) == re.sub(r'value="[^"]*"', "", again)

    # Another department answers: the very next read shows it.
    services.add_comment(people.other_reviewer, target, body="Bổ sung chỉ tiêu về y tế.")
    consultation.submit_response(people.other_lead, round_)
    db.session.commit()
    after, rebuilt = _queries(client, url)
    assert "Bổ sung chỉ tiêu về y tế." in after and rebuilt > served


def test_a_department_draft_stays_on_its_own_pages(client, auth, people, report):
    open_round(people, report)
    target = section(report, 1)
    url = f"/sections/{target.id}"
    auth.login("drafter")
    assert "Nháp của sở" not in client.get(url).get_data(as_text=True)
    services.add_comment(people.reviewer, target, body="Nháp của sở: chưa gửi.")
    db.session.commit()
    assert "Nháp của sở" not in client.get(url).get_data(as_text=True)  # a draft, unsent
    auth.logout()
    auth.login("stc.reviewer")
    assert "Nháp của sở: chưa gửi." in client.get(url).get_data(as_text=True)
    auth.logout()
    auth.login("sct.reviewer")  # another department, same page, same generation
    assert "Nháp của sở" not in client.get(url).get_data(as_text=True)


def test_the_served_tokens_are_accepted_by_the_form_they_fill(app, client, auth, people, report):
    open_round(people, report)
    target = section(report, 1)
    auth.login("stc.reviewer")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        url = f"/sections/{target.id}"
        client.get(url)
        page = client.get(url).get_data(as_text=True)  # from memory
        assert pagecache.CSRF_PLACE not in page and pagecache.FORM_PLACE not in page
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form_token = _tokens(page)[0]
        done = client.post(
            f"/sections/{target.id}/comments",
            data={
                "csrf_token": csrf,
                "form_token": form_token,
                "kind": "general",
                "body": "Ý kiến gửi từ trang đã lưu.",
                "base_version": target.current_version,
            },
        )
        assert done.status_code == 302, done.get_data(as_text=True)[:500]
        # The message of the redirect is shown once, then the page is served as usual.
        shown = client.get(url).get_data(as_text=True)
        assert "Ý kiến gửi từ trang đã lưu." in shown and 'class="flash' in shown
        assert 'class="flash' not in client.get(url).get_data(as_text=True)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.query(Comment).filter_by(body="Ý kiến gửi từ trang đã lưu.").count() == 1


def test_each_language_is_its_own_page(client, auth, people, report):
    auth.login("drafter")
    url = f"/reports/{report.id}"
    assert "Mục lục" in client.get(url).get_data(as_text=True)
    client.post("/language/en", data={"next": url})
    assert "Contents" in client.get(url).get_data(as_text=True)


def test_only_writes_a_page_can_show_move_the_generation(people, report):
    db.session.commit()
    before = pagecache.current_generation()
    assert before
    # Bookkeeping: a login session's "last seen".
    row = LoginSession.start(people.drafter, address="127.0.0.1", user_agent="test")[0]
    db.session.add(row)
    db.session.commit()
    row.last_seen_at = utcnow()
    db.session.commit()
    assert pagecache.current_generation() == before
    # A comment, a bulk UPDATE, raw SQL: each one moves it.
    target = section(report, 1)
    open_round(people, report)
    comment = services.add_comment(people.reviewer, target, body="Ý kiến.")
    db.session.commit()
    seen = {before, pagecache.current_generation()}
    db.session.execute(update(Comment).where(Comment.id == comment.id).values(body="Ý kiến sửa."))
    db.session.commit()
    seen.add(pagecache.current_generation())
    db.session.execute(
        text("UPDATE report SET title = 'Báo cáo sửa' WHERE id = :id"), {"id": report.id}
    )
    db.session.commit()
    seen.add(pagecache.current_generation())
    assert len(seen) == 4
    # A write rolled back leaves it alone.
    db.session.execute(update(Comment).values(body="Không lưu."))
    db.session.rollback()
    assert pagecache.current_generation() in seen


def test_the_store_keeps_one_generation_within_its_limit():
    store = pagecache._Store()
    page = pagecache._Page(b"x" * 100)
    store.put("g1", ("a",), page, limit=250)
    store.put("g1", ("b",), page, limit=250)
    assert store.get("g1", ("a",)) is page  # now the most recently used
    store.put("g1", ("c",), page, limit=250)
    assert store.get("g1", ("b",)) is None and store.get("g1", ("a",)) is page
    assert store.get("g2", ("a",)) is None  # another generation: nothing
    store.put("g2", ("d",), page, limit=250)
    assert store.get("g1", ("a",)) is None and store.get("g2", ("d",)) is page
