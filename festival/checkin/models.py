"""Check-in at venues: the lists tickets are scanned against, the devices that scan, every scan, and the
check-ins the scans make.

- A **check-in list** belongs to a festival day: the day as a whole (no item) or one agenda item. It says which
  tickets are valid there (registrations, invitations or both), whether a checked-in ticket may enter again, and
  when scanning opens and closes (by default two hours before the start, until the end).
- A **device** is a phone (or a script, or the venue's self check-in poster) enrolled for one festival day: its
  secret token is kept only as a SHA-256 digest; revoking it stops it at once.
- A **scan** is one row per attempt, accepted or not: the ticket (when one was recognised), the list, the device,
  the device's nonce (the same nonce twice is the same scan: uploads are idempotent), the time on the device as
  sent and as corrected for its clock, the time received, and the result, one of `RESULTS`.
- A **check-in** is a ticket's admission to a list: one per list and registration, pointing at the scan that
  made it (device and nonce). When offline devices admitted the same ticket, the earliest scan is the check-in
  and the others are duplicates (their result becomes `already_checked_in`, `duplicate` set).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.agenda.models import AgendaItem
from festival.core.time import utcnow
from festival.core.types import UTCDateTime
from festival.editions.models import LocalityFestival
from festival.extensions import db


class Result(StrEnum):
    OK = "ok"
    ALREADY_CHECKED_IN = "already_checked_in"
    UNKNOWN = "unknown"  # unreadable, forged or not ours
    REVOKED = "revoked"  # cancelled
    WRONG_LIST = "wrong_list"  # another edition, festival day, item, or a kind of ticket the list does not take
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    WAITING_LIST = "waiting_list"

    @property
    def label(self):
        return RESULT_LABELS[self]

    @property
    def colour(self) -> str:
        """What the scanner shows: green (admit), amber (already in, or come back later), red (refuse)."""
        if self is Result.OK:
            return "green"
        if self in (Result.ALREADY_CHECKED_IN, Result.NOT_OPEN, Result.WAITING_LIST):
            return "amber"
        return "red"


RESULT_LABELS = {
    Result.OK: _l("Welcome: checked in"),
    Result.ALREADY_CHECKED_IN: _l("Already checked in"),
    Result.UNKNOWN: _l("Not a valid ticket"),
    Result.REVOKED: _l("Ticket cancelled"),
    Result.WRONG_LIST: _l("Ticket for another event"),
    Result.NOT_OPEN: _l("Check-in has not opened yet"),
    Result.CLOSED: _l("Check-in is closed"),
    Result.WAITING_LIST: _l("On the waiting list: no place yet"),
}
RESULTS = tuple(r.value for r in Result)


class Admits(StrEnum):
    BOTH = "both"
    REGISTRATIONS = "registrations"
    INVITATIONS = "invitations"

    @property
    def label(self):
        return {
            Admits.BOTH: _l("Registrations and invitations"),
            Admits.REGISTRATIONS: _l("Registrations only"),
            Admits.INVITATIONS: _l("Invitations only"),
        }[self]


class DeviceKind(StrEnum):
    PHONE = "phone"  # enrolled by scanning an enrolment QR code
    SCRIPT = "script"  # `flask devices enrol`
    SELF = "self"  # the venue poster: attendees check themselves in


class CheckinList(db.Model):
    __tablename__ = "checkin_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    admits: Mapped[str] = mapped_column(String(20), default=Admits.BOTH.value)
    reentry: Mapped[bool] = mapped_column(Boolean, default=False)
    # None: two hours before the start of what the list is for (OPENS_BEFORE), until its end.
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The venue poster's secret (self check-in): None until the organizer prints one.
    poster_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    festival: Mapped[LocalityFestival] = relationship()
    item: Mapped[AgendaItem | None] = relationship()

    __table_args__ = (CheckConstraint("admits IN ('both', 'registrations', 'invitations')", name="admits_known"),)

    def __repr__(self) -> str:
        return f"<CheckinList {self.id} festival={self.festival_id} item={self.item_id}>"


class Device(db.Model):
    __tablename__ = "checkin_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20), default=DeviceKind.PHONE.value)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the device said at its last contact: scans still waiting on it, and its clock's offset.
    pending: Mapped[int] = mapped_column(Integer, default=0)
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    festival: Mapped[LocalityFestival] = relationship()

    __table_args__ = (CheckConstraint("kind IN ('phone', 'script', 'self')", name="kind_known"),)

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Enrolment(db.Model):
    """A one-time enrolment code, shown as a QR code to a phone for a few minutes (kept as a digest)."""

    __tablename__ = "checkin_enrolments"

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_devices.id", ondelete="SET NULL"))


class Scan(db.Model):
    __tablename__ = "checkin_scans"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"))
    device_id: Mapped[int] = mapped_column(ForeignKey("checkin_devices.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    # The first characters of what was read when no ticket was recognised (for the organizer; never a secret).
    code: Mapped[str] = mapped_column(String(40), default="")
    result: Mapped[str] = mapped_column(String(30))
    # An admission an offline device made that an earlier scan elsewhere had already made.
    duplicate: Mapped[bool] = mapped_column(Boolean, default=False)
    # A scan of a checked-in ticket on a list that allows re-entry.
    reentry: Mapped[bool] = mapped_column(Boolean, default=False)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime)  # corrected for the device's clock
    device_scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # as the device sent it
    clock_offset_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    list: Mapped[CheckinList | None] = relationship()
    device: Mapped[Device] = relationship()

    __table_args__ = (
        UniqueConstraint("device_id", "nonce", name="uq_checkin_scans_device_nonce"),
        CheckConstraint(
            "result IN ('ok', 'already_checked_in', 'unknown', 'revoked', 'wrong_list', 'not_open', 'closed', "
            "'waiting_list')",
            name="result_known",
        ),
        Index("ix_checkin_scans_list_registration", "list_id", "registration_id"),
        Index("ix_checkin_scans_list_scanned", "list_id", "scanned_at"),
    )


class CheckIn(db.Model):
    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("checkin_lists.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"))
    # The scan that made it: the earliest, whichever device uploaded first.
    device_id: Mapped[int] = mapped_column(ForeignKey("checkin_devices.id", ondelete="CASCADE"))
    nonce: Mapped[str] = mapped_column(String(64))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)

    device: Mapped[Device] = relationship()

    __table_args__ = (
        UniqueConstraint("list_id", "registration_id", name="uq_checkins_list_registration"),
        Index("ix_checkins_list_time", "list_id", "checked_in_at"),
    )
