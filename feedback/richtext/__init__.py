"""Rich text: what a section's Markdown means as a document, and how two of them differ.

Pure, like ``feedback.textdiff`` (the standard library, textdiff, markdown and nh3; no
Flask, no database): ``tests/unit/test_textdiff_purity.py`` keeps it so.

- ``blocks``: ``parse(markdown)`` into the block model of ``model`` (headings, paragraphs,
  list items, tables with rows and cells, opaque blocks), read as ``feedback.markup``
  renders it (``reader``, ``pipetables``, ``htmltables``, ``inlines``), and
  ``canonical(markdown)``, the one stored form of a section's text.
- ``diff``: ``diff(old, new) -> DocDiff``, block by block, table rows and columns matched
  by content, word by word inside a changed block or cell (``diffcore``, ``tablediff``).
- ``render``: ``render_html(DocDiff)``, the tracked changes as the document reads, with
  ``<ins>``/``<del>`` inside the cell or item where they happen; no Markdown reaches a reader.
"""
