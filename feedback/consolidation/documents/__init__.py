"""Editions and the disposition table as Word, Markdown and CSV documents.

Pure on purpose: python-docx, the standard library and ``feedback.markup`` only, no Flask,
no database. Callers build the plain dataclasses of ``model`` from their models and get
bytes or text back, so the same code serves the web downloads, the CLI and the tests.

The package is cut along its seams:

- ``model``: the dataclasses callers fill, translated words, text and date helpers;
- ``word``: an A4 Word document in Times New Roman, formatted runs, schema order;
- ``tree`` and ``engine``: Markdown (rendered and sanitised by ``feedback.markup``)
  walked into paragraphs, lists and tables -- as text, never as markup;
- ``revisions``: Word revision marks, and ``redline``: a section's changes as revisions;
- ``administrative``: the blocks of Decree 30/2020/NĐ-CP (header, title, signature);
- ``provenance``: where a .docx came from, written (bookmarks, a custom property) and
  read back (``read_provenance``);
- ``edition``, ``markdown``, ``dispositions``: the documents themselves.

This module is the package's public face: callers import from here.
"""

from ...provenance import PROPERTY as PROVENANCE_PROPERTY
from ...provenance import Provenance, bookmark_name, read_provenance
from .administrative import DEFAULT_TYPE as DEFAULT_DOCUMENT_TYPE
from .dispositions import dispositions_csv, dispositions_docx
from .edition import edition_docx
from .markdown import edition_markdown
from .model import (
    DispositionRow,
    DispositionTable,
    DocEdition,
    DocFormat,
    DocSection,
    Op,
    clean,
    official_date,
)

__all__ = [
    "DEFAULT_DOCUMENT_TYPE",
    "PROVENANCE_PROPERTY",
    "Provenance",
    "bookmark_name",
    "official_date",
    "read_provenance",
    "DocFormat",
    "DispositionRow",
    "DispositionTable",
    "DocEdition",
    "DocSection",
    "Op",
    "clean",
    "dispositions_csv",
    "dispositions_docx",
    "edition_docx",
    "edition_markdown",
]
