"""Property tests for feedback.textdiff: diffs rebuild both texts without splitting words,
and a rebase never returns a merge that lost an edit of either side.

The default profile runs in a few seconds; ``HYPOTHESIS_PROFILE=thorough`` runs 10,000
examples per property.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from feedback import textdiff as td

from .test_textdiff_cases import check_ops

# Profiles are applied per test below (not loaded globally), so other test modules keep
# their own settings.
settings.register_profile(
    "textdiff", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PROFILE = settings.get_profile(
    "thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "textdiff"
)

# Every test here runs on both diff kernels (tests/unit/conftest.py).
pytestmark = pytest.mark.usefixtures("diff_kernel")

VI_LOWER = (
    "aàáảãạăắằẳẵặâấầẩẫậbcdđeèéẻẽẹêếềểễệghiìíỉĩịklmnoòóỏõọôốồổỗộơớờởỡợpqrstuùúủũụưứừửữựvxyỳýỷỹỵ"
)
VI_LETTERS = VI_LOWER + VI_LOWER.upper()
MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
EMOJI = ["👍", "👍🏽", "👨‍👩‍👧", "🇻🇳", "𠀀", "❤️"]
PUNCT = [
    ",",
    ".",
    ";",
    ":",
    "%",
    "/",
    "(",
    ")",
    "-",
    "**",
    "__",
    "|",
    "##",
    "`",
    "<",
    "&",
    '"',
    "…",
]
SEPARATORS = [" ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\t"]

words = st.text(alphabet=VI_LETTERS, min_size=1, max_size=6)
pieces = st.one_of(
    words,
    words.map(lambda w: unicodedata.normalize("NFD", w)),
    st.tuples(words, st.sampled_from(MARKS)).map("".join),  # marks NFC cannot compose
    st.sampled_from(EMOJI),
    st.sampled_from(PUNCT),
    st.sampled_from(SEPARATORS),
    st.lists(words, min_size=1, max_size=3).map(lambda cells: "| " + " | ".join(cells) + " |\n"),
    st.just("- "),
)
texts = st.lists(pieces, max_size=30).map("".join)


@st.composite
def text_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """Two unrelated texts, or a text and an edited copy of it (the interesting case)."""
    old = draw(st.lists(pieces, max_size=30))
    if draw(st.booleans()):
        return "".join(old), draw(texts)
    new = list(old)
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(new)))
        j = draw(st.integers(i, min(len(new), i + 3)))
        new[i:j] = draw(st.lists(pieces, max_size=3))
    return "".join(old), "".join(new)


Slot = tuple[int, int]  # (paragraph, word) in the base document
Edit = tuple[str, str]  # ("replace", word) | ("delete", _) | ("insert", word after the slot)


def render(doc: list[list[str]], edits: dict[Slot, Edit]) -> str:
    """The document with slot edits applied; applying both sides' edits gives the merge."""
    paragraphs = []
    for p, paragraph in enumerate(doc):
        out: list[str] = []
        for k, word in enumerate(paragraph):
            kind, new = edits.get((p, k), ("keep", ""))
            if kind == "replace":
                out.append(new)
            elif kind == "insert":
                out += [word, new]
            elif kind == "keep":
                out.append(word)
        paragraphs.append(" ".join(out))
    return "\n\n".join(paragraphs)


def slots_of(doc: list[list[str]]) -> list[Slot]:
    return [(p, k) for p, paragraph in enumerate(doc) for k in range(len(paragraph))]


@st.composite
def edit_sets(
    draw: st.DrawFn, doc: list[list[str]], slots: list[Slot], vocabulary: st.SearchStrategy[str]
) -> dict[Slot, Edit]:
    """Up to five edits at distinct slots (a replace by the same word is no edit)."""
    if not slots:
        return {}
    edits = {}
    for p, k in draw(st.lists(st.sampled_from(slots), unique=True, max_size=5)):
        kind = draw(st.sampled_from(["replace", "delete", "insert"]))
        word = "" if kind == "delete" else draw(vocabulary)
        if (kind, word) != ("replace", doc[p][k]):
            edits[p, k] = (kind, word)
    return edits


def items(text: str) -> Counter[str]:
    return Counter(td.normalize(text).split())


def item_changes(doc: list[list[str]], edits: dict[Slot, Edit]) -> Counter[str]:
    """The words the edits add (positive) and remove (negative)."""
    delta: Counter[str] = Counter()
    for (p, k), (kind, word) in edits.items():
        if kind != "insert":
            delta[doc[p][k]] -= 1
        if kind != "delete":
            delta[word] += 1
    return delta


# Diffs -----------------------------------------------------------------------------------


@PROFILE
@given(text_pairs())
def test_diff_ops_rebuild_both_texts_and_never_split_a_word(pair: tuple[str, str]) -> None:
    old, new = pair
    check_ops(old, new, td.diff_words(old, new))


@PROFILE
@given(texts)
def test_nfd_and_crlf_copies_have_no_changes(text: str) -> None:
    copy = unicodedata.normalize("NFD", td.normalize(text)).replace("\n", "\r\n")
    ops = td.diff_words(text, copy)
    assert all(kind == td.EQUAL for kind, _ in ops)
    assert td.diff_stats(ops)["changes"] == 0


# Rebase ----------------------------------------------------------------------------------


@PROFILE
@given(texts, texts)
def test_rebase_on_unchanged_current_is_the_proposal(base: str, proposed: str) -> None:
    assert td.rebase(base, proposed, base) == td.Merged(td.normalize(proposed))


# Few distinct words, so that repeated words make the diffs ambiguous.
repetitive = st.one_of(st.sampled_from(["rất", "tốt", "và", "**", "10,7%", "👍🏽", "được"]), words)
# Edit words are upper case, base words of unique_words_doc lower case: an edit never
# repeats a neighbouring word, so where each edit belongs can be told from the texts.
fresh = st.text(alphabet=VI_LOWER.upper(), min_size=1, max_size=6)


def unique_words_doc(data: st.DataObject) -> list[list[str]]:
    """Paragraphs of distinct lower-case words (so each edit's place is unambiguous)."""
    flat = data.draw(
        st.lists(
            st.text(alphabet=VI_LOWER, min_size=1, max_size=6), min_size=2, max_size=40, unique=True
        )
    )
    cuts = sorted(data.draw(st.sets(st.integers(1, len(flat) - 1), max_size=3)))
    return [flat[a:b] for a, b in zip([0, *cuts], [*cuts, len(flat)], strict=True)]


def texts_cannot_tell(
    base: str, current: str, proposed: str, result: td.Merged | td.Conflict
) -> bool:
    """Edits that cancel out ("rất rất": delete one, insert one), or two sides ending in
    the same text by different edits, leave nothing the texts can tell apart; the
    contract is then to keep the side that changed. Checks it, and says so."""
    if base == current or proposed in (base, current):
        assert result == td.Merged(proposed if base == current else current)
        return True
    return False


@PROFILE
@given(st.data())
def test_rebase_never_returns_a_merge_that_lost_an_edit(data: st.DataObject) -> None:
    """Edits at different slots, neighbours allowed. On distinct words a merge, when there
    is one, is exactly the text with both sides' edits. On text full of repeated words
    the texts may fit several edit sets ("rất rất" -> "rất": which one went?) and the
    merge follows the diff's reading; it must still hold every word either side added
    and none either side removed."""
    if data.draw(st.booleans()):
        doc, vocabulary = unique_words_doc(data), fresh
    else:
        doc = data.draw(
            st.lists(st.lists(repetitive, min_size=1, max_size=10), min_size=1, max_size=4)
        )
        vocabulary = repetitive
    slots = slots_of(doc)
    theirs = data.draw(edit_sets(doc, slots, vocabulary))
    mine = data.draw(edit_sets(doc, [s for s in slots if s not in theirs], vocabulary))
    base, current, proposed = render(doc, {}), render(doc, theirs), render(doc, mine)
    result = td.rebase(base, proposed, current)
    if texts_cannot_tell(base, current, proposed, result) or isinstance(result, td.Conflict):
        return
    want = items(base)
    want.update(item_changes(doc, theirs))
    want.update(item_changes(doc, mine))
    assert items(result.text) == +want and not -want
    if vocabulary is fresh:
        assert result.text == render(doc, {**theirs, **mine})


def edits_away_from(
    data: st.DataObject, doc: list[list[str]], busy: dict[Slot, Edit]
) -> dict[Slot, Edit]:
    """Edits at least five slots from those in ``busy`` (an insert also touches the
    slot after it), so that they stay apart."""
    slots = slots_of(doc)
    taken = {slots.index(s) for s in busy} | {
        slots.index(s) + 1 for s, (kind, _) in busy.items() if kind == "insert"
    }
    free = [s for i, s in enumerate(slots) if all(abs(i - t) >= 5 for t in taken)]
    return data.draw(edit_sets(doc, free, fresh))


@PROFILE
@given(st.data())
def test_overlapping_edits_clash_or_keep_both(data: st.DataObject) -> None:
    """Both sides edit one word (and maybe others far away): the same edit merges,
    taken once; different edits clash, or merge keeping every word either side added
    and none either side removed."""
    doc = unique_words_doc(data)
    slots = slots_of(doc)
    shared = data.draw(st.sampled_from(slots))
    edit = st.one_of(
        st.tuples(st.sampled_from(["replace", "insert"]), fresh), st.just(("delete", ""))
    )
    theirs = {shared: data.draw(edit)}
    mine = {shared: data.draw(st.one_of(st.just(theirs[shared]), edit))}
    theirs.update(edits_away_from(data, doc, theirs))
    mine.update(edits_away_from(data, doc, theirs | mine))
    base, current, proposed = render(doc, {}), render(doc, theirs), render(doc, mine)
    result = td.rebase(base, proposed, current)
    if texts_cannot_tell(base, current, proposed, result):
        return
    if theirs[shared] == mine[shared]:
        assert result == td.Merged(render(doc, theirs | mine))
    elif isinstance(result, td.Merged):
        want = items(base)
        want.update(item_changes(doc, theirs))
        want.update(item_changes(doc, mine))
        assert items(result.text) == +want and not -want


@PROFILE
@given(st.data())
def test_separated_edits_always_merge_exactly(data: st.DataObject) -> None:
    """Edits of the two sides at least four words apart (three unchanged words between,
    or a paragraph break) always merge, whatever the line endings and normal form."""
    doc = unique_words_doc(data)
    theirs = data.draw(edit_sets(doc, slots_of(doc), fresh))
    mine = edits_away_from(data, doc, theirs)
    base, current, proposed = render(doc, {}), render(doc, theirs), render(doc, mine)
    expected = render(doc, {**theirs, **mine})
    if data.draw(st.booleans()):
        proposed = unicodedata.normalize("NFD", proposed)
    if data.draw(st.booleans()):
        current = current.replace("\n", "\r\n")
    assert td.rebase(base, proposed, current) == td.Merged(td.normalize(expected))


# Anchors ---------------------------------------------------------------------------------


@PROFILE
@given(texts, st.data())
def test_reanchor_of_an_unchanged_text_is_exact_in_place(text: str, data: st.DataObject) -> None:
    text = td.normalize(text)
    assume(text)
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    anchor = td.make_anchor(text, start, end)
    assert td.reanchor(anchor, text) == td.AnchorMatch("exact", start, end, text[start:end])
