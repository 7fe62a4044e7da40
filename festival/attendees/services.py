"""What organizers do with the people registered for a festival day: the summary per quota, the filtered list,
quota settings, attendance and cancelling.

The registration rules themselves (places, the waiting list, tickets) are festival.registration.services; this
module adds the organizer's side. Registrations are never written to the automatic change log (it would keep
personal data that erasure must remove): each organizer action writes a hand-made note on the festival with ids
and counts only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload

from festival.agenda.models import AgendaItem
from festival.audit import recorder
from festival.core.errors import DomainError
from festival.core.params import parse_id
from festival.core.text import search_key
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration import quotas as quota_rules
from festival.registration import services as registration
from festival.registration.models import (
    Attendance,
    Registration,
    RegistrationKind,
    RegistrationQuota,
    RegistrationStatus,
)

CAPACITY_MAX = 1_000_000
QUERY_MAX = 100
_DIGITS = re.compile(r"[0-9]")
_LETTERS = re.compile(r"[^\W\d_]")


# --- quotas and their summary -----------------------------------------------------------------------------------


@dataclass
class QuotaSummary:
    quota: RegistrationQuota
    title: str
    confirmed: int = 0  # confirmed that take a place
    waiting: int = 0
    invitations: int = 0  # not cancelled
    attended: int = 0

    @property
    def capacity(self) -> int | None:
        return self.quota.capacity

    @property
    def saved(self) -> bool:
        return self.quota.id is not None


def registrable_items(festival: LocalityFestival) -> list[AgendaItem]:
    """The festival's items that take registrations (any status: organizers prepare them before publishing)."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.festival_id == festival.id, AgendaItem.takes_registrations.is_(True))
            .options(joinedload(AgendaItem.venue))
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        )
    )


def quotas(festival: LocalityFestival) -> list[RegistrationQuota]:
    """The day as a whole (when opened), then every item that takes registrations, in time order; items without
    a saved quota get an unsaved one with the defaults. Saved quotas of items that no longer take registrations
    stay listed (their registrations must stay reachable)."""
    saved = {
        quota.item_id: quota
        for quota in db.session.scalars(
            select(RegistrationQuota)
            .where(RegistrationQuota.festival_id == festival.id)
            .options(joinedload(RegistrationQuota.item))
        )
    }
    result = [saved.pop(None)] if None in saved else []
    for item in registrable_items(festival):
        quota = saved.pop(item.id, None)
        result.append(quota or quota_rules.unsaved_quota(item))
    leftovers = sorted(saved.values(), key=lambda q: (q.item.starts_at, q.item_id))
    return result + leftovers


def summaries(festival: LocalityFestival) -> list[QuotaSummary]:
    """One line per quota: places taken, waiting, invitations, attended. Two queries whatever the size."""
    confirmed = and_(Registration.status == RegistrationStatus.CONFIRMED.value, Registration.takes_place.is_(True))
    invited = and_(
        Registration.kind == RegistrationKind.INVITATION.value,
        Registration.status != RegistrationStatus.CANCELLED.value,
    )
    rows = db.session.execute(
        select(
            Registration.quota_id,
            func.sum(case((confirmed, 1), else_=0)),
            func.sum(case((Registration.status == RegistrationStatus.WAITING.value, 1), else_=0)),
            func.sum(case((invited, 1), else_=0)),
            func.count(Attendance.id),
        )
        .outerjoin(Attendance, Attendance.registration_id == Registration.id)
        .where(Registration.festival_id == festival.id)
        .group_by(Registration.quota_id)
    ).all()
    counts = {row[0]: [int(value or 0) for value in row[1:]] for row in rows}
    result = []
    for quota in quotas(festival):
        line = QuotaSummary(quota, quota_rules.title_of(quota))
        if quota.id in counts:
            line.confirmed, line.waiting, line.invitations, line.attended = counts[quota.id]
        result.append(line)
    return result


# --- the list ---------------------------------------------------------------------------------------------------


@dataclass
class Filters:
    """What the list shows; unknown values are ignored (a hand-edited address shows everything)."""

    quota: int | None = None
    kind: str = ""
    status: str = ""
    attended: str = ""  # "yes", "no" or ""
    q: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        kind = args.get("kind", "")
        status = args.get("status", "")
        attended = args.get("attended", "")
        return cls(
            quota=parse_id(args.get("quota")),
            kind=kind if kind in {k.value for k in RegistrationKind} else "",
            status=status if status in {s.value for s in RegistrationStatus} else "",
            attended=attended if attended in {"yes", "no"} else "",
            q=" ".join(str(args.get("q", ""))[:QUERY_MAX].split()),
        )

    def as_args(self) -> dict[str, str]:
        values = {"quota": self.quota or "", "kind": self.kind, "status": self.status, "attended": self.attended}
        values["q"] = self.q
        return {key: str(value) for key, value in values.items() if value}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


@dataclass
class Row:
    """A registration as listed and exported."""

    registration: Registration
    title: str
    extra: dict = field(default_factory=dict)


def phone_digits(query: str) -> str | None:
    """The digits to match at the end of an E.164 number, when the query is a phone number (no letters, at
    least three digits): "0912 000 111" and "+84 912 000 111" both give "912000111"."""
    if _LETTERS.search(query):
        return None
    digits = "".join(_DIGITS.findall(query))
    if len(digits) < 3:
        return None
    if digits.startswith("84") and query.lstrip().startswith("+"):
        digits = digits[2:]
    return digits.lstrip("0") or None


def registrations_query(festival: LocalityFestival, filters: Filters) -> Select:
    """The festival's registrations and invitations, filtered, newest first, with their quota, item and attendance
    loaded in the same query."""
    stmt = (
        select(Registration)
        .where(Registration.festival_id == festival.id)
        .options(
            joinedload(Registration.quota).joinedload(RegistrationQuota.item),
            joinedload(Registration.attendance),
        )
        .order_by(Registration.id.desc())
    )
    if filters.quota:
        stmt = stmt.where(Registration.quota_id == filters.quota)
    if filters.kind:
        stmt = stmt.where(Registration.kind == filters.kind)
    if filters.status:
        stmt = stmt.where(Registration.status == filters.status)
    if filters.attended:
        present = select(Attendance.id).where(Attendance.registration_id == Registration.id).exists()
        stmt = stmt.where(present if filters.attended == "yes" else ~present)
    if filters.q:
        digits = phone_digits(filters.q)
        if digits:
            stmt = stmt.where(Registration.phone.like(f"%{digits}"))
        else:
            key = search_key(filters.q)
            if key:
                stmt = stmt.where(Registration.name_key.contains(key, autoescape=True))
    return stmt


# --- quota settings ---------------------------------------------------------------------------------------------


@dataclass
class QuotaSettings:
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    accepting: bool = True
    waiting_list: bool = True
    count_invitations: bool = False
    capacity: int | None = None  # the whole day only: an item's capacity is edited on the item


def day_quota(festival: LocalityFestival, *, accepting: bool = True) -> RegistrationQuota:
    """The quota of the festival day as a whole, created when missing (commits). Invitations to the day create
    it with public registration stopped: inviting delegates must not open the day to everyone."""
    return quota_rules.ensure_quota(festival, accepting=accepting)


def quota_of(festival: LocalityFestival, item_id: int | None, *, accepting: bool = True) -> RegistrationQuota:
    """The saved quota of the day (None) or of one of the festival's registrable items, created when missing
    (the day's with public registration `accepting` or stopped)."""
    if item_id is None:
        return day_quota(festival, accepting=accepting)
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.festival_id != festival.id or not item.takes_registrations:
        raise DomainError(_l("This item does not take registrations."), "item_not_registrable", field="item")
    return quota_rules.ensure_quota(festival, item)


def update_quota(quota: RegistrationQuota, settings: QuotaSettings) -> list[Registration]:
    """Save a quota's settings; places added take people off the waiting list. Returns those promoted. Commits."""
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        raise DomainError(_l("Registration must close after it opens."), "closes_before_opens", field="closes_day")
    before = {
        "capacity": quota.capacity,
        "opens_at": quota.opens_at,
        "closes_at": quota.closes_at,
        "accepting": quota.accepting,
        "waiting_list": quota.waiting_list,
        "count_invitations": quota.count_invitations,
    }
    grew = False
    if quota.item_id is None:
        new = settings.capacity
        if new is not None and not 0 < new <= CAPACITY_MAX:
            raise DomainError(
                _l("Enter a number of places from 1 to %(n)s, or leave it empty for no limit.", n=CAPACITY_MAX),
                "capacity_invalid",
                field="capacity",
            )
        if new is not None and new < quota.taken:
            raise DomainError(
                _l("%(n)s places are already taken: the capacity cannot be lower.", n=quota.taken),
                "capacity_below_taken",
                field="capacity",
            )
        grew = quota.capacity is not None and (new is None or new > quota.capacity)
        quota.capacity = new
    quota.opens_at, quota.closes_at = settings.opens_at, settings.closes_at
    quota.accepting, quota.waiting_list = settings.accepting, settings.waiting_list
    quota.count_invitations = settings.count_invitations
    after = {key: getattr(quota, key) for key in before}
    changes = {key: (before[key], after[key]) for key in before if before[key] != after[key]}
    if changes:
        recorder.note(db.session, quota.festival, "quota", {"quota_id": (None, quota.id), **changes})
    db.session.commit()
    return registration.promote_waiting(quota) if grew else []


# --- attendance and cancelling ----------------------------------------------------------------------------------


def set_attendance(entry: Registration, present: bool, user) -> Registration:
    """Mark a confirmed ticket present (who and when) or take the mark back. Commits."""
    if present and entry.status != RegistrationStatus.CONFIRMED.value:
        raise DomainError(_l("Only a confirmed ticket can be marked present."), "not_confirmed", status=409)
    changed = False
    if present and entry.attendance is None:
        entry.attendance = Attendance(marked_at=utcnow(), marked_by_id=getattr(user, "id", None))
        changed = True
    elif not present and entry.attendance is not None:
        entry.attendance = None
        changed = True
    if changed:
        action = "attended" if present else "unattended"
        recorder.note(db.session, entry.festival, action, {"registration_id": (None, entry.id)})
    db.session.commit()
    return entry


def cancel(entry: Registration) -> Registration:
    """Cancel on the organizers' behalf; the waiting list moves up (registration.services.cancel). Commits."""
    if entry.status == RegistrationStatus.CANCELLED.value:
        return entry
    festival = entry.festival
    recorder.note(
        db.session, festival, "cancel_registration", {"registration_id": (None, entry.id), "kind": (None, entry.kind)}
    )
    return registration.cancel(entry, by="organizer")
