"""Shared steps of the mail tests: a round with a deadline at a chosen local time, passes
of the worker at frozen times, and concurrent senders."""

from __future__ import annotations

import threading
from datetime import datetime, time, timedelta

from feedback.extensions import db
from feedback.i18n import local_to_utc, utc_to_local
from feedback.models_base import utcnow
from feedback.review import consultation


def local(day_offset: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Asia/Ho_Chi_Minh, ``day_offset`` days from today, as UTC."""
    today = utc_to_local(utcnow()).date()
    return local_to_utc(datetime.combine(today + timedelta(days=day_offset), time(hour, minute)))


def open_round(people, report, *, deadline: datetime, codes=("STC", "SCT")):
    round_ = consultation.open_round(
        people.drafter, report, deadline=deadline, department_codes=list(codes)
    )
    db.session.commit()
    return round_


def concurrently(app, jobs) -> list[str]:
    """Run the jobs at the same moment, each in its own thread, app context and
    database connection; "ok" or the error of each."""
    barrier = threading.Barrier(len(jobs))
    results = [""] * len(jobs)

    def run(index, job):
        with app.app_context():
            try:
                barrier.wait()
                job()
                results[index] = "ok"
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                results[index] = f"{type(error).__name__}: {error}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
