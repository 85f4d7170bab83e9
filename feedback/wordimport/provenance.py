"""Where an exported .docx came from, as the import reads it: the one reader of the
contract is ``feedback.provenance`` (the custom property ``FeedbackProvenance`` and the
section bookmarks ``fb_s<sid>_v<version>`` the exporter writes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..provenance import archive_provenance, bookmark_section
from .package import DocxPackage

bookmark_source = bookmark_section  # ``fb_s12_v3`` -> ``(12, 3)``


@dataclass(frozen=True)
class Provenance:
    report: int
    edition: int | None
    sections: dict[int, int] = field(default_factory=dict)  # section id -> version


def read_provenance(package: DocxPackage) -> Provenance | None:
    """The document's provenance, or None (none, or one that names no report)."""
    found = archive_provenance(package.archive)
    if found is None or found["report"] is None:
        return None
    return Provenance(
        report=found["report"], edition=found["edition"], sections=dict(found["sections"])
    )
