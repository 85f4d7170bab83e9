"""Deadline reminders with a frozen clock: FEEDBACK_DEADLINE_WARNING_HOURS (48) before the
deadline and at 07:00 (Asia/Ho_Chi_Minh) on its day, to departments that have not
answered, each exactly once, even with two senders at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.review import consultation
from feedback.review.models import DeadlineReminder
from feedback.review.reminders import due_reminders
from feedback.worker import run_pass

from .conftest import ADDRESSES, MAILBOXES
from .helpers import concurrently, local, open_round

WARNING = "còn 48 giờ"
TODAY = "Hôm nay là hạn cuối"


def _reminders() -> list[tuple[str, str]]:
    db.session.commit()
    rows = db.session.scalars(select(DeadlineReminder).order_by(DeadlineReminder.id))
    return [(r.department_id, r.kind, r.skipped) for r in rows]


def _count(server, address: str, words: str) -> int:
    return sum(words in subject for subject in server.subjects(address))


def test_reminders_48_hours_before_and_on_the_morning_of_the_deadline(
    mail_server, addressed, report
):
    deadline = local(4, 17)  # 17:00 four days from now
    round_ = open_round(addressed, report, deadline=deadline)
    consultation.submit_response(addressed.other_lead, round_, no_comments=True)  # SCT answered
    db.session.commit()

    assert run_pass(deadline - timedelta(hours=48, minutes=1)).reminders == 0
    assert run_pass(deadline - timedelta(hours=48)).reminders == 1
    for address in (ADDRESSES["lead"], ADDRESSES["reviewer"], MAILBOXES["STC"]):
        assert _count(mail_server, address, WARNING) == 1, address
    (mail,) = [m for m in mail_server.to(ADDRESSES["lead"]) if WARNING in m["Subject"]]
    assert "Sở Tài chính chưa gửi ý kiến" in mail.get_content()
    assert "17:00" in mail.get_content()
    for address in (ADDRESSES["other_lead"], MAILBOXES["SCT"]):
        assert _count(mail_server, address, WARNING) == 0  # answered: not reminded

    assert run_pass(deadline - timedelta(hours=30)).reminders == 0  # once only
    assert run_pass(local(4, 6, 59)).reminders == 0  # the morning of the day, not yet 07:00
    assert run_pass(local(4, 7, 0)).reminders == 1
    assert run_pass(local(4, 7, 30)).reminders == 0
    for address in (ADDRESSES["lead"], ADDRESSES["reviewer"], MAILBOXES["STC"]):
        assert _count(mail_server, address, TODAY) == 1, address
        assert _count(mail_server, address, WARNING) == 1, address
    assert _count(mail_server, ADDRESSES["other_lead"], TODAY) == 0
    kinds = [n.kind for n in notifications.recent(addressed.reviewer)]
    assert kinds == ["deadline_day", "deadline_warning", "round_opened"]
    assert run_pass(deadline + timedelta(minutes=1)).reminders == 0


def test_two_senders_at_once_make_each_reminder_once(app, mail_server, addressed, report):
    deadline = local(4, 17)
    open_round(addressed, report, deadline=deadline)
    at = deadline - timedelta(hours=48)

    assert concurrently(app, [lambda: run_pass(at), lambda: run_pass(at)]) == ["ok", "ok"]
    assert concurrently(app, [lambda: run_pass(at), lambda: run_pass(at)]) == ["ok", "ok"]

    assert len(_reminders()) == 2  # STC and SCT, one warning each
    for address in (*ADDRESSES.values(), *MAILBOXES.values()):
        expected = 0 if address in (ADDRESSES["drafter"], ADDRESSES["chair"]) else 1
        assert _count(mail_server, address, WARNING) == expected, address


def test_a_sender_down_past_both_times_sends_only_the_latest(mail_server, addressed, report):
    deadline = local(4, 17)
    open_round(addressed, report, deadline=deadline, codes=["STC"])

    assert run_pass(local(4, 8)).reminders == 1

    assert _count(mail_server, ADDRESSES["lead"], TODAY) == 1
    assert _count(mail_server, ADDRESSES["lead"], WARNING) == 0
    stc = addressed.department.id
    assert sorted(_reminders()) == [(stc, "deadline_day", False), (stc, "warning", True)]


def test_a_round_opened_inside_the_warning_window_gets_no_warning(addressed, report):
    deadline = local(1, 17)  # tomorrow: the invitation already gives the deadline
    round_ = open_round(addressed, report, deadline=deadline, codes=["STC"])

    assert due_reminders(round_, deadline - timedelta(hours=47)) == []
    assert [k.value for k in due_reminders(round_, local(1, 7))] == ["deadline_day"]
