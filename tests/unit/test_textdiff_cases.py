"""Hand-written cases for feedback.textdiff on Vietnamese report text: word diffs,
three-way rebase, comment anchors and the conflict view."""

from __future__ import annotations

import time
import unicodedata

import pytest

from feedback import textdiff as td

GRDP = "Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm, cao hơn mức bình quân chung của cả nước."
CO_CAU = "Cơ cấu kinh tế chuyển dịch tích cực theo hướng tăng tỷ trọng công nghiệp và dịch vụ."
NGAN_SACH = "Thu ngân sách nhà nước năm 2025 ước đạt 18.500 tỷ đồng, vượt dự toán được giao."
HAN_CHE = "Tuy nhiên, quy mô kinh tế còn nhỏ, năng suất lao động chưa cao."
TABLE = (
    "| Chỉ tiêu | Đơn vị | Năm 2020 | Năm 2025 |\n"
    "|---|---|---|---|\n"
    "| GRDP bình quân đầu người | triệu đồng | 58,2 | 95,4 |\n"
    "| Tỷ lệ hộ nghèo | % | 3,1 | 1,2 |\n"
    "| Thu ngân sách | tỷ đồng | 12.300 | 18.500 |"
)
BULLETS = "- Đẩy mạnh cải cách hành chính;\n- Phát triển hạ tầng giao thông;\n- Chuyển đổi số."
REPORT = "\n\n".join(
    ["## Kết quả đạt được", GRDP + " " + CO_CAU, TABLE, NGAN_SACH, BULLETS, HAN_CHE]
)


# Every test here runs on both diff kernels (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("diff_kernel")

ZWJ = "\u200d"


def _extends(c: str) -> bool:
    """Belongs to the character before it: a combining mark, emoji modifier or ZWJ."""
    return unicodedata.category(c)[0] == "M" or "\U0001f3fb" <= c <= "\U0001f3ff" or c == ZWJ


def _splits_at(text: str, p: int) -> bool:
    if _extends(text[p]) or text[p - 1] == ZWJ:
        return True
    q = p - 1
    while q > 0 and _extends(text[q]):
        q -= 1
    return text[p].isalnum() and text[q].isalnum()


def splits_a_word(text: str, boundaries: list[int]) -> bool:
    """Does an op boundary fall inside a word (letters/digits and their marks) or a
    grapheme (before a mark, modifier or ZWJ)?"""
    return any(0 < p < len(text) and _splits_at(text, p) for p in boundaries)


def check_ops(old: str, new: str, ops: list[td.Op]) -> None:
    """The guarantees of diff_words, for every case below."""
    assert "".join(t for k, t in ops if k != td.INSERT) == td.normalize(old)
    assert "".join(t for k, t in ops if k != td.DELETE) == td.normalize(new)
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))
    old_cuts, new_cuts, o, n = [], [], 0, 0
    for kind, text in ops:
        o += len(text) if kind != td.INSERT else 0
        n += len(text) if kind != td.DELETE else 0
        old_cuts.append(o)
        new_cuts.append(n)
    assert not splits_a_word(td.normalize(old), old_cuts)
    assert not splits_a_word(td.normalize(new), new_cuts)


def changes(ops: list[td.Op]) -> list[td.Op]:
    return [op for op in ops if op[0] != td.EQUAL]


# diff_words --------------------------------------------------------------------------

DIFF_CASES = [
    pytest.param(
        "Chỉ tiêu được giao.",
        "Chỉ tiêu đước giao.",
        [("delete", "được"), ("insert", "đước")],
        id="one-tone-mark-is-a-whole-syllable",
    ),
    pytest.param(
        GRDP,
        GRDP.replace("10,7", "10,9"),
        [("delete", "7"), ("insert", "9")],
        id="number",
    ),
    pytest.param(
        CO_CAU,
        CO_CAU.replace("kinh tế chuyển", "kinh tế  chuyển"),
        [("delete", " "), ("insert", "  ")],
        id="whitespace-only",
    ),
    pytest.param(CO_CAU, unicodedata.normalize("NFD", CO_CAU), [], id="nfd-copy-is-unchanged"),
    pytest.param("Dòng một\r\nDòng hai\rDòng ba", "Dòng một\nDòng hai\nDòng ba", [], id="crlf"),
    pytest.param(
        "Cơ cấu **chuyển dịch** tích cực",
        "Cơ cấu __chuyển dịch__ tích cực",
        [("delete", "**"), ("insert", "__"), ("delete", "**"), ("insert", "__")],
        id="markdown-markers-whole",
    ),
    pytest.param(
        "## Kết quả", "### Kết quả", [("delete", "##"), ("insert", "###")], id="heading-level"
    ),
    pytest.param(
        TABLE,
        TABLE.replace("| 3,1 | 1,2 |", "| 3,1 | 1,5 |"),
        [("delete", "2"), ("insert", "5")],
        id="table-cell",
    ),
    pytest.param(
        BULLETS,
        BULLETS.replace("- Phát", "* Phát"),
        [("delete", "-"), ("insert", "*")],
        id="bullet-marker",
    ),
    pytest.param(
        "Đồng ý 👍 với dự thảo",
        "Đồng ý 👍🏽 với dự thảo",
        [("delete", "👍"), ("insert", "👍🏽")],
        id="emoji-skin-tone",
    ),
    pytest.param(
        "Gia đình 👨‍👩‍👧 và 🇻🇳",
        "Gia đình 👨‍👩‍👦 và 🇻🇳",
        [("delete", "👨‍👩‍👧"), ("insert", "👨‍👩‍👦")],
        id="emoji-zwj-sequence",
    ),
    pytest.param(
        GRDP + "\n\n" + HAN_CHE,
        GRDP + "\n\n" + NGAN_SACH + "\n\n" + HAN_CHE,
        [("insert", NGAN_SACH + "\n\n")],
        id="paragraph-inserted",
    ),
    pytest.param(
        GRDP + "\n\n" + NGAN_SACH + "\n\n" + HAN_CHE,
        GRDP + "\n\n" + HAN_CHE,
        [("delete", NGAN_SACH + "\n\n")],
        id="paragraph-deleted",
    ),
    pytest.param("", "", [], id="both-empty"),
    pytest.param("", GRDP, [("insert", GRDP)], id="from-empty"),
    pytest.param(GRDP, "", [("delete", GRDP)], id="to-empty"),
]


@pytest.mark.parametrize(("old", "new", "expected"), DIFF_CASES)
def test_diff_words(old: str, new: str, expected: list[td.Op]) -> None:
    ops = td.diff_words(old, new)
    check_ops(old, new, ops)
    assert changes(ops) == expected


def test_rewritten_phrase_is_whole_words() -> None:
    new = GRDP.replace("bình quân đạt", "trung bình đạt")
    ops = td.diff_words(GRDP, new)
    check_ops(GRDP, new, ops)
    assert "".join(t for k, t in ops if k == td.INSERT).strip() in ("trung", "trung bình")


def test_diff_of_a_whole_report_edit() -> None:
    new = (
        REPORT.replace("10,7%", "10,9%")
        .replace("Chuyển đổi số.", "Chuyển đổi số toàn diện.")
        .replace("chưa cao", "còn thấp")
    )
    ops = td.diff_words(REPORT, new)
    check_ops(REPORT, new, ops)
    assert td.diff_stats(ops) == {"inserted_words": 5, "deleted_words": 3, "changes": 3}


def test_render_html_escapes_everything() -> None:
    ops = td.diff_words('a < b & "c"', 'a < b & "c" <script>alert(1)</script>')
    html = td.render_html(ops)
    assert "<script>" not in html
    assert html == "a &lt; b &amp; &quot;c&quot;<ins> &lt;script&gt;alert(1)&lt;/script&gt;</ins>"
    assert td.render_html([("delete", "xóa\n"), ("equal", "giữ")]) == "<del>xóa\n</del>giữ"


def test_diff_stats() -> None:
    ops = td.diff_words(
        CO_CAU, CO_CAU.replace("tích cực", "rất tích cực").replace(" và dịch vụ", "")
    )
    assert td.diff_stats(ops) == {"inserted_words": 1, "deleted_words": 3, "changes": 2}
    assert td.diff_stats([]) == {"inserted_words": 0, "deleted_words": 0, "changes": 0}


def test_normalize() -> None:
    nfd = unicodedata.normalize("NFD", "Tỷ lệ\r\nhộ nghèo\r")
    assert td.normalize(nfd) == "Tỷ lệ\nhộ nghèo\n"
    assert td.normalize(td.normalize(nfd)) == td.normalize(nfd)
    with pytest.raises(TypeError):
        td.normalize(None)  # type: ignore[arg-type]


def test_one_huge_paragraph_is_diffed_quickly() -> None:
    """A 10,000-word paragraph with every fifth word changed: no line anchors at all, so
    the patience anchors have to keep the Myers diff small."""
    words = [f"từ{i}" for i in range(10_000)]
    new = [w + "x" if i % 5 == 0 else w for i, w in enumerate(words)]
    started = time.perf_counter()
    ops = td.diff_words(" ".join(words), " ".join(new))
    assert time.perf_counter() - started < 2
    check_ops(" ".join(words), " ".join(new), ops)
    assert td.diff_stats(ops)["changes"] == 2_000


def test_too_many_distinct_tokens_falls_back_to_coarser_but_correct(monkeypatch) -> None:
    monkeypatch.setattr(td, "_CODE_CAPACITY", 6)
    old = GRDP + "\n" + CO_CAU + "\n" + HAN_CHE
    new = GRDP + "\n" + CO_CAU.replace("tích cực", "rõ nét") + "\n" + HAN_CHE
    ops = td.diff_words(old, new)
    check_ops(old, new, ops)
    assert changes(ops) == [("delete", CO_CAU + "\n"), ("insert", new.split("\n")[1] + "\n")]


def test_token_codes_skip_surrogates() -> None:
    tokens = [f"t{i}" for i in range(0xE100)]
    a, b = td._encode(tokens, tokens[::-1])
    assert len(a) == len(b) == len(tokens)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in a)
    assert ord(max(a)) > 0xE000


# rebase ------------------------------------------------------------------------------


def merged(result: td.Merged | td.Conflict) -> str:
    assert isinstance(result, td.Merged), result
    return result.text


BASE = REPORT
REBASE_CASES = [
    pytest.param(
        BASE,
        BASE.replace("10,7%", "10,9%"),
        BASE,
        BASE.replace("10,7%", "10,9%"),
        id="current-is-base",
    ),
    pytest.param(
        BASE,
        BASE,
        BASE.replace("10,7%", "10,9%"),
        BASE.replace("10,7%", "10,9%"),
        id="proposed-is-base",
    ),
    pytest.param(
        BASE,
        BASE.replace("chưa cao", "còn thấp"),
        BASE.replace("chưa cao", "còn thấp"),
        BASE.replace("chưa cao", "còn thấp"),
        id="identical-edits",
    ),
    pytest.param(
        BASE,
        BASE.replace("chưa cao", "còn thấp").replace("10,7%", "10,9%"),
        BASE.replace("chưa cao", "còn thấp").replace("Chuyển đổi số.", "Chuyển đổi số toàn diện."),
        BASE.replace("chưa cao", "còn thấp")
        .replace("10,7%", "10,9%")
        .replace("Chuyển đổi số.", "Chuyển đổi số toàn diện."),
        id="identical-edit-taken-once-plus-own-edits",
    ),
    pytest.param(
        GRDP,
        GRDP.replace("bình quân đạt", "trung bình đạt"),
        GRDP.replace("cả nước", "cả nước và của vùng"),
        GRDP.replace("bình quân đạt", "trung bình đạt").replace("cả nước", "cả nước và của vùng"),
        id="two-edits-in-one-sentence",
    ),
    pytest.param(
        TABLE,
        TABLE.replace("| 58,2 | 95,4 |", "| 58,2 | 96,1 |"),
        TABLE.replace("| 12.300 |", "| 12.800 |"),
        TABLE.replace("| 58,2 | 95,4 |", "| 58,2 | 96,1 |").replace("| 12.300 |", "| 12.800 |"),
        id="edits-in-two-table-rows",
    ),
    pytest.param(
        BASE,
        BASE.replace("Đẩy mạnh", "Tiếp tục đẩy mạnh"),
        BASE.replace("tỷ đồng, vượt", "tỷ đồng, vượt 5%"),
        BASE.replace("Đẩy mạnh", "Tiếp tục đẩy mạnh").replace("tỷ đồng, vượt", "tỷ đồng, vượt 5%"),
        id="bullet-and-paragraph",
    ),
    pytest.param(
        CO_CAU,
        CO_CAU.replace("tích cực", "rõ nét"),
        CO_CAU.replace("kinh tế chuyển", "kinh tế  chuyển"),
        CO_CAU.replace("tích cực", "rõ nét").replace("kinh tế chuyển", "kinh tế  chuyển"),
        id="whitespace-only-change-and-word-edit",
    ),
    pytest.param(
        GRDP + "\r\n" + HAN_CHE,
        (GRDP + "\r\n" + HAN_CHE).replace("chưa cao", "còn thấp"),
        (GRDP + "\n" + HAN_CHE).replace("10,7", "11"),
        (GRDP + "\n" + HAN_CHE).replace("chưa cao", "còn thấp").replace("10,7", "11"),
        id="crlf-sides",
    ),
    pytest.param(
        CO_CAU,
        unicodedata.normalize("NFD", CO_CAU.replace("công nghiệp", "công nghiệp, xây dựng")),
        CO_CAU.replace("Cơ cấu", "Nhìn chung, cơ cấu"),
        CO_CAU.replace("công nghiệp", "công nghiệp, xây dựng").replace(
            "Cơ cấu", "Nhìn chung, cơ cấu"
        ),
        id="nfd-proposal",
    ),
    pytest.param("", "", "", "", id="all-empty"),
    pytest.param("", GRDP, "", GRDP, id="proposal-on-empty"),
    pytest.param(GRDP, "", GRDP, "", id="proposal-empties-it"),
    pytest.param(
        GRDP + "\n\n" + HAN_CHE,
        GRDP + "\n\n" + NGAN_SACH + "\n\n" + HAN_CHE,
        GRDP + "\n\n" + HAN_CHE + "\n\n" + CO_CAU,
        GRDP + "\n\n" + NGAN_SACH + "\n\n" + HAN_CHE + "\n\n" + CO_CAU,
        id="paragraphs-added-in-different-places",
    ),
]


@pytest.mark.parametrize(("base", "proposed", "current", "expected"), REBASE_CASES)
def test_rebase_merges(base: str, proposed: str, current: str, expected: str) -> None:
    assert td.rebase(base, proposed, current) == td.Merged(td.normalize(expected))


def test_current_is_base_returns_the_proposal_exactly() -> None:
    proposal = "Một đoạn  với hai dấu cách, **đậm**.\n\n"
    assert td.rebase("cũ", proposal, "cũ") == td.Merged(proposal)


def clash_covering(result: td.Merged | td.Conflict, base_text: str) -> td.Clash:
    assert isinstance(result, td.Conflict), result
    start = result.base.index(base_text)
    for clash in result.clashes:
        if clash.base_start <= start and start + len(base_text) <= clash.base_end:
            return clash
    raise AssertionError(f"no clash covers {base_text!r}: {result.clashes}")


def test_deletion_against_modification_of_the_same_sentence() -> None:
    base = GRDP + " " + CO_CAU + "\n\n" + HAN_CHE
    proposed = base.replace(" " + CO_CAU, "")
    current = base.replace("tích cực", "rõ nét")
    result = td.rebase(base, proposed, current)
    clash = clash_covering(result, CO_CAU)
    assert "rõ nét" in clash.current_text
    assert clash.proposed_text == "" or "tích cực" not in clash.proposed_text
    assert result.current[clash.current_start : clash.current_end] == clash.current_text
    assert result.proposed[clash.proposed_start : clash.proposed_end] == clash.proposed_text


def test_different_edits_of_one_word_clash() -> None:
    result = td.rebase(GRDP, GRDP.replace("10,7", "10,9"), GRDP.replace("10,7", "11,2"))
    assert isinstance(result, td.Conflict)
    (clash,) = result.clashes
    assert clash.base_text in ("10,7", "7", "10,7%")
    assert (clash.current_text, clash.proposed_text) != (clash.base_text, clash.base_text)


def test_inserts_at_the_same_point() -> None:
    base = GRDP + "\n\n" + HAN_CHE
    mine = base.replace(GRDP + "\n\n", GRDP + "\n\n" + NGAN_SACH + "\n\n")
    theirs = base.replace(GRDP + "\n\n", GRDP + "\n\n" + CO_CAU + "\n\n")
    result = td.rebase(base, mine, theirs)
    assert isinstance(result, td.Conflict)
    (clash,) = result.clashes
    assert NGAN_SACH in clash.proposed_text and CO_CAU in clash.current_text
    # The same insert on both sides is no conflict: it is taken once.
    assert td.rebase(base, mine, mine) == td.Merged(mine)


def test_edits_with_no_unchanged_word_between_clash() -> None:
    """Edits that touch have no reliable order (as in diff3), and neighbouring syllables
    are often one Vietnamese word: both clash. One unchanged word between is enough."""
    current = GRDP.replace("GRDP", "GDP")
    for proposed in (
        GRDP.replace("GRDP", "GRDP(giá so sánh)"),
        GRDP.replace("GRDP", "GRDP (giá so sánh)"),
        GRDP.replace("bình quân", "trung bình"),
    ):
        clash_covering(td.rebase(GRDP, proposed, current), "GRDP")
    proposed = GRDP.replace("bình quân", "bình quân (giá so sánh)")
    assert merged(td.rebase(GRDP, proposed, current)) == proposed.replace("GRDP", "GDP")


def test_a_repeated_word_deleted_on_both_sides_is_not_taken_on_trust() -> None:
    """Both sides delete one "rất" of "rất rất": the same one, or one each? Unknowable."""
    base = "Kết quả rất rất tốt. Cơ cấu chuyển dịch."
    proposed = base.replace("rất rất", "rất").replace("chuyển dịch", "chuyển dịch tích cực")
    current = base.replace("rất rất", "rất")
    assert isinstance(td.rebase(base, proposed, current), td.Conflict)


def test_empty_base_with_two_proposals_clashes() -> None:
    assert isinstance(td.rebase("", "Bản A", "Bản B"), td.Conflict)
    result = td.rebase(GRDP, "", GRDP.replace("10,7", "10,9"))
    clash_covering(result, GRDP)


PARAGRAPHS = [GRDP, CO_CAU, NGAN_SACH, HAN_CHE]


@pytest.mark.parametrize("edited", range(4))
def test_moved_paragraph_with_an_edit_is_never_lost(edited: int) -> None:
    """The proposal moves the first paragraph to the end; the team edits one paragraph.
    Either the merge has both (the edit inside the moved paragraph), or it is a conflict."""
    base = "\n\n".join(PARAGRAPHS)
    proposed = "\n\n".join(PARAGRAPHS[1:] + PARAGRAPHS[:1])
    edit = {
        0: ("10,7", "10,9"),
        1: ("tích cực", "rõ nét"),
        2: ("18.500", "18.900"),
        3: ("chưa cao", "thấp"),
    }[edited]
    current = base.replace(*edit)
    expected = proposed.replace(*edit)
    result = td.rebase(base, proposed, current)
    if isinstance(result, td.Merged):
        assert result.text == expected
    if edited in (2, 3):  # paragraphs that did not move: must merge
        assert result == td.Merged(expected)


def test_moved_paragraph_with_a_deleted_word_does_not_bring_it_back() -> None:
    """The patch_apply failure: a suggestion moves a paragraph in which the team deleted a
    word; a fuzzy patch would put the old paragraph, word and all, at the new place."""
    base = "\n\n".join(PARAGRAPHS)
    proposed = "\n\n".join([PARAGRAPHS[1], PARAGRAPHS[0], *PARAGRAPHS[2:]])
    current = base.replace("bình quân đạt", "đạt")
    result = td.rebase(base, proposed, current)
    if isinstance(result, td.Merged):
        assert result.text == proposed.replace("bình quân đạt", "đạt")


def test_conflict_html_marks_the_clashes_and_escapes() -> None:
    base = "Dự thảo <b>số 1</b>: " + GRDP
    result = td.rebase(base, base.replace("10,7", "10,9"), base.replace("10,7", "12"))
    assert isinstance(result, td.Conflict)
    html = td.conflict_html(result, "current")
    assert html.startswith("Dự thảo &lt;b&gt;số 1&lt;/b&gt;: ")
    (clash,) = result.clashes
    assert f'<mark class="clash">{clash.current_text}</mark>' in html
    assert html.count('<mark class="clash">') == len(result.clashes)
    for which in ("base", "current", "proposed"):
        rendered = td.conflict_html(result, which)
        plain = rendered.replace('<mark class="clash">', "").replace("</mark>", "")
        assert plain == td.conflict_html(
            td.Conflict(result.base, result.current, result.proposed, ()), which
        )
    with pytest.raises(ValueError):
        td.conflict_html(result, "mine")


# anchors -----------------------------------------------------------------------------


def test_make_anchor() -> None:
    start = REPORT.index("10,7%")
    anchor = td.make_anchor(REPORT, start, start + 5, context=8)
    assert anchor == td.Anchor(quote="10,7%", prefix="uân đạt ", suffix="/năm, ca", start=start)
    assert td.make_anchor("abc", 0, 3).prefix == ""
    with pytest.raises(ValueError):
        td.make_anchor("abc", 2, 5)


def test_find_quote_nearest_hint() -> None:
    text = "tăng trưởng ... tăng trưởng ... tăng trưởng"
    assert td.find_quote(text, "tăng trưởng") == 0
    assert td.find_quote(text, "tăng trưởng", hint=20) == 16
    assert td.find_quote(text, "tăng trưởng", hint=10_000) == 32
    assert td.find_quote(text, "giảm") is None
    assert td.find_quote(text, "") is None


def anchor_on(text: str, quote: str, nth: int = 0) -> td.Anchor:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return td.make_anchor(text, start, start + len(quote))


def test_reanchor_unchanged_and_moved() -> None:
    anchor = anchor_on(REPORT, "năng suất lao động")
    assert td.reanchor(anchor, REPORT) == td.AnchorMatch(
        "exact", anchor.start, anchor.start + 18, "năng suất lao động"
    )
    moved = "Đoạn mới thêm vào đầu.\n\n" + REPORT
    match = td.reanchor(anchor, moved)
    assert (match.status, match.start) == ("exact", anchor.start + 24)


def test_reanchor_picks_the_occurrence_with_the_same_context() -> None:
    anchor = anchor_on(REPORT, "bình quân", nth=1)  # "mức bình quân chung"
    edited = "Mở đầu: bình quân. " + REPORT
    match = td.reanchor(anchor, edited)
    assert match.status == "exact"
    assert edited[match.start - 4 : match.end + 6] == "mức bình quân chung"


def test_reanchor_fuzzy_after_an_edit_inside_the_quote() -> None:
    anchor = anchor_on(REPORT, "Tốc độ tăng trưởng GRDP bình quân đạt 10,7%/năm")
    new = REPORT.replace("10,7%/năm", "10,9%/năm")
    match = td.reanchor(anchor, new)
    assert match == td.AnchorMatch(
        "fuzzy",
        anchor.start,
        anchor.start + len(anchor.quote),
        anchor.quote.replace("10,7", "10,9"),
    )


def test_reanchor_fuzzy_long_quote_that_moved() -> None:
    quote = "Thu ngân sách nhà nước năm 2025 ước đạt 18.500 tỷ đồng, vượt dự toán được giao."
    anchor = anchor_on(REPORT, quote)
    new = ("Bổ sung một đoạn mới ở đầu báo cáo.\n\n" * 20) + REPORT.replace(
        "18.500 tỷ", "18.900 tỷ"
    )
    match = td.reanchor(anchor, new)
    assert match.status == "fuzzy"
    assert match.text == quote.replace("18.500", "18.900")
    assert new[match.start : match.end] == match.text


def test_reanchor_not_found_when_the_passage_is_gone() -> None:
    anchor = anchor_on(REPORT, NGAN_SACH)
    assert td.reanchor(anchor, REPORT.replace(NGAN_SACH, "")) == td.NOT_FOUND
    short = anchor_on(REPORT, "chưa cao")
    assert (
        td.reanchor(short, REPORT.replace("năng suất lao động chưa cao", "")).status == "not_found"
    )
    assert td.reanchor(short, "").status == "not_found"
    assert td.reanchor(td.Anchor("", "", "", 0), REPORT).status == "not_found"


def test_reanchor_nfd_quote_is_exact() -> None:
    anchor = td.Anchor(unicodedata.normalize("NFD", "Cơ cấu kinh tế"), "", "", 0)
    match = td.reanchor(anchor, REPORT)
    assert match.status == "exact" and match.text == "Cơ cấu kinh tế"
