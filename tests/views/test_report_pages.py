"""Report and section pages as the drafting team and readers use them."""

import re

from feedback.extensions import db
from feedback.reports import queries


def _sections(report):
    return [e.section for e in queries.outline(report)]


def test_report_page_shows_toc_numbers_and_tables(client, auth, people, report):
    auth.login("stc.reviewer")
    html = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'class="toc"' in html
    for number in ("I.", "I.1.", "I.2.", "II."):
        assert f'<span class="num">{number}</span>' in html
    assert "<td>Tăng trưởng GRDP</td>" in html
    assert not re.search(
        r"/sections/\d+/(edit|move|delete)", html
    )  # a reviewer sees no editing controls


def test_drafter_creates_report_by_upload(client, auth, people):
    auth.login("drafter")
    from io import BytesIO

    data = {
        "title": "",
        "markdown": "",
        "file": (
            BytesIO("# Báo cáo tải lên\n\n## Một\n\nA\n\n## Hai\n\nB\n".encode()),
            "bao-cao.md",
        ),
    }
    response = client.post("/reports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Báo cáo tải lên" in page


def test_upload_that_is_not_utf8_is_refused_clearly(client, auth, people):
    auth.login("drafter")
    from io import BytesIO

    data = {"title": "x", "file": (BytesIO("Tiếng Việt".encode("utf-16")), "x.md")}
    response = client.post("/reports/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400


def test_edit_then_history_then_diff(client, auth, people, report):
    auth.login("drafter")
    section = _sections(report)[0]
    form = client.get(f"/sections/{section.id}/edit").get_data(as_text=True)
    assert 'name="base_version"' in form
    response = client.post(
        f"/sections/{section.id}/edit",
        data={
            "heading": "ĐÁNH GIÁ KẾT QUẢ",
            "text": "Tốc độ tăng trưởng GRDP bình quân đạt 10,8%/năm.",
            "reason": "Cập nhật số liệu",
            "base_version": "1",
        },
    )
    assert response.status_code == 302
    history = client.get(f"/sections/{section.id}/history").get_data(as_text=True)
    assert "Cập nhật số liệu" in history
    diff = client.get(f"/sections/{section.id}/diff?from=1&to=2").get_data(as_text=True)
    assert re.search(r"<del>(10,)?7</del>", diff) and re.search(r"<ins>(10,)?8</ins>", diff)


def test_stale_edit_shows_conflict_page_and_keeps_the_typed_text(client, auth, people, report):
    from feedback.reports import services

    section = _sections(report)[0]
    services.save_section(people.drafter, section, text="Bản của đồng nghiệp.", base_version=1)
    db.session.commit()
    auth.login("drafter")
    mine = "Bản của tôi, soạn trong lúc đó, dài và quan trọng."
    response = client.post(
        f"/sections/{section.id}/edit",
        data={"heading": "ĐÁNH GIÁ KẾT QUẢ", "text": mine, "reason": "", "base_version": "1"},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert mine in html
    assert "Bản của đồng nghiệp." in html
    assert 'name="base_version" type="hidden" value="2"' in html
    assert section.current_version == 2


def test_double_submit_makes_one_version(client, auth, people, report):
    auth.login("drafter")
    section = _sections(report)[0]
    data = {
        "heading": "ĐÁNH GIÁ KẾT QUẢ",
        "text": "Một lần thôi.",
        "reason": "",
        "base_version": "1",
    }
    assert client.post(f"/sections/{section.id}/edit", data=data).status_code == 302
    assert client.post(f"/sections/{section.id}/edit", data=data).status_code == 302
    assert len(queries.versions(section)) == 2


def test_move_delete_restore_from_pages(client, auth, people, report):
    auth.login("drafter")
    sections = _sections(report)
    client.post(f"/sections/{sections[2].id}/move/up")
    db.session.expire_all()
    assert [e.version.heading for e in queries.outline(report)][1] == "Kinh tế"
    client.post(f"/sections/{sections[3].id}/delete")
    db.session.expire_all()
    assert len(queries.outline(report)) == 3
    settings = client.get(f"/reports/{report.id}/settings").get_data(as_text=True)
    assert "PHƯƠNG HƯỚNG" in settings
    client.post(f"/sections/{sections[3].id}/undelete")
    db.session.expire_all()
    assert len(queries.outline(report)) == 4


def test_restore_version_from_history(client, auth, people, report):
    from feedback.reports import services

    section = _sections(report)[0]
    original = section.current.text
    services.save_section(people.drafter, section, text="Sai.", base_version=1)
    db.session.commit()
    auth.login("drafter")
    client.post(f"/sections/{section.id}/restore", data={"number": 1, "base_version": 2})
    db.session.expire_all()
    assert section.current_version == 3 and section.current.text == original


def test_a_long_report_is_read_a_part_at_a_time(app, client, auth, people, report):
    entries = queries.outline(report)
    sizes = [len(e.version.text) for e in entries]
    # A budget that the first two sections reach: the rest is another part.
    app.config["FEEDBACK_REPORT_PART_CHARS"] = sizes[0] + sizes[1]
    try:
        auth.login("drafter")
        first = client.get(f"/reports/{report.id}").get_data(as_text=True)
        assert "Phần 1/2" in first and "phần sau" in first
        assert f'id="s{entries[1].section.id}"' in first
        assert f'id="s{entries[2].section.id}"' not in first  # its text is in part 2...
        # ...and the table of contents, complete, links to it there.
        later = entries[2].section.id
        assert f'href="/reports/{report.id}?part=2#s{later}"' in first
        second = client.get(f"/reports/{report.id}?part=2").get_data(as_text=True)
        assert f'id="s{later}"' in second and f'id="s{entries[0].section.id}"' not in second
        assert f'href="#s{later}"' in second and "phần trước" in second
        # A link to one section (after moving it, say) opens the part that shows it.
        at = client.get(f"/reports/{report.id}?at={later}").get_data(as_text=True)
        assert f'id="s{later}"' in at
        assert client.get(f"/reports/{report.id}?part=3").status_code == 404
        moved = client.post(f"/sections/{later}/move/down")
        assert f"at={later}" in moved.headers["Location"]
    finally:
        app.config["FEEDBACK_REPORT_PART_CHARS"] = 150_000
    whole = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert 'class="parts"' not in whole  # a report of ordinary length: one page, as ever
    assert all(f'id="s{e.section.id}"' in whole for e in entries)
