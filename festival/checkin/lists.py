"""Check-in lists: which tickets a list admits, and when scanning is open.

A list for the festival day as a whole admits every ticket of that day: tickets for the day and tickets for any
of its agenda items (someone registered for the health check-up comes in by the main gate). A list for one agenda
item admits that item's tickets and the whole day's. Either may take registrations, invitations or both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from festival.agenda.models import AgendaItem
from festival.checkin.models import Admits, CheckinList, Scan
from festival.core.errors import DomainError, NotFound
from festival.core.text import nfc, printable
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration.tickets import TicketClaims

OPENS_BEFORE = timedelta(hours=2)
NAME_MAX = 200


class Window(Enum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


def span(checkin_list: CheckinList) -> tuple[datetime, datetime]:
    """When scanning is open: the list's own times, else from OPENS_BEFORE the start until the end."""
    owner = checkin_list.item or checkin_list.festival
    opens = checkin_list.opens_at or owner.starts_at - OPENS_BEFORE
    closes = checkin_list.closes_at or owner.ends_at
    return opens, closes


def window(checkin_list: CheckinList, moment: datetime) -> Window:
    opens, closes = span(checkin_list)
    if moment < opens:
        return Window.NOT_OPEN
    if moment > closes:
        return Window.CLOSED
    return Window.OPEN


def admits_ticket(checkin_list: CheckinList, claims: TicketClaims, item_festival: int | None, year: int) -> bool:
    """Whether the ticket's claims are for this list's edition, festival day and item. `item_festival` is the
    festival day of the item the ticket admits (None for a whole-day ticket)."""
    if claims.year != year:
        return False
    ticket_festival = claims.festival_id if claims.item_id is None else item_festival
    if ticket_festival != checkin_list.festival_id:
        return False
    if checkin_list.item_id is None or claims.item_id is None:
        return True
    return claims.item_id == checkin_list.item_id


def admits_kind(checkin_list: CheckinList, invitation: bool) -> bool:
    if checkin_list.admits == Admits.BOTH.value:
        return True
    return (checkin_list.admits == Admits.INVITATIONS.value) == invitation


def default_name(item: AgendaItem | None) -> str:
    if item is not None:
        return item.title
    return _("Festival day entrance")


@dataclass
class ListData:
    name: str = ""
    item_id: int | None = None
    admits: str = Admits.BOTH.value
    reentry: bool = False
    opens_at: datetime | None = None
    closes_at: datetime | None = None


def _check(festival: LocalityFestival, data: ListData) -> AgendaItem | None:
    item = None
    if data.item_id is not None:
        item = db.session.get(AgendaItem, data.item_id)
        if item is None or item.festival_id != festival.id:
            raise DomainError(_l("Choose an agenda item of this festival day."), "item_not_found", field="item_id")
    if data.admits not in {a.value for a in Admits}:
        raise DomainError(_l("Choose which tickets the list admits."), "invalid_admits", field="admits")
    owner = item or festival
    opens = data.opens_at or owner.starts_at - OPENS_BEFORE
    closes = data.closes_at or owner.ends_at
    if closes <= opens:
        # One of the two may be the default: name the field that was typed (the closing time when both were).
        field = "closes_at" if data.closes_at or not data.opens_at else "opens_at"
        raise DomainError(_l("Check-in must close after it opens."), "window_order", field=field)
    return item


def save(festival: LocalityFestival, data: ListData, checkin_list: CheckinList | None = None) -> CheckinList:
    """Create or change a list of `festival`. Commits."""
    item = _check(festival, data)
    if checkin_list is None:
        checkin_list = CheckinList(festival_id=festival.id)
        db.session.add(checkin_list)
    checkin_list.item_id = item.id if item is not None else None
    checkin_list.name = printable(nfc(data.name), NAME_MAX) or default_name(item)
    checkin_list.admits = data.admits
    checkin_list.reentry = bool(data.reentry)
    checkin_list.opens_at = data.opens_at
    checkin_list.closes_at = data.closes_at
    db.session.commit()
    return checkin_list


def has_scans(checkin_list: CheckinList) -> bool:
    return db.session.scalar(select(Scan.id).where(Scan.list_id == checkin_list.id).limit(1)) is not None


def delete(checkin_list: CheckinList) -> None:
    """Delete a list nobody has scanned on yet (its scans and check-ins are the record of the day). Commits."""
    if has_scans(checkin_list):
        raise DomainError(
            _l("This list has scans: it cannot be deleted. Change its times to close it instead."), "list_has_scans"
        )
    db.session.delete(checkin_list)
    db.session.commit()


def _with_owner(statement):
    """With the festival day and the item loaded alongside: `span` needs their times, a scan needs `span`."""
    return statement.options(joinedload(CheckinList.festival), joinedload(CheckinList.item))


def lists_of(festival_id: int) -> list[CheckinList]:
    statement = select(CheckinList).where(CheckinList.festival_id == festival_id)
    return db.session.scalars(_with_owner(statement).order_by(CheckinList.item_id.is_not(None), CheckinList.id)).all()


def ensure_day_list(festival: LocalityFestival) -> CheckinList:
    """The festival day's entrance list, made with the defaults if the organizers made none. Commits when new."""
    found = db.session.scalar(
        select(CheckinList)
        .where(CheckinList.festival_id == festival.id, CheckinList.item_id.is_(None))
        .order_by(CheckinList.id)
        .limit(1)
    )
    return found or save(festival, ListData())


def get_for_festival(list_id: int, festival_id: int) -> CheckinList:
    """A list of this festival day; NotFound for any other (never saying it exists elsewhere)."""
    found = None
    if isinstance(list_id, int) and 0 < list_id < 2**31:
        found = db.session.scalar(_with_owner(select(CheckinList).where(CheckinList.id == list_id)))
    if found is None or found.festival_id != festival_id:
        raise NotFound(_l("This festival day has no such check-in list."), "list_not_found")
    return found
