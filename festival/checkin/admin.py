"""What the organizers' check-in pages read: the hub's lists with their counts, the devices, the scans log and the
duplicates. Every function runs a fixed number of queries, whatever the number of lists, devices or scans (the
counts come from grouped queries, the names of a page of scans from one query).

The rules of changing lists are in festival.checkin.lists, of devices in festival.checkin.devices.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from festival.accounts.models import User
from festival.agenda.models import AgendaItem
from festival.checkin import lists as list_rules
from festival.checkin.models import RESULTS, Admits, CheckIn, CheckinList, Device, Result, Scan
from festival.core.pagination import Page, paginate
from festival.core.params import parse_id
from festival.core.qr import address_svg
from festival.core.web import public_base
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration.models import Registration, RegistrationKind, RegistrationQuota, RegistrationStatus
from festival.registration.tickets import TicketClaims

# The scanner page's enrolment address (built by the scanner): the code follows in the fragment, which browsers
# never send to the server, so it stays out of every log.
ENROL_PATH = "/checkin/enrol"
# A device clock further off than this is shown in the device list.
CLOCK_SHOWN = timedelta(minutes=2)
PER_PAGE = 50


# --- the hub ----------------------------------------------------------------------------------------------------


@dataclass
class ListLine:
    checkin_list: CheckinList
    opens: datetime
    closes: datetime
    default_window: bool
    checked_in: int = 0
    expected: int = 0
    scans: int = 0

    @property
    def admits_label(self):
        return Admits(self.checkin_list.admits).label


def list_lines(festival: LocalityFestival) -> list[ListLine]:
    """The festival day's lists (whole day first) with their windows and counts: four queries in all."""
    found = db.session.scalars(
        select(CheckinList)
        .where(CheckinList.festival_id == festival.id)
        .options(selectinload(CheckinList.item))
        .order_by(CheckinList.item_id.is_not(None), CheckinList.id)
    ).all()
    if not found:
        return []
    ids = [cl.id for cl in found]
    checked_in = dict(
        db.session.execute(
            select(CheckIn.list_id, func.count()).where(CheckIn.list_id.in_(ids)).group_by(CheckIn.list_id)
        ).all()
    )
    scans = dict(
        db.session.execute(select(Scan.list_id, func.count()).where(Scan.list_id.in_(ids)).group_by(Scan.list_id)).all()
    )
    tickets = _ticket_counts(festival)
    lines = []
    for cl in found:
        opens, closes = list_rules.span(cl)
        lines.append(
            ListLine(
                checkin_list=cl,
                opens=opens,
                closes=closes,
                default_window=cl.opens_at is None and cl.closes_at is None,
                checked_in=checked_in.get(cl.id, 0),
                expected=_expected(cl, tickets, festival.id),
                scans=scans.get(cl.id, 0),
            )
        )
    return lines


def _ticket_counts(festival: LocalityFestival) -> Counter:
    """Valid tickets of the festival day by (item id or None, invitation): one grouped query."""
    rows = db.session.execute(
        select(RegistrationQuota.item_id, Registration.kind, func.count())
        .join(RegistrationQuota, RegistrationQuota.id == Registration.quota_id)
        .where(
            Registration.festival_id == festival.id,
            Registration.status == RegistrationStatus.CONFIRMED.value,
            Registration.erased_at.is_(None),
        )
        .group_by(RegistrationQuota.item_id, Registration.kind)
    ).all()
    counts: Counter = Counter()
    for item_id, kind, number in rows:
        counts[(item_id, kind == RegistrationKind.INVITATION.value)] += number
    return counts


def _expected(checkin_list: CheckinList, tickets: Counter, festival_id: int) -> int:
    """The valid tickets this list admits, by the scan service's own rules (lists.admits_ticket / admits_kind)."""
    total = 0
    for (item_id, invitation), number in tickets.items():
        claims = TicketClaims(key_id=0, year=0, registration_id=0, festival_id=festival_id, item_id=item_id,
                              invitation=invitation)  # fmt: skip
        if list_rules.admits_ticket(checkin_list, claims, festival_id, 0) and list_rules.admits_kind(
            checkin_list, invitation
        ):
            total += number
    return total


def agenda_items(festival: LocalityFestival) -> list[AgendaItem]:
    return db.session.scalars(
        select(AgendaItem).where(AgendaItem.festival_id == festival.id).order_by(AgendaItem.starts_at, AgendaItem.id)
    ).all()


# --- devices ----------------------------------------------------------------------------------------------------


@dataclass
class DeviceLine:
    device: Device
    enrolled_by: str | None

    @property
    def clock_off(self) -> timedelta | None:
        """The device clock's offset when it is worth showing (over CLOCK_SHOWN), else None."""
        offset = timedelta(milliseconds=self.device.clock_offset_ms or 0)
        return offset if abs(offset) > CLOCK_SHOWN else None


def device_lines(festival: LocalityFestival) -> list[DeviceLine]:
    """The festival day's devices, active ones first, newest first, with who enrolled them: one query."""
    rows = db.session.execute(
        select(Device, User.full_name)
        .outerjoin(User, User.id == Device.enrolled_by_id)
        .where(Device.festival_id == festival.id)
        .order_by(Device.revoked_at.is_not(None), Device.created_at.desc(), Device.id.desc())
    ).all()
    return [DeviceLine(device, name) for device, name in rows]


def get_device(festival: LocalityFestival, device_id: int) -> Device | None:
    found = db.session.get(Device, device_id) if parse_id(device_id) else None
    return found if found is not None and found.festival_id == festival.id else None


def enrolment_url(code: str) -> str:
    """The address the enrolment QR code holds: the scanner's enrolment page, the code in the fragment (never in
    a query string, which servers and proxies log)."""
    return public_base() + ENROL_PATH + "#" + code


def qr_svg(text: str) -> str:
    """`text` as an inline SVG QR code, labelled for the page."""
    return address_svg(text).replace("<svg ", '<svg role="img" class="enrol-qr-code" ', 1)


# --- the scans log and the duplicates ---------------------------------------------------------------------------


@dataclass
class ScanFilters:
    result: str = ""
    device: int | None = None

    @classmethod
    def from_args(cls, args) -> ScanFilters:
        result = args.get("result", "")
        return cls(result=result if result in RESULTS else "", device=parse_id(args.get("device")))

    @property
    def active(self) -> bool:
        return bool(self.result or self.device)

    def as_args(self) -> dict:
        return {k: v for k, v in (("result", self.result), ("device", self.device)) if v}


@dataclass
class ScanPage:
    page: Page
    names: dict[int, str] = field(default_factory=dict)
    # For duplicates: the check-in each one lost to, by (list id, registration id): (device name, time).
    holders: dict[tuple[int, int], tuple[str, datetime]] = field(default_factory=dict)

    def result(self, scan: Scan) -> Result:
        return Result(scan.result)


def _scans(festival: LocalityFestival):
    return (
        select(Scan)
        .join(Scan.device)
        .outerjoin(Scan.list)
        .options(contains_eager(Scan.device), contains_eager(Scan.list))
        .where(Device.festival_id == festival.id)
        .order_by(Scan.scanned_at.desc(), Scan.id.desc())
    )


def _names(scans: list[Scan]) -> dict[int, str]:
    ids = {s.registration_id for s in scans if s.registration_id}
    if not ids:
        return {}
    return dict(
        db.session.execute(select(Registration.id, Registration.full_name).where(Registration.id.in_(ids))).all()
    )


def scans_page(festival: LocalityFestival, filters: ScanFilters, page: int) -> ScanPage:
    """A page of the festival day's scans, newest first: three queries (count, page, names)."""
    statement = _scans(festival)
    if filters.result:
        statement = statement.where(Scan.result == filters.result)
    if filters.device:
        statement = statement.where(Scan.device_id == filters.device)
    found = paginate(statement, page, PER_PAGE)
    return ScanPage(found, _names(found.items))


def duplicates_page(festival: LocalityFestival, page: int) -> ScanPage:
    """Admissions an offline device made that an earlier scan had already made, with the check-in that holds the
    ticket (which device, when): four queries."""
    found = paginate(_scans(festival).where(Scan.duplicate.is_(True)), page, PER_PAGE)
    holders: dict[tuple[int, int], tuple[str, datetime]] = {}
    pairs = {(s.list_id, s.registration_id) for s in found.items if s.list_id and s.registration_id}
    if pairs:
        rows = db.session.execute(
            select(CheckIn.list_id, CheckIn.registration_id, Device.name, CheckIn.checked_in_at)
            .join(Device, Device.id == CheckIn.device_id)
            .where(CheckIn.list_id.in_({p[0] for p in pairs}), CheckIn.registration_id.in_({p[1] for p in pairs}))
        )
        for list_id, registration_id, name, at in rows:
            holders[(list_id, registration_id)] = (name, at)
    return ScanPage(found, _names(found.items), holders)


def duplicate_count(festival: LocalityFestival) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Scan)
        .join(Device, Device.id == Scan.device_id)
        .where(Device.festival_id == festival.id, Scan.duplicate.is_(True))
    )
