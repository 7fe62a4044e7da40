"""The outbox: every e-mail the app sends is first a row here, written in the transaction of what it reports.

Sending happens after the commit (festival/mail/sender.py); a mail server that is down leaves the row pending
with its error and the time of the next attempt, so no registration is lost with its mail.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import utcnow
from festival.core.types import UTCDateTime
from festival.extensions import db


class MailKind(StrEnum):
    CONFIRMATION = "confirmation"
    WAITING = "waiting"
    PROMOTION = "promotion"
    CANCELLATION = "cancellation"
    INVITATION = "invitation"
    TICKET_LINKS = "ticket_links"  # "find my ticket"

    @property
    def label(self):
        return {
            MailKind.CONFIRMATION: _l("Confirmation"),
            MailKind.WAITING: _l("Waiting list"),
            MailKind.PROMOTION: _l("Place freed"),
            MailKind.CANCELLATION: _l("Cancellation"),
            MailKind.INVITATION: _l("Invitation"),
            MailKind.TICKET_LINKS: _l("Ticket links"),
        }[self]


class MailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; listed for the organizer


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    # What it is about (for the organizer's list of unsent mail, and to attach the ticket when sending).
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    festival_id: Mapped[int | None] = mapped_column(ForeignKey("locality_festivals.id", ondelete="SET NULL"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(5), default="vi")
    # Attach the ticket's QR (PNG) and the calendar file (.ics) of what it admits, built at sending.
    attach_ticket: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    registration = relationship("Registration")

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
        Index("ix_outgoing_mail_festival", "festival_id", "status"),
        Index("ix_outgoing_mail_registration", "registration_id"),
    )
