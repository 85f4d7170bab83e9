"""The consolidation table (bảng tổng hợp, tiếp thu, giải trình ý kiến) of a report or a round."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..auth.models import Department
from ..errors import NotFound
from ..extensions import db
from ..figures import queries as figure_queries
from ..i18n import date_filter
from ..labels import label
from ..reports import queries as report_queries
from ..reports.models import Report
from ..review import rounds as review_rounds
from ..review.models import (
    LISTED_SUGGESTION,
    Comment,
    CommentStatus,
    DecisionAction,
    Disposition,
    ResponseStatus,
    Round,
    Submission,
    Suggestion,
    SuggestionStatus,
)


@dataclass
class Row:
    item: Comment | Suggestion
    kind: str  # "comment" | "suggestion"
    group: str
    group_key: tuple
    who: str
    department_code: str
    dispatch: str
    quote: str
    content: str
    decision: str
    decision_code: str
    response: str
    section_id: int | None
    link: tuple[int, int, int] | None = (
        None  # (section id, from version, to version) of the change it caused
    )


@dataclass
class Preamble:
    consulted: list[Department]
    received: list[tuple[Department, list[Submission]]]
    agreed: list[Department]
    deemed: list[Department]
    no_reply: list[Department]
    commented: list[Department]
    # (confirmed by their departments, indicators) of the report's results tables
    figures: tuple[int, int] | None = None

    def sentences(self) -> list[str]:
        def names(departments) -> str:
            return ", ".join(d.name for d in departments) or "—"

        received = (
            "; ".join(
                d.name
                + (
                    " (" + ", ".join(_dispatch(s) for s in subs if s.dispatch_number) + ")"
                    if any(s.dispatch_number for s in subs)
                    else ""
                )
                for d, subs in self.received
            )
            or "—"
        )
        out = [
            _(
                "Departments consulted: %(n)d (%(names)s).",
                n=len(self.consulted),
                names=names(self.consulted),
            ),
            _("Answers received: %(n)d: %(list)s.", n=len(self.received), list=received),
            _(
                "Agreed with the draft without comments: %(n)d (%(names)s).",
                n=len(self.agreed),
                names=names(self.agreed),
            ),
            _(
                "Deemed to agree, having not answered: %(n)d (%(names)s).",
                n=len(self.deemed),
                names=names(self.deemed),
            ),
            _("Commented: %(n)d (%(names)s).", n=len(self.commented), names=names(self.commented)),
        ]
        if self.no_reply:
            out.append(
                _(
                    "No answer yet: %(n)d (%(names)s).",
                    n=len(self.no_reply),
                    names=names(self.no_reply),
                )
            )
        if self.figures is not None:
            out.append(
                _(
                    "%(checked)d/%(total)d indicators confirmed by the departments",
                    checked=self.figures[0],
                    total=self.figures[1],
                )
                + "."
            )
        return out


@dataclass
class Table:
    report: Report
    round: Round | None
    preamble: Preamble
    rows: list[Row] = field(default_factory=list)


def _dispatch(submission: Submission) -> str:
    if not submission.dispatch_number:
        return ""
    if submission.dispatch_date:
        return _(
            "dispatch no. %(number)s of %(date)s",
            number=submission.dispatch_number,
            date=date_filter(submission.dispatch_date),
        )
    return _("dispatch no. %(number)s", number=submission.dispatch_number)


def preamble(report: Report, round_: Round | None) -> Preamble:
    rounds = [round_] if round_ else review_rounds.rounds(report)
    consulted: dict[int, Department] = {}
    received: dict[int, tuple[Department, list[Submission]]] = {}
    agreed: dict[int, Department] = {}
    commented: dict[int, Department] = {}
    deemed: dict[int, Department] = {}
    no_reply: dict[int, Department] = {}
    for r in rounds:
        for response in review_rounds.responses(r):
            d = response.department
            consulted[d.id] = d
            if response.submissions:
                received.setdefault(d.id, (d, []))[1].extend(response.submissions)
            if response.status is ResponseStatus.SUBMITTED:
                commented[d.id] = d
            elif response.status is ResponseStatus.NO_COMMENTS:
                agreed[d.id] = d
            elif response.deemed_agree:
                deemed[d.id] = d
            else:
                no_reply[d.id] = d
    # A department that answered in any round is not "deemed" or "no reply" overall.
    for mapping in (deemed, no_reply):
        for key in list(mapping):
            if key in received:
                del mapping[key]
    agreed = {k: v for k, v in agreed.items() if k not in commented}
    by_code = lambda m: sorted(m.values(), key=lambda d: d.code)  # noqa: E731
    return Preamble(
        consulted=by_code(consulted),
        received=sorted(received.values(), key=lambda pair: pair[0].code),
        agreed=by_code(agreed),
        deemed=by_code(deemed),
        no_reply=by_code(no_reply),
        commented=by_code(commented),
        figures=_figures(report),
    )


def _figures(report: Report) -> tuple[int, int] | None:
    """Confirmed (or corrected and decided) figures out of all, as everyone may see them:
    no department's drafts."""
    summary = figure_queries.summary(report, None)
    return (summary.checked, summary.total) if summary.total else None


def _suggestion_decision(s: Suggestion) -> tuple[str, str]:
    """(decision code, its label) of a suggestion as the table shows it."""
    if s.status == SuggestionStatus.ACCEPTED:
        action = (
            DecisionAction.ACCEPTED_WITH_EDITS if s.accepted_with_edits else DecisionAction.ACCEPTED
        )
    elif s.status == SuggestionStatus.REJECTED:
        action = DecisionAction.REJECTED
    else:
        return SuggestionStatus.PENDING.value, _("not yet decided")
    return action.value, label("decision", action)


def build_for_round(report: Report, round_id: int | None) -> Table:
    """The table of ``report``, or of one of its rounds; a round of another report is 404."""
    round_ = review_rounds.get_round(round_id) if round_id else None
    if round_ is not None and round_.report_id != report.id:
        raise NotFound()
    return build(report, round_)


def _listed_items(report: Report, round_: Round | None):
    """Submitted comments, and suggestions that were not withdrawn, with who made them."""
    comments = select(Comment).where(
        Comment.report_id == report.id, Comment.status == CommentStatus.SUBMITTED.value
    )
    suggestions = select(Suggestion).where(
        Suggestion.report_id == report.id,
        Suggestion.status.in_([s.value for s in LISTED_SUGGESTION]),
    )
    if round_ is not None:
        comments = comments.where(Comment.round_id == round_.id)
        suggestions = suggestions.where(Suggestion.round_id == round_.id)
    comments = db.session.scalars(
        comments.options(selectinload(Comment.department), selectinload(Comment.author))
    ).all()
    suggestions = db.session.scalars(
        suggestions.options(selectinload(Suggestion.department), selectinload(Suggestion.author))
    ).all()
    return comments, suggestions


def _submissions(items) -> dict[int, Submission]:
    ids = {i.submission_id for i in items if i.submission_id}
    return {s.id: s for s in db.session.scalars(select(Submission).where(Submission.id.in_(ids)))}


class _RowMaker:
    """What every row needs to know: the outline (for groups) and the dispatches."""

    def __init__(self, report: Report, submissions: dict[int, Submission]):
        self.outline = {
            e.section.id: (index, e)
            for index, e in enumerate(report_queries.outline(report, include_deleted=True))
        }
        self.submissions = submissions
        self.general = _("General comments (structure, layout)")

    def group(self, section_id) -> tuple[str, tuple]:
        if section_id is None or section_id not in self.outline:
            return self.general, (0, 0)
        index, entry = self.outline[section_id]
        title = entry.title if entry.number else entry.heading
        if entry.section.is_deleted:
            title = _("%(title)s (deleted section)", title=entry.heading)
        return title, (1, index)

    def row(self, item, kind: str, **fields) -> Row:
        group, key = self.group(item.section_id)
        if item.department is not None:
            who, code = item.department.name, item.department.code
        else:
            who, code = f"{item.author.name} ({label('role', item.author.role)})", ""
        submission = self.submissions.get(item.submission_id)
        return Row(
            item=item,
            kind=kind,
            group=group,
            group_key=key,
            who=who,
            department_code=code,
            dispatch=_dispatch(submission) if submission else "",
            section_id=item.section_id,
            **fields,
        )


def _comment_row(maker: _RowMaker, c: Comment) -> Row:
    link = None
    if c.absorbed_version and c.section_id:
        link = (c.section_id, max(1, c.absorbed_version - 1), c.absorbed_version)
    return maker.row(
        c,
        "comment",
        quote=c.quote_shown or c.quote or "",
        content=c.body,
        decision=label("disposition", c.disposition) if c.disposition else _("not yet answered"),
        decision_code=c.disposition or "open",
        response=_comment_response(c),
        link=link,
    )


def _comment_response(c: Comment) -> str:
    """The drafting team's answer as the table prints it: "noted" without a text gets
    the standard sentence, not a bare label."""
    if c.response and c.response.strip():
        return c.response
    if c.disposition == Disposition.NOTED:
        return _("The drafting team notes the comment.")
    return ""


def _suggestion_row(maker: _RowMaker, s: Suggestion) -> Row:
    decision_code, decision = _suggestion_decision(s)
    summary = _("Proposes a revised text of the section (made on version %(n)d).", n=s.base_version)
    link = None
    if s.result_version and s.result_version > 1:
        link = (s.section_id, s.result_version - 1, s.result_version)
    return maker.row(
        s,
        "suggestion",
        quote="",
        content=f"{s.rationale}\n\n{summary}" if s.rationale else summary,
        decision=decision,
        decision_code=decision_code,
        response=s.decision_note or "",
        link=link,
    )


def build(report: Report, round_: Round | None = None) -> Table:
    """One row per submitted comment and suggestion, grouped by section after a 'general' group."""
    comments, suggestions = _listed_items(report, round_)
    maker = _RowMaker(report, _submissions([*comments, *suggestions]))
    rows = [_comment_row(maker, c) for c in comments]
    rows += [_suggestion_row(maker, s) for s in suggestions]
    rows.sort(key=lambda r: (r.group_key, r.department_code, r.kind != "comment", r.item.id))
    return Table(report=report, round=round_, preamble=preamble(report, round_), rows=rows)


def export_table(table: Table, link_for: Callable[[Row], str]):
    """The table as the documents module's plain data (for .docx and CSV)."""
    from ..models_base import utcnow
    from . import documents

    scope = (
        _(
            "Round %(n)d (deadline %(date)s)",
            n=table.round.number,
            date=date_filter(table.round.deadline),
        )
        if table.round
        else _("All consultation rounds")
    )
    return documents.DispositionTable(
        title=_("Consolidation table: comments received, absorbed and explained"),
        report_title=table.report.title,
        scope=scope,
        generated_at=utcnow(),
        preamble=table.preamble.sentences(),
        columns=(
            _("Issue group / section"),
            _("Who commented"),
            _("Content of the comment"),
            _("Absorbed, or explanation"),
        ),
        rows=[
            documents.DispositionRow(
                group=r.group,
                who=r.who,
                dispatch=r.dispatch,
                content=r.content,
                quote=r.quote,
                quote_source=getattr(r.item, "quote", None) or "",
                kind=r.kind,
                decision=r.decision,
                response=r.response,
                link=link_for(r),
            )
            for r in table.rows
        ],
    )
