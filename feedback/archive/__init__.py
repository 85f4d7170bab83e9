"""A report's record: one self-contained archive (zip) of everything a report became,
and its restore into another instance. See docs/archive-format.md."""
