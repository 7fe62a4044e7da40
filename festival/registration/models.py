"""Registrations, invitations and the quotas that hold their places.

A quota is what a person registers for: a festival day as a whole (no item) or one agenda item that takes
registrations. It holds the places (`capacity`, none for no limit), the registration window and a counter of
the confirmed registrations that count against the capacity. The counter is what keeps an item from being
overbooked: a place is taken by one conditional UPDATE of it (festival/registration/capacity.py).

A registration is one person's ticket for one quota: a public registration (phone first, consent given) or an
invitation (giấy mời) an organizer issued to a delegate. Its status is confirmed, waiting (on the waiting
list, in the order of `id`) or cancelled. Personal fields are erased on request or when their edition is
purged; the row stays (with `erased_at`), so counts are kept.

No change log entries are written automatically for these rows: the log would otherwise keep copies of the
personal data that erasure must remove. The services note what organizers do (cancel, export) without it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import User
from festival.agenda.models import AgendaItem
from festival.core.time import utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.editions.models import LocalityFestival
from festival.extensions import db


class RegistrationKind(StrEnum):
    REGISTRATION = "registration"
    INVITATION = "invitation"  # giấy mời

    @property
    def label(self):
        return {RegistrationKind.REGISTRATION: _l("Registration"), RegistrationKind.INVITATION: _l("Invitation")}[self]


class RegistrationStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {
            RegistrationStatus.CONFIRMED: _l("Confirmed"),
            RegistrationStatus.WAITING: _l("On the waiting list"),
            RegistrationStatus.CANCELLED: _l("Cancelled"),
        }[self]


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITING.value)


class RegistrationQuota(db.Model):
    __tablename__ = "registration_quotas"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"), index=True)
    # None: the festival day as a whole.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    # None: no limit.
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Registration is taken from `opens_at` (None: at once) until `closes_at` (None: the start of what it admits).
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organizer can stop public registration at any time; invitations are still issued.
    accepting: Mapped[bool] = mapped_column(Boolean, default=True)
    # When full, new registrants join the waiting list (else they are refused).
    waiting_list: Mapped[bool] = mapped_column(Boolean, default=True)
    # Whether invitations issued from now on take places of the public capacity.
    count_invitations: Mapped[bool] = mapped_column(Boolean, default=False)
    # Confirmed registrations that take a place. Changed only by conditional UPDATEs (capacity.py).
    taken: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    festival: Mapped[LocalityFestival] = relationship()
    item: Mapped[AgendaItem | None] = relationship()

    __table_args__ = (
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("taken >= 0", name="taken_not_negative"),
        # One quota per item, and one for the festival day as a whole.
        Index("uq_registration_quotas_item", "item_id", unique=True),
        Index(
            "uq_registration_quotas_whole_day",
            "festival_id",
            unique=True,
            sqlite_where=text("item_id IS NULL"),
            postgresql_where=text("item_id IS NULL"),
        ),
    )

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)

    def __repr__(self) -> str:
        return f"<RegistrationQuota {self.id} festival={self.festival_id} item={self.item_id}>"


class Registration(db.Model):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    quota_id: Mapped[int] = mapped_column(ForeignKey("registration_quotas.id", ondelete="RESTRICT"))
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20), default=RegistrationKind.REGISTRATION.value)
    status: Mapped[str] = mapped_column(String(20))
    # Whether it holds one of the quota's places while confirmed (registrations always; invitations when the
    # organizer says so).
    takes_place: Mapped[bool] = mapped_column(Boolean, default=True)

    full_name: Mapped[str] = mapped_column(String(200))
    # core.text.search_key of the name: accent-insensitive search.
    name_key: Mapped[str] = mapped_column(binary_string(200), default="")
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164, +84…
    email: Mapped[str | None] = mapped_column(String(254))
    # Organization or residential area the registrant gives; the delegate's organization for invitations.
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    position_title: Mapped[str] = mapped_column(String(200), default="")  # invitations
    seat: Mapped[str] = mapped_column(String(100), default="")  # invitations: seat or section
    locale: Mapped[str] = mapped_column(String(5), default="vi")

    # The ticket page's secret link (≥ 256 bits); replaced to revoke a shared link.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    # The personal calendar feed's secret (/calendar/me/<feed_token>.ics): none until the holder asks for the
    # feed on the ticket page; replaced or removed from there. Never the ticket's own token: a calendar app that
    # knows the feed must not learn the ticket.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consent_version: Mapped[str] = mapped_column(String(20), default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # attendee, organizer, privacy
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    quota: Mapped[RegistrationQuota] = relationship()
    festival: Mapped[LocalityFestival] = relationship()
    invited_by: Mapped[User | None] = relationship()
    attendance: Mapped[Attendance | None] = relationship(
        back_populates="registration", cascade="all, delete-orphan", uselist=False
    )

    __table_args__ = (
        CheckConstraint("kind IN ('registration', 'invitation')", name="kind_known"),
        CheckConstraint("status IN ('confirmed', 'waiting', 'cancelled')", name="status_known"),
        # The same phone holds at most one active registration per quota (a second attempt is told so).
        Index(
            "uq_registrations_quota_phone_active",
            "quota_id",
            "phone",
            unique=True,
            sqlite_where=text("phone IS NOT NULL AND status IN ('confirmed', 'waiting')"),
            postgresql_where=text("phone IS NOT NULL AND status IN ('confirmed', 'waiting')"),
        ),
        Index("ix_registrations_quota_status", "quota_id", "status", "id"),
        Index("ix_registrations_festival_status", "festival_id", "status"),
        Index("ix_registrations_phone", "phone"),
        Index("ix_registrations_email", "email"),
        Index("ix_registrations_name_key", "name_key"),
    )

    @property
    def kind_enum(self) -> RegistrationKind:
        return RegistrationKind(self.kind)

    @property
    def status_enum(self) -> RegistrationStatus:
        return RegistrationStatus(self.status)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.kind} {self.status} quota={self.quota_id}>"


class Attendance(db.Model):
    """Attendance marked by hand by an organizer: a row of its own, never a flag on the registration."""

    __tablename__ = "registration_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), unique=True)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")

    registration: Mapped[Registration] = relationship(back_populates="attendance")
    marked_by: Mapped[User | None] = relationship()
