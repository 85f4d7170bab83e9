"""Reading a department's marked-up Word copy: its tracked changes and comments, by section.

No Flask, no database: ``read_copy(data, headings)`` takes the bytes of a .docx that
passed ``wordfiles.check_docx`` and the sections' headings as the copy would show them,
and returns each section's old text (every change rejected) and, for each Word author,
its new text (that author's changes accepted, the others' rejected), in Markdown; the
comments with the passage they are on and their replies; the formatting-only changes;
and whatever cannot be placed in a section, with the reason.

Pandoc reads the document (``--track-changes=all`` keeps insertions, deletions and
comments as spans with their author, also inside table cells); the spans are resolved
here on pandoc's JSON tree, and pandoc writes each resolved section back as Markdown,
which the caller brings to the canonical stored form. The parts pandoc does not show
(reply links in ``commentsExtended.xml``, formatting changes, the custom property
``FeedbackProvenance``) are read with the hardened parser of ``wordfiles``.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field

from . import wordparts
from .wordspacing import close_gaps

OLD = "\x00old"  # the variant with every change rejected
TIMEOUT = 60
_SPLIT = "\ue010SPLIT\ue010"
_START, _END = "\ue000", "\ue001"  # comment markers: _START id _END ... _END id _START
_MARK = re.compile("[\ue000\ue001][0-9]*[\ue000\ue001]")
_CHANGE = ("insertion", "deletion")
_MARK_CHANGE = ("paragraph-insertion", "paragraph-deletion")


class CopyUnreadable(Exception):
    """Pandoc could not read the document."""


@dataclass
class Unplaced:
    kind: str  # insertion, deletion, comment
    text: str
    reason: str  # title_block, heading, spans_sections, image, conflict
    author: str = ""


@dataclass
class Reply:
    author: str
    text: str


@dataclass
class WordComment:
    cid: str
    author: str
    text: str
    section: int | None = None
    quote: str = ""
    replies: list[Reply] = field(default_factory=list)


@dataclass
class CopySection:
    sid: int
    version: int | None  # from the copy's provenance, when it carries one
    old: str = ""
    new: dict[str, str] = field(default_factory=dict)  # by Word author


@dataclass
class Copy:
    provenance: dict | None
    sections: list[CopySection]
    comments: list[WordComment]
    unplaced: list[Unplaced]
    formatting: list[tuple[str, str]]  # (author, the text whose formatting changed)


# Pandoc -----------------------------------------------------------------------------


def _pandoc(args: list[str], data: bytes) -> bytes:
    import pypandoc  # imported here: the executable is found once it is needed

    command = [pypandoc.get_pandoc_path(), "--sandbox", *args]
    try:
        done = subprocess.run(command, input=data, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise CopyUnreadable("timeout") from None
    if done.returncode != 0:
        raise CopyUnreadable(done.stderr.decode("utf-8", "replace")[:500])
    return done.stdout


def _to_markdown(blocks_list: list[list]) -> list[str]:
    """Each list of blocks as Markdown, with one pandoc run for all of them."""
    blocks: list = []
    for index, part in enumerate(blocks_list):
        if index:
            blocks.append({"t": "Para", "c": [{"t": "Str", "c": _SPLIT}]})
        blocks.extend(part)
    doc = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    out = _pandoc(
        ["-f", "json", "-t", "markdown_strict+pipe_tables+footnotes", "--wrap=none"],
        json.dumps(doc).encode(),
    ).decode("utf-8")
    pieces = re.split(rf"^{_SPLIT}$", out, flags=re.M)
    if len(pieces) != len(blocks_list):  # a footnote moved text past a split: one by one
        return [_to_markdown([part])[0] for part in blocks_list] if len(blocks_list) > 1 else [out]
    return [p.strip("\n") for p in pieces]


# The JSON tree ------------------------------------------------------------------------


def _classes(node) -> list[str]:
    return node["c"][0][1] if isinstance(node, dict) and node.get("t") == "Span" else []


def _attr(node, name: str) -> str:
    return dict(node["c"][0][2]).get(name, "")


def _spans(node):
    """Every Span in ``node``, depth first."""
    if isinstance(node, dict):
        if node.get("t") == "Span":
            yield node
        yield from _spans(node.get("c"))
    elif isinstance(node, list):
        for item in node:
            yield from _spans(item)


def text_of(node) -> str:
    """The plain text of a JSON subtree (deleted text included)."""
    if isinstance(node, dict):
        kind = node.get("t")
        if kind == "Str":
            return node["c"]
        if kind in ("Space", "SoftBreak", "LineBreak"):
            return " "
        if "comment-start" in _classes(node):
            return ""
        return text_of(node.get("c"))
    if isinstance(node, list):
        return "".join(text_of(item) for item in node)
    return ""


@dataclass(frozen=True)
class _Variant:
    author: str | None  # the author whose changes are applied (None: none)
    markers: bool = False  # comment positions as markers (for quotes)
    excluded: frozenset[int] = frozenset()  # ids of change spans never applied


def _span_items(node, variant: _Variant) -> list | None:
    """What a special span becomes in ``variant``: a list to splice; None if not special."""
    classes = _classes(node)
    if not classes:
        return None
    content = node["c"][1]
    if "comment-start" in classes:
        cid = _attr(node, "id")
        return [{"t": "Str", "c": f"{_START}{cid}{_END}"}] if variant.markers else []
    if "comment-end" in classes:
        inner = _resolve(content, variant)
        if variant.markers:
            inner.append({"t": "Str", "c": f"{_END}{_attr(node, 'id')}{_START}"})
        return inner
    if classes[0] in _MARK_CHANGE:  # a paragraph mark's change: its text is in spans
        return []
    if classes[0] not in _CHANGE:
        return None
    applied = _attr(node, "author") == variant.author and id(node) not in variant.excluded
    keep = (classes[0] == "insertion") == applied
    return _resolve(content, variant) if keep else []


def _empty(blocks) -> bool:
    return all(b.get("t") in ("Para", "Plain") and not text_of(b).strip() for b in blocks)


def _resolve(node, variant: _Variant):
    """``node`` with the changes of ``variant`` applied; blocks and table rows that only
    held changed text and became empty go (a paragraph or row inserted or deleted)."""
    if isinstance(node, list):
        out = []
        gaps = []
        for item in node:
            special = _span_items(item, variant)
            if special is not None:
                if not special and _classes(item)[0] in _CHANGE:
                    gaps.append(len(out))
                out.extend(special)
                continue
            resolved = _resolve(item, variant)
            if _emptied(item, resolved):
                continue
            out.append(resolved)
        return close_gaps(out, gaps)
    if isinstance(node, dict):
        if node.get("t") == "Table":
            return _resolve_table(node, variant)
        return {k: (_resolve(v, variant) if k == "c" else v) for k, v in node.items()}
    return node


def _emptied(before, after) -> bool:
    if isinstance(before, dict) and before.get("t") in ("Para", "Plain"):
        return bool(text_of(before).strip()) and not text_of(after).strip()
    return False


def _row_cells_empty(row) -> bool:
    return all(_empty(cell[4]) for cell in row[1])


def _resolve_table(node, variant: _Variant):
    attr, caption, colspecs, head, bodies, foot = node["c"]
    colspecs = [
        [{"t": "AlignDefault"} if spec[0].get("t") == "AlignLeft" else spec[0], spec[1]]
        for spec in colspecs
    ]
    head = [head[0], [_unbold(_resolve(row, variant)) for row in head[1]]]
    new_bodies = []
    for body in bodies:
        rows = []
        for row in body[3]:
            resolved = _resolve(row, variant)
            if _row_cells_empty(resolved) and not _row_cells_empty(row):
                continue  # a whole row inserted or deleted
            rows.append(resolved)
        new_bodies.append([body[0], body[1], _resolve(body[2], variant), rows])
    return {"t": "Table", "c": [attr, caption, colspecs, head, new_bodies, foot]}


def _unbold(row):
    """Header cells written all bold (as our exporter writes them) read as plain text."""
    for cell in row[1]:
        for block in cell[4]:
            inlines = block.get("c") if block.get("t") in ("Para", "Plain") else None
            if inlines and len(inlines) == 1 and inlines[0].get("t") == "Strong":
                block["c"] = inlines[0]["c"]
    return row


def _authors(blocks) -> list[str]:
    seen: dict[str, None] = {}
    for span in _spans(blocks):
        if _classes(span)[:1] and _classes(span)[0] in _CHANGE:
            seen.setdefault(_attr(span, "author"), None)
    return list(seen)


def _changes(node, excluded: frozenset[int] = frozenset()) -> list[dict]:
    return [
        s
        for s in _spans(node)
        if _classes(s)[:1] and _classes(s)[0] in _CHANGE and id(s) not in excluded
    ]


def _unplaced_changes(node, reason: str) -> list[Unplaced]:
    return [
        Unplaced(_classes(s)[0], text_of(s["c"][1]), reason, _attr(s, "author"))
        for s in _changes(node)
        if text_of(s["c"][1]).strip()
    ]


# Sections -----------------------------------------------------------------------------


def normal(text: str) -> str:
    """A heading as compared: NFC, whitespace collapsed, case folded."""
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def _old_heading(block) -> str:
    return text_of(_resolve(block["c"][2], _Variant(None)))


@dataclass
class _Chunk:
    sid: int | None
    version: int | None
    header: dict | None
    blocks: list


def _heading_text(block, outlined: set[str]) -> str | None:
    """A heading's text (``normal``ised) before the changes; None if not a heading.
    A paragraph is one when the document gives it an outline level (``outlined``)."""
    if block.get("t") == "Header":
        return normal(_old_heading(block))
    if block.get("t") in ("Para", "Plain") and outlined:
        text = normal(text_of(_resolve(block["c"], _Variant(None))))
        return text if text in outlined else None
    return None


def _split(
    blocks: list,
    headings: dict[str, int],
    marks: dict[str, tuple[int, int]],
    outlined: set[str] = frozenset(),
) -> list[_Chunk]:
    """The title block, then a chunk per section, started by the heading its bookmark
    is in (``marks``, from the copy's provenance) or by a heading that reads as the
    section's heading (a heading style, or a paragraph with an outline level)."""
    chunks = [_Chunk(None, None, None, [])]
    used: set[int] = set()
    for block in blocks:
        start = None
        text = _heading_text(block, outlined)
        if text is not None:
            sid = headings.get(text)
            start = marks.get(text) or ((sid, None) if sid is not None else None)
            if start is not None and start[0] in used:
                start = None
        if start is not None:
            used.add(start[0])
            chunks.append(_Chunk(start[0], start[1], block, []))
        else:
            chunks[-1].blocks.append(block)
    return chunks


def _spanning(chunks: list[_Chunk], unplaced: list[Unplaced]) -> dict[int, frozenset[int]]:
    """A changed heading is not placed; a change running from one section into the
    next through that heading (by the same author, at the end of the section before it
    and the start of the section) goes with it. Returns the change spans left out of
    each chunk."""
    left_out: dict[int, set[int]] = {}
    for index, chunk in enumerate(chunks):
        if chunk.header is None or not _changes(chunk.header):
            continue
        unplaced.extend(_unplaced_changes(chunk.header, "heading"))
        authors = {_attr(s, "author") for s in _changes(chunk.header)}
        edges = [(index - 1, chunks[index - 1].blocks[-1:]), (index, chunk.blocks[:1])]
        for where, blocks in edges:
            spans = [s for s in _changes(blocks) if _attr(s, "author") in authors]
            for span in spans:
                left_out.setdefault(where, set()).add(id(span))
                unplaced.append(
                    Unplaced(
                        _classes(span)[0],
                        text_of(span["c"][1]),
                        "spans_sections",
                        _attr(span, "author"),
                    )
                )
    return {k: frozenset(v) for k, v in left_out.items()}


# Comments -----------------------------------------------------------------------------


def _comment_places(chunks: list[_Chunk]) -> dict[str, tuple[set[int], bool]]:
    """Each comment id: the chunks its range starts or ends in, and whether it is on a
    heading."""
    places: dict[str, tuple[set[int], bool]] = {}
    for index, chunk in enumerate(chunks):
        for where, nodes in (("header", chunk.header), ("body", chunk.blocks)):
            for span in _spans(nodes):
                classes = _classes(span)
                if "comment-start" in classes or "comment-end" in classes:
                    seen, on_heading = places.get(_attr(span, "id"), (set(), False))
                    seen.add(index)
                    places[_attr(span, "id")] = (seen, on_heading or where == "header")
    return places


def _quote(marked: str, cid: str) -> str | None:
    start, end = f"{_START}{cid}{_END}", f"{_END}{cid}{_START}"
    if start not in marked or end not in marked:
        return None
    inner = marked[marked.index(start) + len(start) : marked.index(end)]
    return _MARK.sub("", inner).strip()


_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>")


def _only_images(quote: str) -> bool:
    """The commented passage is a picture and nothing else."""
    return bool(_IMAGE.search(quote)) and not _IMAGE.sub("", quote).strip()


def _place_comments(chunks, marked: dict[int, str], parts) -> tuple[list, list]:
    """The copy's comments on their sections, replies under their first comment."""
    placed: list[WordComment] = []
    unplaced: list[Unplaced] = []
    by_id: dict[str, WordComment] = {}
    places = _comment_places(chunks)

    def root(cid: str) -> str:
        seen = set()
        while parts.get(cid) is not None and parts[cid].parent and cid not in seen:
            seen.add(cid)
            cid = parts[cid].parent
        return cid

    for cid, (where, on_heading) in places.items():
        part = parts.get(cid)
        if part is None or part.parent:
            continue
        reason = None
        index = min(where)
        if len(where) > 1:
            reason = "spans_sections"
        elif chunks[index].sid is None:
            reason = "title_block"
        quote = "" if on_heading else (_quote(marked.get(index, ""), cid) or "")
        if reason is None and _only_images(quote):
            reason = "image"
        if reason is not None:
            unplaced.append(Unplaced("comment", part.text, reason, part.author))
            by_id[cid] = None
            continue
        by_id[cid] = WordComment(cid, part.author, part.text, chunks[index].sid, quote)
        placed.append(by_id[cid])
    for cid, part in parts.items():
        if cid not in places and not part.parent:  # in comments.xml, on no passage
            unplaced.append(Unplaced("comment", part.text, "no_passage", part.author))
        elif part.parent:
            parent = by_id.get(root(cid))
            if parent is not None:
                parent.replies.append(Reply(part.author, part.text))
            else:
                unplaced.append(Unplaced("comment", part.text, "reply_unplaced", part.author))
    return placed, unplaced


# The copy ------------------------------------------------------------------------------


def read_copy(data: bytes, headings: dict[str, int], canonical) -> Copy:
    """Read a checked .docx. ``headings``: each section's heading as the copy may show it
    (``normal``ised) -> section id. ``canonical``: the stored form of a section's text."""
    try:
        tree = json.loads(_pandoc(["--track-changes=all", "-f", "docx", "-t", "json"], data))
    except ValueError:
        raise CopyUnreadable("json") from None
    prov = wordparts.provenance(data)
    marks = {}
    if prov is not None:
        marks = {normal(k): v for k, v in wordparts.bookmarked_headings(data).items()}
    outlined = {normal(text) for text in wordparts.outline_headings(data)}
    chunks = _split(tree.get("blocks", []), headings, marks, outlined)
    unplaced = _unplaced_changes(chunks[0].blocks, "title_block")
    left_out = _spanning(chunks, unplaced)
    jobs: list[tuple[int, str]] = []
    trees = []
    for index, chunk in enumerate(chunks):
        if chunk.sid is None:
            continue
        excluded = left_out.get(index, frozenset())
        jobs.append((index, OLD))
        trees.append(_resolve(chunk.blocks, _Variant(None, markers=True)))
        for author in _authors(_changes(chunk.blocks, excluded)):
            jobs.append((index, author))
            trees.append(_resolve(chunk.blocks, _Variant(author, excluded=excluded)))
    texts = _to_markdown(trees) if trees else []
    sections: dict[int, CopySection] = {}
    marked: dict[int, str] = {}
    for (index, author), text in zip(jobs, texts, strict=True):
        chunk = chunks[index]
        section = sections.setdefault(index, CopySection(chunk.sid, chunk.version))
        if author == OLD:
            marked[index] = text
            section.old = canonical(_MARK.sub("", text))
        else:
            new = canonical(_MARK.sub("", text))
            if new != section.old:
                section.new[author] = new
    placed, lost = _place_comments(chunks, marked, wordparts.comments(data))
    return Copy(
        provenance=prov,
        sections=list(sections.values()),
        comments=placed,
        unplaced=unplaced + lost,
        formatting=wordparts.formatting_changes(data),
    )
