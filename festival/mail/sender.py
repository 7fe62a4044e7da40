"""Turning an outbox row into an e-mail, and the two ways of delivering it: SMTP, or the log in development.

The message is built at sending time, not at queueing time, so that its attachments tell the truth of that
moment: a ticket cancelled before its confirmation went out is sent without its QR code and calendar file.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses

from flask import current_app

from festival.core.time import utcnow
from festival.mail.models import OutgoingMail

QR_FILENAME = "ticket-qr.png"
ICS_FILENAME = "ticket.ics"


class PermanentFailure(Exception):
    """The server refused the message for good (a 5xx answer about the address): retrying cannot help."""


def sender_domain(sender: str) -> str:
    """The domain of MAIL_SENDER ("Ngày Hội <no-reply@ngayhoi.vn>" → "ngayhoi.vn"), for Message-IDs."""
    addresses = getaddresses([sender])
    address = addresses[0][1] if addresses else ""
    return address.rpartition("@")[2] or "localhost"


def message_id(mail: OutgoingMail, domain: str) -> str:
    """The same Message-ID at every attempt: a mail sent twice (a worker died between sending and recording
    it) is recognised as one by the receiving mail system."""
    created = int((mail.created_at or utcnow()).timestamp())
    return f"<outbox.{mail.id}.{created}@{domain}>"


def build_message(mail: OutgoingMail) -> EmailMessage:
    """The e-mail of an outbox row: plain UTF-8 text, and the ticket's QR code and calendar file when the row
    asks for them and the registration is still confirmed."""
    config = current_app.config
    message = EmailMessage(policy=SMTP)
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(mail, sender_domain(config["MAIL_SENDER"]))
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = mail.locale
    message.set_content(mail.body_text, charset="utf-8")
    for data, maintype, subtype, filename, params in _ticket_attachments(mail):
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename, params=params)
    return message


def _ticket_attachments(mail: OutgoingMail) -> list[tuple[bytes, str, str, str, dict]]:
    from festival.registration import services, tickets

    registration = mail.registration
    if not mail.attach_ticket or registration is None:
        return []
    text = services.ticket_text(registration)  # None unless still confirmed (and not erased)
    if text is None:
        return []
    return [
        (tickets.qr_png(text), "image", "png", QR_FILENAME, {}),
        (
            services.ticket_ics(registration),
            "text",
            "calendar",
            ICS_FILENAME,
            {"method": "PUBLISH", "charset": "utf-8"},
        ),
    ]


# --- backends ---------------------------------------------------------------------------------------------------


class LogBackend:
    """Development without a mail server: the whole message goes to the app's log, and counts as sent."""

    name = "log"

    def send(self, message: EmailMessage) -> None:
        logger = current_app.logger
        if logger.getEffectiveLevel() > logging.INFO:
            logger.setLevel(logging.INFO)
        logger.info("e-mail (MAIL_SERVER is not set, so it is logged instead of sent):\n%s", message.as_string())

    def close(self) -> None:
        pass


class SMTPBackend:
    """One connection for a batch of messages, opened at the first and opened again after a failure."""

    name = "smtp"

    def __init__(self, config: dict):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        timeout = c["MAIL_TIMEOUT"]
        if c["MAIL_USE_SSL"]:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(c["MAIL_SERVER"], c["MAIL_PORT"], timeout=timeout)
            if c["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
        if c["MAIL_USERNAME"]:
            connection.login(c["MAIL_USERNAME"], c["MAIL_PASSWORD"] or "")
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except smtplib.SMTPNotSupportedError as error:  # an address that needs SMTPUTF8 the server lacks
            raise PermanentFailure(_describe(error)) from error
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _text in error.recipients.values()]
            if codes and all(code >= 500 for code in codes):
                raise PermanentFailure(_describe(error)) from error
            raise
        except smtplib.SMTPResponseException as error:
            # A refusal of this message leaves the connection usable; anything else is handled by the caller.
            if error.smtp_code >= 500 and isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPDataError):
                raise PermanentFailure(_describe(error)) from error
            raise
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except Exception:  # noqa: BLE001 - a broken connection is simply dropped
                self.connection.close()
            self.connection = None


def backend() -> LogBackend | SMTPBackend:
    config = current_app.config
    return SMTPBackend(dict(config)) if config.get("MAIL_SERVER") else LogBackend()


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {_text(text)}" for address, (code, text) in sorted(error.recipients.items())
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{error.__class__.__name__}: {error}"


def server_unreachable(error: Exception) -> bool:
    """The mail server could not be reached or talked to (not a refusal of this one message): the rest of a
    round would fail the same way, so it stops and leaves them due, their attempts not counted."""
    about_this_message = (
        PermanentFailure,
        smtplib.SMTPRecipientsRefused,
        smtplib.SMTPSenderRefused,
        smtplib.SMTPDataError,
    )
    return isinstance(error, OSError) and not isinstance(error, about_this_message)


def describe(error: Exception) -> str:
    """One line for the organizer's list: what went wrong, without a traceback."""
    if isinstance(error, PermanentFailure):
        return str(error)
    return _describe(error)[:1000]


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
