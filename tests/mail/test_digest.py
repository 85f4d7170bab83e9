"""The daily digest: at 07:00, one mail with what the reader has not read since the last."""

from __future__ import annotations

from datetime import timedelta

from feedback.auth import services as accounts
from feedback.extensions import db
from feedback.notifications import services as notifications
from feedback.notifications.models import Notification
from feedback.worker import run_pass

from .conftest import ADDRESSES
from .helpers import concurrently, local


def _reply(people, author: str) -> None:
    notifications.notify([people.lead], "reply", author=author)
    db.session.commit()


def test_a_daily_digest_at_seven_lists_what_is_unread_once_a_day(app, mail_server, addressed):
    accounts.set_mail_frequency(addressed.lead, addressed.lead, "daily")
    db.session.commit()
    _reply(addressed, "Phạm Thu Hà")
    _reply(addressed, "Trần Văn Minh")
    _reply(addressed, "Lê Văn Đọc")
    read = db.session.scalars(
        db.select(Notification).where(Notification.params["author"].as_string() == "Lê Văn Đọc")
    ).one()
    read.read_at = local(0, 0)  # already seen in the app
    db.session.commit()

    assert run_pass(local(1, 6, 59)).digests == 0
    assert mail_server.to(ADDRESSES["lead"]) == []  # nothing one by one

    at_seven = local(1, 7)
    assert concurrently(app, [lambda: run_pass(at_seven)] * 2) == ["ok", "ok"]

    (digest,) = mail_server.to(ADDRESSES["lead"])
    assert digest["Subject"].startswith("[Góp ý dự thảo] Tổng hợp thông báo ngày")
    body = digest.get_content()
    assert "Phạm Thu Hà" in body and "Trần Văn Minh" in body
    assert "Lê Văn Đọc" not in body
    assert "1. " in body and "2. " in body

    _reply(addressed, "Đinh Văn An")
    assert run_pass(local(1, 9)).digests == 0  # today's is made: wait for tomorrow
    assert run_pass(local(2, 7) + timedelta(minutes=1)).digests == 1
    second = mail_server.to(ADDRESSES["lead"])[1].get_content()
    assert "Đinh Văn An" in second and "Phạm Thu Hà" not in second
