"""Footnotes kept from a Word import (``text[^1]`` and ``[^1]: Nguồn: …``) read as
footnotes everywhere a reader sees them: the section page, a suggestion's diff and the
edition .docx show a superscript number and the note, never the Markdown."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from feedback.extensions import db
from feedback.reports import services as report_services
from feedback.review import consultation
from feedback.review import services as review_services

from ..review_helpers import open_round, sections

# NFD on purpose: stored text is normalised, what the reader sees must still match.
MARKDOWN = unicodedata.normalize(
    "NFD",
    "# Đánh giá kết quả\n\n"
    "Tăng trưởng kinh tế đạt 10,7%[^1], thu ngân sách 48,5 nghìn tỷ đồng[^2].\n\n"
    "[^1]: Nguồn: Cục Thống kê tỉnh Quảng Ninh.\n\n"
    "[^2]: Số liệu ước thực hiện của Sở Tài chính.\n",
)


def _report(people):
    report = report_services.import_report(people.drafter, title="Báo cáo", markdown=MARKDOWN)
    db.session.commit()
    return report, sections(report)[0]


def _visible(html: str) -> str:
    """The page's text, without the editor's source (a textarea and its JSON document,
    which the rich editor shows formatted)."""
    html = re.sub(r"<(textarea|script)\b.*?</\1>", "", html, flags=re.DOTALL)
    return unicodedata.normalize("NFC", re.sub(r"<[^>]+>", "", html))


def test_section_page_shows_footnotes_as_a_number_and_a_note(client, auth, people):
    _, section = _report(people)
    auth.login(people.drafter)
    page = client.get(f"/sections/{section.id}").get_data(as_text=True)
    reference = re.search(
        r'<sup id="(fnref-[0-9a-f]{8}-1)"><a class="footnote-ref" href="#(fn-[0-9a-f]{8}-1)"', page
    )
    assert reference, "the reference is a superscript link to its note"
    assert f'<li id="{reference.group(2)}">' in page
    assert f'href="#{reference.group(1)}"' in page  # and the note links back
    visible = _visible(page)
    assert "Nguồn: Cục Thống kê tỉnh Quảng Ninh." in visible
    assert "Số liệu ước thực hiện của Sở Tài chính." in visible
    assert "[^" not in visible


def test_suggestion_diff_of_a_footnoted_paragraph_shows_no_markdown(client, auth, people):
    report, section = _report(people)
    round_ = open_round(people, report)
    suggestion = review_services.add_suggestion(
        people.reviewer,
        section,
        base_version=section.current.number,
        text=section.current.text.replace("10,7%", "10,9%").replace(
            "Quảng Ninh.", "Quảng Ninh, số liệu chính thức."
        ),
        rationale="Số liệu chính thức của Cục Thống kê.",
    )
    consultation.submit_response(people.lead, round_)
    db.session.commit()
    auth.login(people.drafter)
    page = client.get(f"/suggestions/{suggestion.id}").get_data(as_text=True)
    assert "<del>10,7</del><ins>10,9</ins>%" in page
    assert '<sup class="footnote-ref">1</sup>' in page
    assert '<sup class="footnote-ref">2</sup>' in page
    visible = _visible(page)
    assert "số liệu chính thức." in visible and "Sở Tài chính." in visible
    assert "[^" not in visible


def test_edition_docx_has_no_footnote_markdown(api, people):
    report, _ = _report(people)
    drafter = api.as_(people.drafter)
    assert drafter.post(f"/reports/{report.id}/editions", json={}).status_code == 201
    response = drafter.get(f"/reports/{report.id}/editions/1/export.docx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as package:
        body = package.read("word/document.xml").decode("utf-8")
    texts = [
        unicodedata.normalize("NFC", t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body)
    ]
    assert texts and not any("[^" in t for t in texts)
    text = "".join(texts)
    assert "Tăng trưởng kinh tế đạt 10,7%" in text
    assert "Nguồn: Cục Thống kê tỉnh Quảng Ninh." in text
    assert "↩" not in text  # the page's link back has no place on paper
    # The reference and the note's number are superscript numbers.
    superscripts = re.findall(
        r'<w:r><w:rPr>(?:(?!</w:rPr>).)*<w:vertAlign w:val="superscript"/>(?:(?!</w:r>).)*?<w:t>(\d+)</w:t>',
        body,
    )
    assert superscripts.count("1") >= 2 and superscripts.count("2") >= 2
