"""A .docx draft read into sections: our checks and structure, pandoc's text."""

from __future__ import annotations

import io
import posixpath
import re
import secrets
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field

import pypandoc
from lxml import etree

from feedback.richtext.blocks import canonical

from .numbering import NumberingDefinitions
from .package import Limits, UnsafeDocument, open_docx
from .provenance import Provenance, read_provenance
from .structure import Structure, convert_legacy, drop_objects, list_revisions, mark_headings
from .styles import Styles
from .tables import promote_blank_headers, rewrite_tables

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PANDOC_FORMAT = "gfm+footnotes"
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:\s?")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_PIPE_SEPARATOR = re.compile(r"^\|(?: *:?-{3,}:? *\|)+$", re.MULTILINE)
_HTML_TABLE = re.compile(r"^<table>", re.MULTILINE)
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])[ \t]+(.*)$")


@dataclass
class WordSection:
    level: int
    heading: str
    text: str  # canonical Markdown
    pattern: str | None = None  # how the document numbered it ("1.", "a)")
    numbered: bool = True
    source: tuple[int, int] | None = None  # (section id, version) it was exported from

    @property
    def tables(self) -> int:
        return len(_PIPE_SEPARATOR.findall(self.text)) + len(_HTML_TABLE.findall(self.text))


@dataclass
class WordDraft:
    title: str | None
    scheme: list[str] | None  # numbering pattern per level, e.g. ["I.", "1.", "a)"]
    sections: list[WordSection]
    skipped: list[dict] = field(default_factory=list)  # {"kind", "text"}: not kept
    converted: list[dict] = field(default_factory=list)  # {"encoding", "text"}
    path_numbering: str | None = None  # set by a Markdown draft
    provenance: Provenance | None = None  # where an exported document came from

    @property
    def numbering(self) -> str:
        """The path numbering of the report: Roman parts unless the first is Arabic."""
        if self.path_numbering:
            return self.path_numbering
        return "decimal" if self.scheme and self.scheme[0][0] != "I" else "roman"


def _rewritten(package, root: etree._Element) -> bytes:
    """The package with its main part replaced (every other part copied as it was)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in package.part_names():
            data = package.read(name)
            if name == package.main:
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
            target.writestr(name, data)
    return out.getvalue()


def run_pandoc(docx: bytes, *, timeout: float = 60) -> str:
    """pandoc (the pypandoc-binary executable, a separate program) as GitHub Markdown
    with footnotes; ``--sandbox`` keeps it from reading or fetching anything else."""
    with tempfile.NamedTemporaryFile(suffix=".docx") as handle:
        handle.write(docx)
        handle.flush()
        command = [
            pypandoc.get_pandoc_path(),
            "--sandbox",
            "-f",
            "docx",
            "-t",
            PANDOC_FORMAT,
            "--wrap=none",
            handle.name,
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnsafeDocument("timeout") from exc
    if done.returncode != 0:
        raise UnsafeDocument("corrupt", done.stderr.decode("utf-8", "replace")[:300])
    return done.stdout.decode("utf-8", "replace")


def _footnotes(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """Take the footnote definitions out of the text (pandoc puts them at the end)."""
    body: list[str] = []
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        match = _FOOTNOTE_DEF.match(line)
        if match:
            current = notes.setdefault(match.group(1), [])
            current.append(line)
        elif current is not None and (not line.strip() or line.startswith("    ")):
            current.append(line)
        else:
            current = None
            body.append(line)
    return body, notes


def _with_notes(text: str, notes: dict[str, list[str]]) -> str:
    used = list(dict.fromkeys(_FOOTNOTE_REF.findall(text)))
    blocks = ["\n".join(notes[label]).strip() for label in used if label in notes]
    return "\n\n".join([text, *blocks]) if blocks else text


def reindent_lists(lines: list[str]) -> list[str]:
    """pandoc indents a nested list by its parent's marker width (2 or 4 spaces); the
    stored form nests by 4 spaces a level (as Python-Markdown reads it)."""
    out: list[str] = []
    stack: list[int] = []
    for line in lines:
        item = _LIST_ITEM.match(line)
        if item:
            indent = len(item.group(1))
            while stack and indent < stack[-1]:
                stack.pop()
            if not stack or indent > stack[-1]:
                stack.append(indent)
            marker = item.group(2).replace(")", ".")
            out.append("    " * (len(stack) - 1) + f"{marker} {item.group(3)}")
        elif stack and line.startswith(" ") and line.strip():
            out.append("    " * len(stack) + line.strip())
        else:
            if line.strip():
                stack = []
            out.append(line)
    return _tight(out)


def _tight(lines: list[str]) -> list[str]:
    """No blank line between two items of a list (pandoc writes loose lists)."""
    out = []
    for index, line in enumerate(lines):
        between = 0 < index < len(lines) - 1
        if (
            not line.strip()
            and between
            and _LIST_ITEM.match(out[-1] if out else "")
            and _LIST_ITEM.match(lines[index + 1])
        ):
            continue
        out.append(line)
    return out


def split_markdown(
    markdown: str, structure: Structure, nonce: str, preamble_heading: str
) -> list[WordSection]:
    """Cut pandoc's Markdown at the heading markers; footnotes go with their section."""
    markdown, _ = rewrite_tables(promote_blank_headers(markdown))
    lines = [line for line in markdown.split("\n") if line.strip() != "<!-- -->"]
    lines, notes = _footnotes(lines)
    lines = reindent_lists(lines)
    marker = re.compile(rf"^{nonce}(\d+)$")
    chunks: list[tuple[int | None, list[str]]] = [(None, [])]
    for line in lines:
        match = marker.match(line.strip())
        if match:
            chunks.append((int(match.group(1)), []))
        else:
            chunks[-1][1].append(line)
    sections = []
    for index, chunk in chunks:
        text = canonical(_with_notes("\n".join(chunk).strip("\n"), notes))
        if index is None:
            if text.strip():
                sections.append(WordSection(1, preamble_heading, text, numbered=False))
            continue
        heading = structure.headings[index]
        sections.append(
            WordSection(heading.level, heading.text, text, heading.pattern, source=heading.source)
        )
    return sections


def read_docx(
    data: bytes, *, limits: Limits | None = None, preamble_heading: str = "Preamble"
) -> WordDraft:
    """Read a .docx upload (checked first: ``UnsafeDocument`` when it cannot be)."""
    package = open_docx(data, limits or Limits())
    root = package.xml(package.main)
    body = root.find(f"{{{W}}}body")
    if body is None:
        raise UnsafeDocument("not_docx")
    folder = posixpath.dirname(package.main)
    styles = Styles(package.xml(posixpath.join(folder, "styles.xml")))
    numbering = NumberingDefinitions(package.xml(posixpath.join(folder, "numbering.xml")))
    structure = Structure()
    list_revisions(body, package.xml(posixpath.join(folder, "comments.xml")), structure)
    drop_objects(body, structure)
    convert_legacy(body, styles, structure)
    nonce = "FBSECTION" + secrets.token_hex(6).upper() + "X"
    mark_headings(body, styles, numbering, nonce, structure)
    markdown = run_pandoc(_rewritten(package, root))
    sections = split_markdown(markdown, structure, nonce, preamble_heading)
    return WordDraft(
        title=structure.title,
        scheme=structure.scheme(),
        sections=sections,
        skipped=structure.skipped,
        converted=structure.converted,
        provenance=read_provenance(package),
    )
