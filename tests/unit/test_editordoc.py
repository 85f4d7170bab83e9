"""The in-place editor's document (feedback/richtext/editordoc.py): the section's blocks
as the editor models them, each with the inline Markdown it was stored with."""

from __future__ import annotations

from feedback.richtext.blocks import canonical
from feedback.richtext.editordoc import editor_doc

TEXT = canonical(
    "## Mục tiêu\n\n"
    "Thu ngân sách đạt **48,5** nghìn tỷ, xem [báo cáo](https://stc.example.gov.vn/a).\n\n"
    "| STT | Chỉ tiêu | Ước thực hiện |\n"
    "|---:|---|:---:|\n"
    "| 5 | Thu ngân sách | 48,5 |\n\n"
    "3. Ba\n"
    "4. Bốn\n"
    "    - con *một*\n\n"
    "- Gạch đầu dòng\n\n"
    "Đoạn giữa.\n\n"
    "    mã nguồn\n\n"
    "Ghi chú[^1].\n\n"
    "[^1]: Theo Cục Thống kê."
)


def _types(nodes):
    return [n["type"] for n in nodes]


def test_blocks_become_the_editors_nodes_in_order():
    doc = editor_doc(TEXT)
    assert doc["type"] == "doc"
    assert _types(doc["content"]) == [
        "heading",
        "paragraph",
        "table",
        "ordered_list",
        "bullet_list",
        "paragraph",
        "opaque",
        "paragraph",
        "opaque",
    ]
    heading = doc["content"][0]
    assert heading["attrs"] == {"level": 2, "src": "Mục tiêu"}


def test_inline_text_keeps_its_source_and_its_marks():
    paragraph = editor_doc(TEXT)["content"][1]
    assert paragraph["attrs"]["src"].startswith("Thu ngân sách đạt **48,5**")
    bold = next(n for n in paragraph["content"] if n["text"] == "48,5")
    assert bold["marks"] == [{"type": "strong"}]
    link = next(n for n in paragraph["content"] if n["text"] == "báo cáo")
    assert link["marks"] == [{"type": "link", "attrs": {"href": "https://stc.example.gov.vn/a"}}]


def test_a_table_has_a_head_row_and_cells_with_their_alignment():
    table = editor_doc(TEXT)["content"][2]
    assert table["attrs"] == {"html": False}
    head, row = table["content"]
    assert head["attrs"]["head"] and not row["attrs"]["head"]
    assert _types(head["content"]) == ["table_header"] * 3
    assert [c["attrs"]["align"] for c in row["content"]] == ["right", None, "center"]
    figure = row["content"][2]["content"][0]
    assert figure["attrs"]["src"] == "48,5"


def test_nested_lists_are_nested_again_with_their_numbers():
    ordered = editor_doc(TEXT)["content"][3]
    assert ordered["attrs"] == {"order": 3}
    first, second = ordered["content"]
    assert _types(first["content"]) == ["paragraph"]
    assert _types(second["content"]) == ["paragraph", "bullet_list"]
    nested = second["content"][1]["content"][0]["content"][0]
    assert nested["attrs"]["src"] == "con *một*"


def test_what_the_editor_does_not_model_is_kept_verbatim_and_shown_rendered():
    doc = editor_doc(TEXT)["content"]
    code, definition = doc[6], doc[8]
    assert code["attrs"]["construct"] == "code"
    assert code["attrs"]["source"] == "    mã nguồn"
    assert "<pre><code>mã nguồn" in code["attrs"]["html"]
    assert definition["attrs"]["construct"] == "footnote"
    footnote = next(n for n in doc[7]["content"] if n["type"] == "footnote")
    assert footnote["attrs"] == {"label": "1"}


def test_an_html_table_with_merged_cells_is_a_table_with_spans():
    text = canonical(
        "<table><thead><tr><th colspan='2'>Chỉ tiêu</th></tr></thead>"
        "<tbody><tr><td>GRDP</td><td align='right'>10,7</td></tr></tbody></table>"
    )
    table = editor_doc(text)["content"][0]
    assert table["attrs"] == {"html": True}
    assert table["content"][0]["content"][0]["attrs"]["colspan"] == 2
    assert table["content"][1]["content"][1]["attrs"]["align"] == "right"


def test_an_empty_text_is_one_empty_paragraph():
    assert editor_doc("") == {
        "type": "doc",
        "content": [{"type": "paragraph", "attrs": {"src": ""}}],
    }
