"""Where an exported .docx came from: the custom property and the section bookmarks.

The contract (written by the exporter): the custom document property
``FeedbackProvenance`` (docProps/custom.xml, ``vt:lpwstr``) holds JSON
``{"report": rid, "edition": n, "sections": {"<sid>": version}}``, and each section's
heading carries a bookmark ``fb_s<sid>_v<version>``. This small reader stands in for
``feedback.consolidation.documents.provenance.read_provenance`` until that is merged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from .package import DocxPackage

PROPERTY = "FeedbackProvenance"
BOOKMARK = re.compile(r"^fb_s(\d+)_v(\d+)$")
_CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


@dataclass(frozen=True)
class Provenance:
    report: int
    edition: int | None
    sections: dict[int, int] = field(default_factory=dict)  # section id -> version


def read_provenance(package: DocxPackage) -> Provenance | None:
    """The document's provenance, or None (no property, or one that does not parse)."""
    custom = package.xml("docProps/custom.xml")
    if custom is None:
        return None
    for prop in custom.iter(f"{{{_CUSTOM_NS}}}property"):
        if prop.get("name") != PROPERTY:
            continue
        value = "".join(prop.itertext()).strip()
        try:
            data = json.loads(value)
            return Provenance(
                report=int(data["report"]),
                edition=int(data["edition"]) if data.get("edition") is not None else None,
                sections={int(k): int(v) for k, v in (data.get("sections") or {}).items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
    return None


def bookmark_source(name: str | None) -> tuple[int, int] | None:
    """``fb_s12_v3`` -> ``(12, 3)``."""
    match = BOOKMARK.match(name or "")
    return (int(match.group(1)), int(match.group(2))) if match else None
