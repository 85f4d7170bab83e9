"""The background worker: deadline reminders, daily digests and the outbox, in passes.

``flask worker`` runs a pass every FEEDBACK_WORKER_INTERVAL seconds until SIGTERM or
SIGINT, then finishes the pass under way and exits; ``flask notifications send`` runs
one pass, for cron. Any number of them may run at once: every step is safe against a
twin (see review/reminders.py, notifications/digest.py, notifications/outbox.py).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import click
from flask import current_app

from .database import begin_writes_immediately
from .extensions import db
from .models_base import utcnow
from .notifications import digest, outbox, smtp
from .review import reminders

log = logging.getLogger("feedback.worker")


@dataclass
class PassReport:
    reminders: int = 0
    digests: int = 0
    mail: outbox.SendReport = field(default_factory=outbox.SendReport)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"reminders made: {self.reminders}, digests made: {self.digests}, "
            f"mails sent: {self.mail.sent}, to retry: {self.mail.retrying}, "
            f"failed: {self.mail.failed}"
        )


def _step(name: str, run: Callable[[], int], report: PassReport) -> int:
    """Run one step in its own write transaction; a failure is logged and rolled back,
    and the pass goes on (one broken step must not stop the mail)."""
    db.session.rollback()
    begin_writes_immediately()
    try:
        result = run()
        db.session.commit()
        return result
    except Exception as error:  # noqa: BLE001 - the worker must outlive any one failure
        db.session.rollback()
        log.exception("worker step %s failed", name)
        report.errors.append(f"{name}: {error}")
        return 0


def run_pass(now: datetime | None = None) -> PassReport:
    """Make due reminders and digests, then send what is due."""
    now = now or utcnow()
    report = PassReport()
    report.reminders = _step("reminders", lambda: reminders.make_reminders(now), report)
    report.digests = _step("digests", lambda: digest.make_digests(now), report)
    try:
        report.mail = outbox.send_due(now)
    except Exception as error:  # noqa: BLE001
        db.session.rollback()
        log.exception("worker step outbox failed")
        report.errors.append(f"outbox: {error}")
    return report


def run_forever(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        report = run_pass()
        db.session.remove()  # a fresh session each pass: nothing cached across passes
        if report.reminders or report.digests or report.mail.sent or report.errors:
            log.info("worker pass: %s", report.summary())
        stop.wait(interval)


def _configuration_warnings() -> list[str]:
    warnings = []
    missing = smtp.missing_settings()
    if missing:
        warnings.append(
            "No mail server configured (" + ", ".join(missing) + "): mails wait in the "
            "outbox and nothing is sent until it is."
        )
    if not current_app.config.get("FEEDBACK_BASE_URL"):
        warnings.append("FEEDBACK_BASE_URL is not set: mails carry no links.")
    return warnings


@click.command("worker")
@click.option("--interval", type=float, default=None, help="Seconds between passes.")
def worker_command(interval):
    """Send notification mails, reminders and digests until stopped (SIGTERM)."""
    interval = interval or current_app.config["FEEDBACK_WORKER_INTERVAL"]
    for warning in _configuration_warnings():
        click.echo(f"Warning: {warning}", err=True)
    stop = threading.Event()

    def _stop(signum, _frame):
        click.echo(f"Signal {signal.Signals(signum).name}: finishing the current pass.")
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"Worker started: a pass every {interval:g} s.")
    run_forever(stop, interval)
    click.echo("Worker stopped.")


@click.group("notifications", help="E-mail notifications: the outbox and its sender.")
def notifications_cli():
    pass


@notifications_cli.command("send")
def send_command():
    """One pass: make due reminders and digests, send due mails (for cron)."""
    for warning in _configuration_warnings():
        click.echo(f"Warning: {warning}", err=True)
    report = run_pass()
    click.echo(report.summary())
    if report.errors:
        raise click.ClickException("; ".join(report.errors))


@notifications_cli.command("status")
def status_command():
    """Count the outbox's mails by status and show the latest errors."""
    counts = outbox.counts()
    click.echo(", ".join(f"{status}: {n}" for status, n in counts.items()))
    for row in outbox.recent_failures():
        click.echo(f"#{row.id} {row.status} to {row.to_address} ({row.attempts}): {row.last_error}")
