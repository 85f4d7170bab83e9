"""The mail server: settings from the environment, one connection, and what a refusal means.

A refusal is *permanent* when the server answers 5xx for this mail (an unknown mailbox):
trying again would only be refused again. Everything else -- the server down, a timeout,
a 4xx, a login or TLS problem that an administrator will fix -- is *temporary*, and the
mail is retried later.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from flask import current_app

SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool, connection_lost: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.connection_lost = connection_lost


def missing_settings() -> list[str]:
    """The settings sending needs that are not set (empty: ready to send)."""
    config = current_app.config
    missing = [name for name in ("FEEDBACK_SMTP_HOST", "FEEDBACK_MAIL_FROM") if not config[name]]
    if config["FEEDBACK_SMTP_SECURITY"] not in SECURITY_PORTS:
        missing.append("FEEDBACK_SMTP_SECURITY (starttls, ssl or none)")
    return missing


def connect() -> smtplib.SMTP:
    """An open, authenticated connection; raises DeliveryError (temporary) when the
    server cannot be reached or refuses us."""
    config = current_app.config
    security = config["FEEDBACK_SMTP_SECURITY"]
    host, timeout = config["FEEDBACK_SMTP_HOST"], config["FEEDBACK_SMTP_TIMEOUT"]
    port = config["FEEDBACK_SMTP_PORT"] or SECURITY_PORTS[security]
    try:
        if security == "ssl":
            connection = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if security == "starttls":
                connection.starttls(context=ssl.create_default_context())
        if config["FEEDBACK_SMTP_USERNAME"]:
            connection.login(config["FEEDBACK_SMTP_USERNAME"], config["FEEDBACK_SMTP_PASSWORD"])
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(
            f"cannot connect to {host}:{port}: {error}", permanent=False, connection_lost=True
        ) from error
    return connection


def deliver(connection: smtplib.SMTP, message: EmailMessage) -> None:
    """Hand one message to the server; raises DeliveryError saying whether to retry."""
    try:
        connection.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise DeliveryError(
            f"recipient refused: {error.recipients}", permanent=all(c >= 500 for c in codes)
        ) from error
    except smtplib.SMTPSenderRefused as error:
        # Our own address refused: a setting to fix, not a reason to drop the mail.
        raise DeliveryError(f"sender refused: {error}", permanent=False) from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(
            f"{error.smtp_code} {error.smtp_error!r}", permanent=error.smtp_code >= 500
        ) from error
    except (OSError, smtplib.SMTPException) as error:
        raise DeliveryError(
            f"connection lost: {error}", permanent=False, connection_lost=True
        ) from error


def close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        connection.close()
