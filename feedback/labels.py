"""Human labels of the domain's enumerations, translated, in one place."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

LABELS: dict[str, dict[str, object]] = {
    "role": {
        "admin": _l("Administrator"),
        "drafter": _l("Drafting team"),
        "chair": _l("Chair"),
        "lead": _l("Department lead"),
        "reviewer": _l("Department reviewer"),
    },
    "report_status": {
        "drafting": _l("drafting"),
        "consultation": _l("in consultation"),
        "submitted": _l("submitted to the Committee"),
    },
    "version_kind": {
        "import": _l("imported"),
        "create": _l("created"),
        "edit": _l("edited"),
        "rename": _l("renamed"),
        "accept": _l("accepted suggestion"),
        "restore": _l("restored"),
    },
}


def label(kind: str, value) -> str:
    """The translated label of ``value`` in enumeration ``kind`` (the raw value if unknown)."""
    if value is None:
        return ""
    return str(LABELS.get(kind, {}).get(str(value), value))
