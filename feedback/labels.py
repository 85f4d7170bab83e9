"""Human labels of the domain's enumerations, translated, in one place."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .i18n import memoised

LABELS: dict[str, dict[str, object]] = {
    "role": {
        "admin": _l("Administrator"),
        "drafter": _l("Drafting team"),
        "chair": _l("Chair"),
        "lead": _l("Department lead"),
        "reviewer": _l("Department reviewer"),
    },
    "mail_frequency": {
        "immediate": _l("An e-mail for each notification"),
        "daily": _l("One e-mail a day, in the morning, listing the new notifications"),
        "none": _l("No e-mail (notifications in the app only)"),
    },
    # Audit actions that stand out in the trail.
    "notable_action": {
        "user.chair_granted": _l("chair role given"),
        "user.login_failed": _l("failed login"),
        "user.password_reset": _l("password reset by the administrator"),
        "token.revoked_all": _l("all API tokens revoked"),
    },
    "token_source": {
        "login": _l("issued at an API login"),
        "cli": _l("integration (command line)"),
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
    "comment_kind": {
        "general": _l("general"),
        "wording": _l("wording"),
        "figures": _l("figures and data"),
        "structure": _l("structure and layout"),
    },
    "markup_kind": {  # what a marked-up Word copy held that could not be placed
        "insertion": _l("inserted text"),
        "deletion": _l("deleted text"),
        "change": _l("changed text"),
        "comment": _l("comment"),
    },
    "comment_state": {
        "draft": _l("draft"),
        "submitted": _l("submitted"),
        "withdrawn": _l("withdrawn"),
    },
    "suggestion_status": {
        "draft": _l("draft"),
        "pending": _l("awaiting decision"),
        "accepted": _l("accepted"),
        "rejected": _l("rejected"),
        "withdrawn": _l("withdrawn"),
    },
    "disposition": {
        "absorbed": _l("absorbed"),
        "partly_absorbed": _l("partly absorbed"),
        "explained": _l("explained (not absorbed)"),
        "noted": _l("noted"),
        "escalated": _l("escalated to the chair"),
    },
    "response_status": {
        "not_started": _l("not started"),
        "drafting": _l("drafting"),
        "submitted": _l("submitted"),
        "no_comments": _l("no comments"),
    },
    "decision": {
        "accepted": _l("accepted"),
        "accepted_with_edits": _l("accepted with edits"),
        "rejected": _l("rejected"),
        "conflict": _l("conflict found; waiting for a hand merge"),
        "absorbed": _l("absorbed"),
        "partly_absorbed": _l("partly absorbed"),
        "explained": _l("explained (not absorbed)"),
        "noted": _l("noted"),
        "escalated": _l("escalated to the chair"),
        "reopened": _l("reopened"),
    },
    "edition_status": {
        "issued": _l("issued"),
        "approved": _l("approved by the chair"),
        "submitted": _l("submitted to the Committee"),
    },
    "anchor": {
        "exact": _l("on the current text"),
        "fuzzy": _l("text changed since; passage found nearby"),
        "not_found": _l("outdated: the passage is no longer in the text"),
    },
    "outstanding_type": {
        "comment": _l("comments unanswered"),
        "suggestion": _l("suggestions undecided"),
        "conflict": _l("conflicts waiting for a hand merge"),
        "escalated": _l("escalated to the chair"),
    },
    # The report's figures (issue 15).
    "figure_status": {
        "unchecked": _l("not yet checked"),
        "confirmed": _l("confirmed"),
        "corrected": _l("corrected, pending"),
        "decided": _l("corrected and decided"),
    },
    # A next period's target is proposed, not corrected.
    "target_status": {
        "unchecked": _l("no proposal yet"),
        "confirmed": _l("confirmed"),
        "corrected": _l("proposed, awaiting a decision"),
        "decided": _l("proposal decided"),
    },
    "assessment": {
        "exceeded": _l("exceeded"),
        "met": _l("met"),
        "not_met": _l("not met"),
        "unknown": _l("unknown"),
    },
    "check_kind": {
        "confirm": _l("confirmed"),
        "correct": _l("corrected"),
        "propose": _l("proposed"),
    },
    "direction": {
        "higher": _l("higher is better"),
        "lower": _l("lower is better"),
    },
    "table_column": {
        "number": _l("number (STT)"),
        "name": _l("indicator"),
        "unit": _l("unit"),
        "target": _l("target"),
        "actual": _l("actual"),
        "assessment": _l("stated assessment"),
    },
    "table_kind": {
        "results": _l("results of the period"),
        "targets": _l("next period's targets"),
    },
}


def label(kind: str, value) -> str:
    """The translated label of ``value`` in enumeration ``kind`` (the raw value if unknown)."""
    if value is None:
        return ""
    value = str(value)
    return memoised(kind, value, lambda: str(LABELS.get(kind, {}).get(value, value)))


def version_reason(code: str, params: dict | None) -> str:
    """Why a section version was made, in the reader's language (see VersionReason)."""
    p = params or {}
    if code == "custom":
        return str(p.get("text", ""))
    if code == "accepted":
        return _(
            "Accepted suggestion #%(id)d from %(department)s",
            id=p.get("id", 0),
            department=p.get("department", ""),
        )
    if code == "accepted_with_edits":
        return _(
            "Accepted suggestion #%(id)d from %(department)s, with edits",
            id=p.get("id", 0),
            department=p.get("department", ""),
        )
    if code == "restored":
        return _("Restored version %(n)d", n=p.get("version", 0))
    if code == "imported" and p.get("source", "markdown") != "markdown":
        return _("Imported from %(file)s", file=p["source"])
    simple = {
        "imported": _("Imported from Markdown"),
        "created": _("Section added"),
        "edited": _("Edited"),
        "renamed": _("Renamed"),
    }
    return simple.get(code, code)
