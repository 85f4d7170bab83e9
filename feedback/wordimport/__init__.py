"""Reading a Word draft (.docx) into sections: pure, reusable by every Word import.

No Flask, no database, no feedback models (only ``feedback.reports.importer``'s pure
splitter and ``feedback.richtext``). The public API:

- ``package.open_docx(data, limits) -> DocxPackage``: the checked zip (size, part count,
  uncompressed total, compression ratio, no macros, no external relationships, no
  DTD/entities), raising ``UnsafeDocument`` (``kind`` code + message) before anything
  else reads it. ``package.parse_xml(bytes)`` is the hardened XML parser.
- ``reader.read_docx(data, limits=Limits(), preamble_heading=...) -> WordDraft``: title,
  numbering scheme per level, sections (level, heading, printed number, Markdown text,
  table count) and what is not kept (``skipped``: images, charts, text boxes, legacy
  encodings), the text converted by pandoc (pypandoc-binary) after our own checks.
- ``legacy.tcvn3_to_unicode(text)``, ``legacy.font_encoding(font_name)``.
- ``numbering.NumberingDefinitions``: automatic Word numbering formats from numbering.xml.
"""
