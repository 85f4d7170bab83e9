"""A real SMTP server for the mail tests (aiosmtpd on a free local port), and the app
configured to send to it. The server can be stopped and started again on the same port,
as a mail server that goes down and comes back."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from feedback.auth import services as accounts
from feedback.extensions import db

BASE_URL = "https://gopy.quangninh.gov.vn"
REFUSED = "khongtontai@stc.quangninh.gov.vn"  # the server answers 550 for this one


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage


class _Handler:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 Hộp thư không tồn tại"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.server.lock:
            self.server.received.append(Received(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self, port: int):
        self.port = port
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.recipients]

    def subjects(self, address: str) -> list[str]:
        return [m["Subject"] for m in self.to(address)]


def configure_mail(app, monkeypatch, port: int, base_url: str | None = BASE_URL) -> None:
    settings = {
        "FEEDBACK_SMTP_HOST": "127.0.0.1",
        "FEEDBACK_SMTP_PORT": port,
        "FEEDBACK_SMTP_SECURITY": "none",
        "FEEDBACK_SMTP_TIMEOUT": 10,
        "FEEDBACK_MAIL_FROM": "Hệ thống góp ý dự thảo <gopy@quangninh.gov.vn>",
        "FEEDBACK_BASE_URL": base_url or "",
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def mail_server(app, monkeypatch):
    """A running SMTP server the app sends to; ``.stop()``/``.start()`` take it down and up."""
    server = MailServer(free_port())
    configure_mail(app, monkeypatch, server.port)
    server.start()
    yield server
    server.stop()


ADDRESSES = {
    "lead": "lan.nt@stc.quangninh.gov.vn",
    "reviewer": "an.dv@stc.quangninh.gov.vn",
    "other_lead": "thanh.vd@sct.quangninh.gov.vn",
    "other_reviewer": "bich.tt@sct.quangninh.gov.vn",
    "drafter": "ha.pt@skhdt.quangninh.gov.vn",
    "chair": "minh.tv@quangninh.gov.vn",
}
MAILBOXES = {"STC": "vanthu@stc.quangninh.gov.vn", "SCT": "vanthu@sct.quangninh.gov.vn"}


@pytest.fixture
def addressed(people):
    """The people with their official addresses, and both departments with a mailbox."""
    for role, address in ADDRESSES.items():
        accounts.update_user(people.admin, getattr(people, role), email=address)
    accounts.update_department(
        people.admin, people.department, people.department.name, MAILBOXES["STC"]
    )
    accounts.update_department(
        people.admin, people.other_department, people.other_department.name, MAILBOXES["SCT"]
    )
    db.session.commit()
    return people
