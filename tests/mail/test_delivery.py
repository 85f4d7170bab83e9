"""Mails reach a real SMTP server: who gets what, in which language, with which link;
the server down then up; refusals; two senders at once; the worker process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from feedback.auth import services as accounts
from feedback.extensions import db
from feedback.models_base import utcnow
from feedback.notifications import outbox
from feedback.notifications import services as notifications
from feedback.notifications.models import MailStatus, OutgoingMail
from feedback.review import consultation, decisions
from feedback.review import services as review
from feedback.worker import run_pass

from .conftest import ADDRESSES, BASE_URL, MAILBOXES, REFUSED, MailServer, configure_mail, free_port
from .helpers import concurrently, local, open_round

ROOT = Path(__file__).resolve().parents[2]


def _outbox(status: MailStatus | None = None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    if status is not None:
        query = query.where(OutgoingMail.status == status.value)
    return list(db.session.scalars(query))


def test_a_new_round_mails_each_invited_departments_people_and_mailbox(
    mail_server, addressed, report
):
    round_ = open_round(addressed, report, deadline=local(5, 17))
    # The request did not talk to the mail server: the mails wait in the outbox.
    assert mail_server.received == []
    assert len(_outbox(MailStatus.PENDING)) == 6

    result = run_pass()

    assert result.mail.sent == 6
    expected = {
        ADDRESSES["lead"],
        ADDRESSES["reviewer"],
        MAILBOXES["STC"],
        ADDRESSES["other_lead"],
        ADDRESSES["other_reviewer"],
        MAILBOXES["SCT"],
    }
    assert {r for m in mail_server.received for r in m.recipients} == expected
    assert ADDRESSES["drafter"] not in {r for m in mail_server.received for r in m.recipients}
    (to_lead,) = mail_server.to(ADDRESSES["lead"])
    assert to_lead["Subject"].startswith("[Góp ý dự thảo] Đơn vị bạn được mời góp ý đợt 1")
    assert to_lead["To"].addresses[0].display_name == "Nguyễn Thị Lan"
    assert to_lead["Auto-Submitted"] == "auto-generated"
    body = to_lead.get_content()
    assert body.startswith("Kính gửi: Ông/Bà Nguyễn Thị Lan,")
    assert f"{BASE_URL}/reports/{report.id}" in body
    assert f"{BASE_URL}/account/notifications" in body
    assert "Trân trọng." in body
    (to_mailbox,) = mail_server.to(MAILBOXES["STC"])
    assert to_mailbox.get_content().startswith("Kính gửi: Sở Tài chính.")
    assert round_.number == 1
    assert all(m.status == MailStatus.SENT.value for m in _outbox())


def test_a_change_rolled_back_mails_nothing(mail_server, addressed, report):
    consultation.open_round(
        addressed.drafter, report, deadline=local(5, 17), department_codes=["STC"]
    )
    db.session.flush()
    db.session.rollback()

    assert _outbox() == []
    run_pass()
    assert mail_server.received == []


def test_each_reader_gets_their_language_and_without_a_base_url_words_instead_of_links(
    app, monkeypatch, mail_server, addressed, report
):
    monkeypatch.setitem(app.config, "FEEDBACK_BASE_URL", "")
    addressed.reviewer.locale = "en"
    db.session.commit()
    open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    run_pass()

    english = mail_server.to(ADDRESSES["reviewer"])[0]
    assert english["Subject"].startswith("[Draft report feedback] Round 1 on")
    assert english.get_content().startswith("Dear Đinh Văn An,")
    vietnamese = mail_server.to(ADDRESSES["lead"])[0].get_content()
    assert "http" not in vietnamese
    assert "mục “Thông báo”" in vietnamese


def test_decisions_are_mailed_to_the_author_and_the_lead_only(mail_server, addressed, report):
    from feedback.review import decisions, services

    from ..review_helpers import section

    colleague = accounts.create_user(
        addressed.admin,
        username="stc.reviewer2",
        name="Lê Thị Hoa",
        role="reviewer",
        password="Mat-khau-dai-2025",
        department=addressed.department,
        email="hoa.lt@stc.quangninh.gov.vn",
    )
    round_ = open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    target = section(report, 1)
    comment = services.add_comment(
        addressed.reviewer, target, body="Đề nghị bổ sung số liệu năm 2019."
    )
    consultation.submit_response(addressed.lead, round_)
    db.session.commit()
    run_pass()
    mail_server.received.clear()

    decisions.resolve_comment(
        addressed.drafter, comment, disposition="absorbed", response="Tổ soạn thảo tiếp thu."
    )
    db.session.commit()
    run_pass()

    assert len(mail_server.to(ADDRESSES["reviewer"])) == 1  # the author
    assert len(mail_server.to(ADDRESSES["lead"])) == 1
    assert mail_server.to(colleague.email) == []  # told in the app only
    assert mail_server.to(MAILBOXES["STC"]) == []
    in_app = notifications.recent(colleague)
    assert [n.kind for n in in_app] == ["decision", "round_opened"]


def test_an_escalation_mails_the_chair_a_link_to_the_comment(mail_server, addressed, report):
    round_ = open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    section = report.sections[1]
    comment = review.add_comment(
        addressed.reviewer, section, body="Đề nghị làm rõ nguồn số liệu vốn đầu tư."
    )
    consultation.submit_response(addressed.lead, round_)
    db.session.commit()
    run_pass()
    mail_server.received.clear()

    decisions.resolve_comment(
        addressed.drafter, comment, disposition="escalated", response="Xin ý kiến Chủ tịch."
    )
    db.session.commit()
    run_pass()

    (mail,) = mail_server.to(ADDRESSES["chair"])
    body = mail.get_content()
    assert body.startswith("Kính gửi: Ông/Bà Trần Văn Minh,")
    assert f"#{comment.id}" in body
    assert f"{BASE_URL}/sections/{section.id}?c={comment.id}#c{comment.id}" in body


def test_no_address_or_no_email_wanted_means_no_mail(mail_server, addressed, report):
    accounts.update_user(addressed.admin, addressed.reviewer, email="")
    accounts.set_mail_frequency(addressed.lead, addressed.lead, "none")
    db.session.commit()
    open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    run_pass()

    assert [r.recipients for r in mail_server.received] == [[MAILBOXES["STC"]]]
    assert len(notifications.recent(addressed.lead)) == 1  # still told in the app


def test_server_down_then_up_retries_and_loses_nothing(app, monkeypatch, addressed, report):
    server = MailServer(free_port())  # not started: connections are refused
    configure_mail(app, monkeypatch, server.port)
    open_round(addressed, report, deadline=local(5, 17))
    now = utcnow()

    down = run_pass(now)
    assert (down.mail.sent, down.mail.retrying) == (0, 6)
    waiting = _outbox(MailStatus.PENDING)
    assert len(waiting) == 6
    assert all(m.attempts == 1 and "cannot connect" in m.last_error for m in waiting)
    assert all(m.next_attempt_at == now + timedelta(minutes=1) for m in waiting)

    server.start()
    try:
        assert run_pass(now + timedelta(seconds=30)).mail.sent == 0  # not due yet
        up = run_pass(now + timedelta(minutes=1))
        assert up.mail.sent == 6
        assert run_pass(now + timedelta(minutes=5)).mail.sent == 0
    finally:
        server.stop()
    ids = Counter(r.message["Message-ID"] for r in server.received)
    assert len(ids) == 6 and set(ids.values()) == {1}
    assert {m.status for m in _outbox()} == {MailStatus.SENT.value}


def test_the_delay_grows_and_a_mail_is_given_up_only_after_days(app, monkeypatch, addressed):
    server = MailServer(free_port())
    configure_mail(app, monkeypatch, server.port)
    notifications.notify([addressed.lead], "reply", author="Phạm Thu Hà")
    db.session.commit()
    (mail,) = _outbox()
    created = mail.created_at

    delays, now = [], created
    while mail.status == MailStatus.PENDING.value:
        run_pass(now)
        db.session.refresh(mail)
        if mail.status == MailStatus.PENDING.value:
            delays.append(mail.next_attempt_at - now)
            now = mail.next_attempt_at
    assert delays[:7] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert mail.status == MailStatus.FAILED.value
    assert now - created >= timedelta(hours=71)
    assert outbox.backoff(30) == timedelta(hours=1)


def test_a_mailbox_that_does_not_exist_fails_at_once_and_the_others_go(
    mail_server, addressed, report
):
    accounts.update_department(
        addressed.admin, addressed.department, addressed.department.name, REFUSED
    )
    db.session.commit()
    open_round(addressed, report, deadline=local(5, 17), codes=["STC"])

    result = run_pass()

    assert (result.mail.sent, result.mail.failed, result.mail.retrying) == (2, 1, 0)
    (failed,) = _outbox(MailStatus.FAILED)
    assert failed.to_address == REFUSED and failed.last_error.startswith("recipient refused")


def test_two_senders_at_once_send_each_mail_once(app, mail_server, addressed, report):
    for n in range(40):
        notifications.notify(
            [addressed.lead, addressed.reviewer, addressed.drafter],
            "reply",
            author=f"Cán bộ số {n}",
        )
    db.session.commit()

    def sender():
        while outbox.send_due(limit=3).sent:
            pass

    assert concurrently(app, [sender, sender]) == ["ok", "ok"]

    db.session.commit()
    assert len(mail_server.received) == 120
    assert set(Counter(r.message["Message-ID"] for r in mail_server.received).values()) == {1}
    assert (
        db.session.scalar(select(func.count()).where(OutgoingMail.status == MailStatus.SENT.value))
        == 120
    )


def test_a_claim_left_by_a_dead_sender_is_taken_back(mail_server, addressed):
    notifications.notify([addressed.lead], "reply", author="Phạm Thu Hà")
    db.session.commit()
    claimed_at = utcnow()
    (mail,) = outbox.claim(claimed_at)  # ...and the sender dies here
    assert mail.status == MailStatus.SENDING.value

    assert run_pass(claimed_at + timedelta(minutes=5)).mail.sent == 0
    assert run_pass(claimed_at + outbox.LEASE + timedelta(seconds=1)).mail.sent == 1
    assert len(mail_server.to(ADDRESSES["lead"])) == 1


def test_no_mail_server_configured_keeps_everything_in_the_outbox(app, addressed, report):
    assert app.config["FEEDBACK_SMTP_HOST"] == ""
    open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    assert run_pass().mail.sent == 0
    assert len(_outbox(MailStatus.PENDING)) == 3


def test_the_worker_process_sends_and_stops_cleanly_on_sigterm(
    database_url, mail_server, addressed, report
):
    open_round(addressed, report, deadline=local(5, 17), codes=["STC"])
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "worker-test",
        "FEEDBACK_SMTP_HOST": "127.0.0.1",
        "FEEDBACK_SMTP_PORT": str(mail_server.port),
        "FEEDBACK_SMTP_SECURITY": "none",
        "FEEDBACK_MAIL_FROM": "gopy@quangninh.gov.vn",
        "FEEDBACK_BASE_URL": BASE_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(mail_server.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert len(mail_server.received) == 3
    assert "Worker started" in out and "Worker stopped." in out
