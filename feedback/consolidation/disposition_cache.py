"""The consolidation table's downloads (CSV, .docx), kept in the database per report,
round, language and format until the round's feedback changes.

Building the table of a provincial report takes about a second; departments and the
drafting team download it again and again near a deadline. The stored copy is keyed by
a stamp of everything the table shows (the round's comments and suggestions, their
answers and submissions, the report's sections, editions and title): any change makes a
new stamp, and the next download builds and stores it again. The database, not a process,
holds it, so every server of a deployment answers the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from flask import Response, current_app
from flask_babel import get_locale
from sqlalchemy import ForeignKey, Integer, LargeBinary, String, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.exceptions import NotFound

from ..extensions import db
from ..figures.models import Indicator, IndicatorCheck
from ..models_base import UTCDateTime, utcnow
from ..reports.models import Report, Section, SectionVersion
from ..review import rounds as review_rounds
from ..review.models import Comment, Reply, Round, Submission, Suggestion
from . import exports
from .models import Edition


class DispositionDownload(db.Model):
    """One stored download of the consolidation table."""

    __tablename__ = "disposition_download"

    report_id: Mapped[int] = mapped_column(ForeignKey("report.id"), primary_key=True)
    round_key: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: every round
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    fmt: Mapped[str] = mapped_column(String(8), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(200))
    disposition: Mapped[str] = mapped_column(String(500))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def stamp(report: Report, round_id: int | None) -> str:
    """What the table shows, summed up in a few aggregates (one query per kind)."""
    parts: list[object] = [
        report.title,
        getattr(report, "document_format", None),
        current_app.config.get("FEEDBACK_BASE_URL"),  # the links the table prints
    ]
    # The preamble counts the figures the departments confirmed.
    parts.append(
        tuple(
            db.session.execute(
                select(
                    func.count(IndicatorCheck.id),
                    func.max(IndicatorCheck.id),
                    func.max(IndicatorCheck.submitted_at),
                    select(func.count(Indicator.id))
                    .where(Indicator.report_id == report.id)
                    .scalar_subquery(),
                ).where(IndicatorCheck.report_id == report.id)
            ).one()
        )
    )
    for model in (Comment, Suggestion):
        query = select(func.count(model.id), func.max(model.id), func.max(model.updated_at))
        query = query.where(model.report_id == report.id)
        if round_id:
            query = query.where(model.round_id == round_id)
        parts.append(tuple(db.session.execute(query).one()))
    parts.append(
        db.session.scalar(
            select(func.max(Reply.id)).join(Comment).where(Comment.report_id == report.id)
        )
    )
    parts.append(
        tuple(
            db.session.execute(
                select(func.count(Submission.id), func.max(Submission.submitted_at)).where(
                    Submission.round_id.in_(select(Round.id).where(Round.report_id == report.id))
                    if not round_id
                    else Submission.round_id == round_id
                )
            ).one()
        )
    )
    parts.append(
        db.session.scalar(
            select(func.max(SectionVersion.id)).join(Section).where(Section.report_id == report.id)
        )
    )
    parts.append(
        tuple(
            db.session.execute(
                select(
                    func.count(Edition.id), func.max(Edition.id), func.max(Edition.status)
                ).where(Edition.report_id == report.id)
            ).one()
        )
    )
    return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def download(actor, report: Report, round_id: int | None, fmt: str, build: Callable[[], Response]):
    """The stored download when the table has not changed since; else ``build()``'s,
    stored for the next one. Every download is still logged (``exports.log_export``)."""
    round_ = review_rounds.get_round(round_id) if round_id else None
    if round_ is not None and round_.report_id != report.id:
        raise NotFound()
    key = (report.id, round_id or 0, str(get_locale()), fmt)
    current = stamp(report, round_id)
    row = db.session.get(DispositionDownload, key)
    if row is not None and row.stamp == current:
        exports.log_export(
            actor, "dispositions", report.id, fmt, round=round_.number if round_ else None
        )
        response = Response(row.body, content_type=row.content_type)
        response.headers["Content-Disposition"] = row.disposition
        return response
    response = build()
    _store(key, current, response)
    return response


def _store(key: tuple, current: str, response: Response) -> None:
    """Kept at once, in its own transaction: a read commits nothing else."""
    values = dict(
        zip(("report_id", "round_key", "language", "fmt"), key, strict=True),
        stamp=current,
        content_type=response.content_type,
        disposition=response.headers.get("Content-Disposition", ""),
        body=response.get_data(),
        created_at=utcnow(),
    )
    with db.engine.begin() as connection:
        dialect = connection.dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(
            DispositionDownload
        ).values(**values)
        changed = {k: v for k, v in values.items() if k not in ("report_id", "round_key")}
        connection.execute(
            insert.on_conflict_do_update(
                index_elements=["report_id", "round_key", "language", "fmt"], set_=changed
            )
        )
