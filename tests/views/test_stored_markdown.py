"""Markdown is rendered when it is written: pages read the stored HTML of a section's
text, a comment and a reply, and render nothing themselves (issue 16)."""

import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select

from feedback import markup
from feedback.extensions import db
from feedback.renders import markdown
from feedback.renders.models import RenderedMarkdown
from feedback.reports import services as report_services
from feedback.review import consultation, services

from ..review_helpers import open_round, section

TEXT = "Tốc độ tăng trưởng **GRDP** bình quân ước đạt 10,7%/năm."
BODY = "Đề nghị nêu rõ *nguồn số liệu* của Cục Thống kê."
REPLY = "Bổ sung: số liệu **sơ bộ** năm 2025."


@pytest.fixture
def world(people, report):
    target = section(report, 2)
    report_services.save_section(people.drafter, target, text=TEXT, base_version=1)
    round_ = open_round(people, report)
    comment = services.add_comment(people.reviewer, target, body=BODY)
    services.add_reply(people.reviewer, comment, body=REPLY)
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    return target


@pytest.fixture
def no_rendering_on_read(monkeypatch):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a read rendered Markdown")

    monkeypatch.setattr(markup, "render", refuse)


def _stored(text):
    return db.session.get(RenderedMarkdown, markdown.digest(text))


def test_writing_stores_the_html_of_the_text_comment_and_reply(world):
    for text in (TEXT, BODY, REPLY):
        row = _stored(text)
        assert row is not None and row.renderer == markup.RENDERER_VERSION
    assert "<strong>GRDP</strong>" in _stored(TEXT).html
    assert "<em>nguồn số liệu</em>" in _stored(BODY).html


def test_the_section_page_reads_the_stored_html_and_renders_nothing(
    client, auth, world, no_rendering_on_read
):
    auth.login("drafter")
    page = client.get(f"/sections/{world.id}").get_data(as_text=True)
    assert "<strong>GRDP</strong>" in page
    assert "<em>nguồn số liệu</em>" in page and "<strong>sơ bộ</strong>" in page
    report_page = client.get(f"/reports/{world.report_id}").get_data(as_text=True)
    assert "<strong>GRDP</strong>" in report_page


def test_rebuild_renders_what_bulk_writes_left_unrendered(app, client, auth, world):
    db.session.execute(delete(RenderedMarkdown))
    db.session.commit()
    auth.login("drafter")
    # Not stored yet: the page still shows the text, rendered on the spot.
    assert "<strong>GRDP</strong>" in client.get(f"/sections/{world.id}").get_data(as_text=True)
    result = CliRunner().invoke(app.cli, ["renders", "rebuild"], catch_exceptions=False)
    assert "texts" in result.output
    db.session.expire_all()
    assert _stored(TEXT) is not None and _stored(BODY) is not None and _stored(REPLY) is not None
    count = db.session.scalar(select(func.count()).select_from(RenderedMarkdown))
    CliRunner().invoke(app.cli, ["renders", "rebuild"], catch_exceptions=False)
    assert db.session.scalar(select(func.count()).select_from(RenderedMarkdown)) == count
