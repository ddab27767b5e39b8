"""Sending one mail: the message of an outbox row, an SMTP connection with a timeout, and
whether a failure is worth retrying (the worker in `delivery` decides when)."""

from __future__ import annotations

import smtplib

from flask import current_app
from flask_mail import Connection, Mail, Message

from web.notifications.models import Notification
from web.notifications.preferences import unsubscribe_url
from web.validation import one_line

mail = Mail()
SMTP_TIMEOUT_S = 10.0


class TemporaryFailure(Exception):
    """Try again later."""


class PermanentFailure(Exception):
    """Do not try again."""



class _TimedConnection(Connection):
    """Flask-Mail's connection, with a socket timeout so a dead server cannot hang us."""

    def configure_host(self) -> smtplib.SMTP:
        host: smtplib.SMTP
        if self.mail.use_ssl:
            host = smtplib.SMTP_SSL(self.mail.server, self.mail.port, timeout=SMTP_TIMEOUT_S)
        else:
            host = smtplib.SMTP(self.mail.server, self.mail.port, timeout=SMTP_TIMEOUT_S)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


def message_for(row: Notification) -> Message:
    """The mail of one outbox row, with a one-click unsubscribe on non-essential mail."""
    headers = {}
    if not row.essential:
        url = row.list_unsubscribe or unsubscribe_url(row.user)  # type: ignore[arg-type]  # an outbox row always has its user
        headers = {
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    message = Message(
        # One line whatever was stored (rows written before titles were checked, too).
        subject=one_line(row.subject),
        recipients=[(one_line(row.user.full_name), row.email) if row.user else row.email],
        body=row.body_text,
        html=row.body_html,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
        extra_headers=headers,
    )
    message.msgId = row.message_id  # the same Message-ID on every attempt
    return message


def classify(error: BaseException) -> type[TemporaryFailure] | type[PermanentFailure]:
    """Whether an SMTP error is worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return (
            PermanentFailure if codes and all(code >= 500 for code in codes) else TemporaryFailure
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
    return TemporaryFailure  # refused or dropped connections, timeouts


class Transport:
    """Sends messages over one SMTP connection, opened on first use."""

    def __init__(self) -> None:
        self.connection: _TimedConnection | None = None

    def send(self, message: Message) -> None:
        """Send one message; raise TemporaryFailure or PermanentFailure."""
        try:
            if self.connection is None:
                self.connection = _TimedConnection(current_app.extensions["mail"])
                self.connection.host = self.connection.configure_host()
            self.connection.send(message)
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise classify(error)(f"{type(error).__name__}: {error}") from error

    def close(self) -> None:
        """Say goodbye; an error now cannot undo what the server already accepted."""
        if self.connection is not None and self.connection.host is not None:
            try:
                self.connection.host.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:  # quit() leaves the socket open when the server is gone
                self.connection.host.close()
        self.connection = None


class ConsoleTransport(Transport):
    """With no SMTP server configured (`make run`), print each mail instead."""

    def send(self, message: Message) -> None:
        print(f"--- mail to {message.recipients} --- {message.subject}\n{message.body}", flush=True)

    def close(self) -> None:
        pass
