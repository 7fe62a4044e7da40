"""Live attendance of a festival day: who is there, against who is expected, and when they came.

One line for the festival day as a whole and one per agenda item that has a check-in list or takes registrations:

- **present**: distinct registrations checked in on its lists, plus those an organizer marked present by hand
  (festival.registration.models.Attendance). The festival day's lists are all of its lists: whoever came in by
  any gate is at the festival day. An item's are the lists for that item;
- **registered**: confirmed registrations (not invitations); the festival day counts those of all its quotas;
- **invited**: invitations not cancelled;
- **capacity**: the quota's places, else the item's capacity; None for no limit.

**Arrivals** are counted per 10 minutes of local time (FESTIVAL_TIMEZONE), each registration at its first check-in
on any list of the day, from the first bucket with an arrival to the last. The database groups by minute (epoch
minutes on SQLite and PostgreSQL alike); Python folds the minutes into local 10-minute buckets, which works for
any time zone offset.

Whatever the number of registrations, lists and items, `attendance` runs a fixed number of grouped queries.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Integer, and_, case, cast, func, literal, null, or_, select, union

from festival.agenda import published
from festival.agenda.models import AgendaItem
from festival.checkin.models import CheckIn, CheckinList
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration.models import (
    Attendance,
    Registration,
    RegistrationKind,
    RegistrationQuota,
    RegistrationStatus,
)

BUCKET_MINUTES = 10
# A day has at most 144 buckets; a festival spread over weeks of scanning (tests, practice runs) is cut to the
# last MAX_BUCKETS so that the chart stays readable and the answer small.
MAX_BUCKETS = 288


@dataclass
class Line:
    """Attendance of the festival day (item_id None) or of one agenda item."""

    title: str
    item_id: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    present: int = 0
    registered: int = 0
    invited: int = 0
    capacity: int | None = None

    @property
    def expected(self) -> int:
        return self.registered + self.invited

    def share(self, value: int) -> int:
        """`value` as a whole percentage of the bar's scale (capacity, else the expected, else the present)."""
        scale = self.capacity or self.expected or self.present
        return min(100, round(100 * value / scale)) if scale else 0

    def to_json(self) -> dict:
        return {
            "item_id": self.item_id,
            "title": self.title,
            "starts_at": to_local(self.starts_at).isoformat() if self.starts_at else None,
            "ends_at": to_local(self.ends_at).isoformat() if self.ends_at else None,
            "present": self.present,
            "registered": self.registered,
            "invited": self.invited,
            "capacity": self.capacity,
        }


@dataclass
class Live:
    festival: LocalityFestival
    day: Line
    items: list[Line] = field(default_factory=list)
    # (local start of the bucket, arrivals in it), every bucket from the first arrival to the last.
    arrivals: list[tuple[datetime, int]] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "festival_id": self.festival.id,
            "day": self.day.to_json(),
            "items": [line.to_json() for line in self.items],
            "arrivals": {
                "minutes": BUCKET_MINUTES,
                "labels": [start.strftime("%H:%M") for start, _count in self.arrivals],
                "starts": [start.isoformat() for start, _count in self.arrivals],
                "counts": [count for _start, count in self.arrivals],
            },
        }

    @property
    def etag(self) -> str:
        """A strong validator of the JSON answer: the same counts give the same tag (304 while nothing moves)."""
        body = json.dumps(self.to_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def attendance(festival: LocalityFestival, *, public: bool = False) -> Live:
    """The festival day's attendance. `public`: only the items the public program shows (a published program's
    published or cancelled items), for the projector. Six queries whatever the size."""
    lists = db.session.execute(
        select(CheckinList.id, CheckinList.item_id).where(CheckinList.festival_id == festival.id)
    ).all()
    quota_rows = db.session.execute(
        select(RegistrationQuota.id, RegistrationQuota.item_id, RegistrationQuota.capacity).where(
            RegistrationQuota.festival_id == festival.id
        )
    ).all()
    items = _items(festival, {r.item_id for r in lists} | {r.item_id for r in quota_rows}, public)

    day = Line(title=festival.locality.full_name, starts_at=festival.starts_at, ends_at=festival.ends_at)
    lines: dict[int | None, Line] = {None: day}
    for item in items:
        lines[item.id] = Line(
            title=item.title, item_id=item.id, starts_at=item.starts_at, ends_at=item.ends_at, capacity=item.capacity
        )
    for quota in quota_rows:
        line = lines.get(quota.item_id)
        if line is not None and quota.capacity is not None:
            line.capacity = quota.capacity

    _expected(festival, lines)
    _present(festival, lines)
    return Live(festival, day, [lines[item.id] for item in items], _arrivals(festival))


def _items(festival: LocalityFestival, ids: set[int | None], public: bool) -> list[AgendaItem]:
    ids.discard(None)
    wanted = [AgendaItem.takes_registrations.is_(True)]
    if ids:
        wanted.append(AgendaItem.id.in_(ids))
    statement = select(AgendaItem).where(AgendaItem.festival_id == festival.id, or_(*wanted))
    if public:
        if festival.program_published_at is None:
            return []
        statement = statement.where(AgendaItem.status.in_(published.PUBLIC_ITEM_STATUSES))
    return list(db.session.scalars(statement.order_by(AgendaItem.starts_at, AgendaItem.position, AgendaItem.id)))


def _expected(festival: LocalityFestival, lines: dict[int | None, Line]) -> None:
    """Registered and invited per quota (one grouped query); the festival day adds up every quota."""
    registered = and_(
        Registration.kind == RegistrationKind.REGISTRATION.value,
        Registration.status == RegistrationStatus.CONFIRMED.value,
    )
    invited = and_(
        Registration.kind == RegistrationKind.INVITATION.value,
        Registration.status != RegistrationStatus.CANCELLED.value,
    )
    rows = db.session.execute(
        select(
            RegistrationQuota.item_id,
            func.sum(case((registered, 1), else_=0)),
            func.sum(case((invited, 1), else_=0)),
        )
        .join(RegistrationQuota, RegistrationQuota.id == Registration.quota_id)
        .where(Registration.festival_id == festival.id)
        .group_by(RegistrationQuota.item_id)
    ).all()
    day = lines[None]
    for item_id, registered_count, invited_count in rows:
        day.registered += int(registered_count or 0)
        day.invited += int(invited_count or 0)
        line = lines.get(item_id) if item_id is not None else None
        if line is not None:
            line.registered, line.invited = int(registered_count or 0), int(invited_count or 0)


def _present(festival: LocalityFestival, lines: dict[int | None, Line]) -> None:
    """Distinct registrations present, per item (its lists and the hand-marked attendance of its quota) and for
    the festival day (every list and every mark). One query: the per-item groups and the day's total together."""
    checked_in = (
        select(CheckinList.item_id.label("item_id"), CheckIn.registration_id.label("registration_id"))
        .join(CheckinList, CheckinList.id == CheckIn.list_id)
        .where(CheckinList.festival_id == festival.id)
    )
    marked = (
        select(RegistrationQuota.item_id.label("item_id"), Attendance.registration_id.label("registration_id"))
        .join(Registration, Registration.id == Attendance.registration_id)
        .join(RegistrationQuota, RegistrationQuota.id == Registration.quota_id)
        .where(Registration.festival_id == festival.id)
    )
    both = union(checked_in, marked).subquery()
    distinct = func.count(func.distinct(both.c.registration_id))
    per_item = select(literal(0).label("whole"), both.c.item_id, distinct).group_by(both.c.item_id)
    whole = select(literal(1).label("whole"), cast(null(), Integer).label("item_id"), distinct)
    for is_whole, item_id, count in db.session.execute(per_item.union_all(whole)):
        if is_whole:
            lines[None].present = int(count or 0)
        elif item_id is not None and item_id in lines:
            lines[item_id].present = int(count or 0)


def _epoch_minute(column):
    """Minutes since 1970-01-01 UTC of a UTCDateTime column, as an integer, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", column) / 60), Integer)
    return cast(func.strftime("%s", column), Integer) / 60


def _arrivals(festival: LocalityFestival) -> list[tuple[datetime, int]]:
    """Arrivals per local 10-minute bucket: each registration at its first check-in on the day's lists."""
    first = (
        select(func.min(CheckIn.checked_in_at).label("at"))
        .join(CheckinList, CheckinList.id == CheckIn.list_id)
        .where(CheckinList.festival_id == festival.id)
        .group_by(CheckIn.registration_id)
        .subquery()
    )
    minute = _epoch_minute(first.c.at).label("minute")
    per_minute = db.session.execute(select(minute, func.count()).group_by(minute)).all()
    buckets: dict[datetime, int] = {}
    for epoch_minute, count in per_minute:
        if epoch_minute is None:
            continue
        local = to_local(datetime.fromtimestamp(int(epoch_minute) * 60, UTC))
        start = local.replace(minute=local.minute - local.minute % BUCKET_MINUTES, second=0, microsecond=0)
        buckets[start] = buckets.get(start, 0) + int(count)
    if not buckets:
        return []
    step = timedelta(minutes=BUCKET_MINUTES)
    last = max(buckets)
    moment = max(min(buckets), last - step * (MAX_BUCKETS - 1))
    series = []
    while moment <= last:
        series.append((moment, buckets.get(moment, 0)))
        moment = to_local(moment.astimezone(UTC) + step)
    return series
