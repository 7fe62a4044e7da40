"""Double bookings of a festival program: warnings, never errors (the item is saved and the conflict listed
until resolved).

Codes:
- `venue_overlap`: the same venue at overlapping times, in any festival;
- `person_overlap`: the same person (by `AgendaPerson.name_key`, the folded full name) in two overlapping items of
  any festival: a district police officer cannot be at two commune festivals at once;
- `organization_overlap`: the same organization as host, co-organizer, performer or signatory of two overlapping
  items at different places (another venue or another festival; an item without a venue is at its festival's);
- `capacity_above_venue`: an item's capacity above its venue's.
Cancelled items never conflict.

Two intervals overlap when other.starts_at < end and other.ends_at > start: one indexed range per conflict kind
(venue and start, folded name, organization), and a whole program is checked with one query per kind, never one
per item.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from festival.agenda.models import AgendaItem, AgendaParticipant, AgendaPerson, ItemStatus, ParticipantRole
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization, Venue

# Roles that put an organization's people on the spot; a sponsor or an awardee can be in two places at once.
PRESENT_ROLES = (
    ParticipantRole.HOST.value,
    ParticipantRole.CO_ORGANIZER.value,
    ParticipantRole.PERFORMER.value,
    ParticipantRole.SIGNATORY.value,
)


@dataclass
class Conflict:
    code: str
    item_id: int
    other_item_id: int | None
    other_festival_id: int | None
    message: Any  # a lazy Flask-Babel string naming the other item, its festival's locality and its time


def _when(starts_at, ends_at) -> str:
    start, end = to_local(starts_at), to_local(ends_at)
    return f"{start:%H:%M}–{end:%H:%M} {start:%d/%m/%Y}"


def _message(code: str, row, name: str = ""):
    where = {"other": row.title, "place": row.locality, "when": _when(row.starts_at, row.ends_at)}
    if code == "venue_overlap":
        return _l("The venue is also taken by “%(other)s” (%(place)s, %(when)s).", **where)
    if code == "person_overlap":
        return _l("%(person)s is also at “%(other)s” (%(place)s, %(when)s).", person=name, **where)
    return _l("%(organization)s also takes part in “%(other)s” (%(place)s, %(when)s).", organization=name, **where)


def _capacity_conflict(item: AgendaItem, venue: Venue | None) -> Conflict | None:
    if venue is None or venue.capacity is None or item.capacity is None or item.capacity <= venue.capacity:
        return None
    return Conflict(
        "capacity_above_venue",
        item.id,
        None,
        None,
        _l(
            "The capacity (%(capacity)s) is above the capacity of %(venue)s (%(venue_capacity)s).",
            capacity=item.capacity,
            venue=venue.name,
            venue_capacity=venue.capacity,
        ),
    )


def _others(other):
    """The columns naming the other item in a message, and the joins that reach its festival's locality."""
    other_festival = aliased(LocalityFestival)
    columns = (
        other.id.label("other_id"),
        other.festival_id.label("other_festival_id"),
        other.title.label("title"),
        other.starts_at.label("starts_at"),
        other.ends_at.label("ends_at"),
        Locality.full_name.label("locality"),
        func.coalesce(other.venue_id, other_festival.venue_id).label("other_place"),
    )
    return columns, other_festival


def _joined(stmt, other, other_festival):
    return stmt.join(other_festival, other_festival.id == other.festival_id).join(
        Locality, Locality.id == other_festival.locality_id
    )


def _live(item) -> Any:
    return item.status != ItemStatus.CANCELLED.value


def for_item(item: AgendaItem) -> list[Conflict]:
    """The conflicts of one item against every other item it overlaps, in any festival: three indexed queries."""
    if item.status == ItemStatus.CANCELLED or item.id is None:
        return []
    other = aliased(AgendaItem)
    columns, other_festival = _others(other)
    overlap = and_(other.id != item.id, _live(other), other.starts_at < item.ends_at, other.ends_at > item.starts_at)
    found: list[Conflict] = []

    if item.venue_id is not None:
        stmt = _joined(select(*columns).where(other.venue_id == item.venue_id, overlap), other, other_festival)
        for row in db.session.execute(stmt.order_by(other.starts_at, other.id)):
            found.append(
                Conflict("venue_overlap", item.id, row.other_id, row.other_festival_id, _message("venue_overlap", row))
            )

    people = {p.name_key: p.full_name for p in item.people}
    if people:
        stmt = _joined(
            select(*columns, AgendaPerson.name_key.label("key"))
            .select_from(AgendaPerson)
            .join(other, other.id == AgendaPerson.item_id)
            .where(AgendaPerson.name_key.in_(list(people)), overlap),
            other,
            other_festival,
        )
        seen = set()
        for row in db.session.execute(stmt.order_by(other.starts_at, other.id)):
            if (row.other_id, row.key) in seen:
                continue
            seen.add((row.other_id, row.key))
            found.append(
                Conflict(
                    "person_overlap",
                    item.id,
                    row.other_id,
                    row.other_festival_id,
                    _message("person_overlap", row, people[row.key]),
                )
            )

    organizations = {p.organization_id: p.organization.name for p in item.participants if p.role in PRESENT_ROLES}
    if organizations:
        place = item.venue_id if item.venue_id is not None else item.festival.venue_id
        stmt = _joined(
            select(*columns, AgendaParticipant.organization_id.label("organization_id"))
            .select_from(AgendaParticipant)
            .join(other, other.id == AgendaParticipant.item_id)
            .where(
                AgendaParticipant.organization_id.in_(list(organizations)),
                AgendaParticipant.role.in_(PRESENT_ROLES),
                overlap,
            ),
            other,
            other_festival,
        )
        seen = set()
        for row in db.session.execute(stmt.order_by(other.starts_at, other.id)):
            if row.other_festival_id == item.festival_id and row.other_place == place:
                continue  # the same place: the organization stays where it is
            if (row.other_id, row.organization_id) in seen:
                continue
            seen.add((row.other_id, row.organization_id))
            found.append(
                Conflict(
                    "organization_overlap",
                    item.id,
                    row.other_id,
                    row.other_festival_id,
                    _message("organization_overlap", row, organizations[row.organization_id]),
                )
            )

    capacity = _capacity_conflict(item, item.venue)
    if capacity is not None:
        found.append(capacity)
    return found


def for_program(festival: LocalityFestival) -> list[Conflict]:
    """Every conflict of a program's items, each pair once (a pair inside the program is reported on the earlier
    id), in four queries whatever the program's size."""
    mine = aliased(AgendaItem)
    other = aliased(AgendaItem)
    columns, other_festival = _others(other)
    overlap = and_(
        mine.festival_id == festival.id,
        _live(mine),
        _live(other),
        other.id != mine.id,
        other.starts_at < mine.ends_at,
        other.ends_at > mine.starts_at,
        # Each pair inside the program once.
        or_(other.festival_id != festival.id, other.id > mine.id),
    )
    found: list[Conflict] = []

    stmt = _joined(
        select(mine.id.label("item_id"), *columns)
        .select_from(mine)
        .join(other, and_(other.venue_id == mine.venue_id, overlap)),
        other,
        other_festival,
    )
    for row in db.session.execute(stmt.order_by(mine.id, other.starts_at, other.id)):
        found.append(
            Conflict("venue_overlap", row.item_id, row.other_id, row.other_festival_id, _message("venue_overlap", row))
        )

    mine_person = aliased(AgendaPerson)
    other_person = aliased(AgendaPerson)
    stmt = _joined(
        select(
            mine.id.label("item_id"), mine_person.full_name.label("name"), mine_person.name_key.label("key"), *columns
        )
        .select_from(mine_person)
        .join(mine, mine.id == mine_person.item_id)
        .join(other_person, other_person.name_key == mine_person.name_key)
        .join(other, and_(other.id == other_person.item_id, overlap)),
        other,
        other_festival,
    )
    seen: set = set()
    for row in db.session.execute(stmt.order_by(mine.id, other.starts_at, other.id)):
        if (row.item_id, row.other_id, row.key) in seen:
            continue
        seen.add((row.item_id, row.other_id, row.key))
        found.append(
            Conflict(
                "person_overlap",
                row.item_id,
                row.other_id,
                row.other_festival_id,
                _message("person_overlap", row, row.name),
            )
        )

    mine_part = aliased(AgendaParticipant)
    other_part = aliased(AgendaParticipant)
    stmt = _joined(
        select(
            mine.id.label("item_id"),
            mine.venue_id.label("venue_id"),
            Organization.name.label("name"),
            mine_part.organization_id.label("organization_id"),
            *columns,
        )
        .select_from(mine_part)
        .join(mine, mine.id == mine_part.item_id)
        .join(Organization, Organization.id == mine_part.organization_id)
        .join(
            other_part,
            and_(other_part.organization_id == mine_part.organization_id, other_part.role.in_(PRESENT_ROLES)),
        )
        .join(other, and_(other.id == other_part.item_id, overlap))
        .where(mine_part.role.in_(PRESENT_ROLES)),
        other,
        other_festival,
    )
    seen = set()
    for row in db.session.execute(stmt.order_by(mine.id, other.starts_at, other.id)):
        place = row.venue_id if row.venue_id is not None else festival.venue_id
        if row.other_festival_id == festival.id and row.other_place == place:
            continue
        if (row.item_id, row.other_id, row.organization_id) in seen:
            continue
        seen.add((row.item_id, row.other_id, row.organization_id))
        found.append(
            Conflict(
                "organization_overlap",
                row.item_id,
                row.other_id,
                row.other_festival_id,
                _message("organization_overlap", row, row.name),
            )
        )

    rows = db.session.execute(
        select(mine, Venue)
        .join(Venue, Venue.id == mine.venue_id)
        .where(
            mine.festival_id == festival.id,
            _live(mine),
            mine.capacity.is_not(None),
            Venue.capacity.is_not(None),
            mine.capacity > Venue.capacity,
        )
        .order_by(mine.id)
    ).all()
    for item, venue in rows:
        conflict = _capacity_conflict(item, venue)
        if conflict is not None:
            found.append(conflict)
    return found
