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

Two intervals overlap when other.starts_at < end and other.ends_at > start. One item is checked with one indexed
query per kind (venue and start, folded name, organization); a whole program with one query per kind too, never one
per item, joining the program's items with the items held within its hours (see `for_program`). Measured by
bench/conflicts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.orm import aliased

from festival.agenda.models import AgendaItem, AgendaParticipant, AgendaPerson, ItemStatus, ParticipantRole
from festival.core.time import local_zone
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


class _When:
    """Local times shown as "08:00–08:30 10/08/2027", formatted only when the message is shown."""

    __slots__ = ("starts_at", "ends_at")

    def __init__(self, starts_at, ends_at):
        self.starts_at, self.ends_at = starts_at, ends_at

    def __str__(self) -> str:
        zone = local_zone()
        start, end = self.starts_at.astimezone(zone), self.ends_at.astimezone(zone)
        return f"{start:%H:%M}–{end:%H:%M} {start:%d/%m/%Y}"


@dataclass
class _Other:
    title: str
    locality: str
    starts_at: Any
    ends_at: Any


def _message(code: str, row, name: str = ""):
    where = {"other": row.title, "place": row.locality, "when": _When(row.starts_at, row.ends_at)}
    if code == "venue_overlap":
        return _l("The venue is also taken by “%(other)s” (%(place)s, %(when)s).", **where)
    if code == "person_overlap":
        return _l("%(person)s is also at “%(other)s” (%(place)s, %(when)s).", person=name, **where)
    return _l("%(organization)s also takes part in “%(other)s” (%(place)s, %(when)s).", organization=name, **where)


def _capacity(item_id: int, capacity: int, venue_name: str, venue_capacity: int) -> Conflict:
    return Conflict(
        "capacity_above_venue",
        item_id,
        None,
        None,
        _l(
            "The capacity (%(capacity)s) is above the capacity of %(venue)s (%(venue_capacity)s).",
            capacity=capacity,
            venue=venue_name,
            venue_capacity=venue_capacity,
        ),
    )


def _capacity_conflict(item: AgendaItem, venue: Venue | None) -> Conflict | None:
    if venue is None or venue.capacity is None or item.capacity is None or item.capacity <= venue.capacity:
        return None
    return _capacity(item.id, item.capacity, venue.name, venue.capacity)


# An item lies within one festival day, so it is shorter than a day: whatever overlaps an item starts less than a
# day before it. That lower bound turns every "starts before my end" into a bounded range of the start indexes.
LONGEST_ITEM = timedelta(days=1)

# Built once: an alias made per call costs milliseconds of SQLAlchemy's own work.
_OTHER = aliased(AgendaItem, name="other")
_OTHER_FESTIVAL = aliased(LocalityFestival, name="other_festival")
_ITEM_COLUMNS = (
    _OTHER.id.label("other_id"),
    _OTHER.festival_id.label("other_festival_id"),
    _OTHER.title.label("title"),
    _OTHER.starts_at.label("starts_at"),
    _OTHER.ends_at.label("ends_at"),
    Locality.full_name.label("locality"),
    func.coalesce(_OTHER.venue_id, _OTHER_FESTIVAL.venue_id).label("other_place"),
)


def _joined(stmt):
    """Reach the other item's festival and locality (named in the messages)."""
    return stmt.join(_OTHER_FESTIVAL, _OTHER_FESTIVAL.id == _OTHER.festival_id).join(
        Locality, Locality.id == _OTHER_FESTIVAL.locality_id
    )


def _live(item) -> Any:
    return item.status != ItemStatus.CANCELLED.value


def for_item(item: AgendaItem) -> list[Conflict]:
    """The conflicts of one item against every other item it overlaps, in any festival: three indexed queries."""
    if item.status == ItemStatus.CANCELLED or item.id is None:
        return []
    other = _OTHER
    overlap = and_(
        other.id != item.id,
        _live(other),
        other.starts_at < item.ends_at,
        other.starts_at > item.starts_at - LONGEST_ITEM,  # a bounded range of the venue-and-start index
        other.ends_at > item.starts_at,
    )
    found: list[Conflict] = []

    if item.venue_id is not None:
        stmt = _joined(select(*_ITEM_COLUMNS).where(other.venue_id == item.venue_id, overlap))
        for row in db.session.execute(stmt.order_by(other.starts_at, other.id)):
            found.append(
                Conflict("venue_overlap", item.id, row.other_id, row.other_festival_id, _message("venue_overlap", row))
            )

    people = {p.name_key: p.full_name for p in item.people}
    if people:
        stmt = _joined(
            select(*_ITEM_COLUMNS, AgendaPerson.name_key.label("key"))
            .select_from(AgendaPerson)
            .join(other, other.id == AgendaPerson.item_id)
            .where(AgendaPerson.name_key.in_(list(people)), overlap)
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
            select(*_ITEM_COLUMNS, AgendaParticipant.organization_id.label("organization_id"))
            .select_from(AgendaParticipant)
            .join(other, other.id == AgendaParticipant.item_id)
            .where(
                AgendaParticipant.organization_id.in_(list(organizations)),
                AgendaParticipant.role.in_(PRESENT_ROLES),
                overlap,
            )
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


_ITEMS = AgendaItem.__table__
_PEOPLE = AgendaPerson.__table__
_PARTICIPANTS = AgendaParticipant.__table__


def _sides(festival: LocalityFestival, key_columns, key_table=None, key_where=()):
    """Two materialized sets joined on their key: the program's live items (with a key: a venue, a folded name, an
    organization) and the live items of any festival within the festival's hours (an indexed range of starts),
    with the same kind of key. Both are small whatever the history, and joined by key and overlap."""
    cancelled = ItemStatus.CANCELLED.value

    def side(name: str, where) -> Any:
        columns = [
            _ITEMS.c.id,
            _ITEMS.c.festival_id,
            _ITEMS.c.title,
            _ITEMS.c.starts_at,
            _ITEMS.c.ends_at,
            _ITEMS.c.venue_id,
            *key_columns,
        ]
        source = _ITEMS if key_table is None else key_table.join(_ITEMS, _ITEMS.c.id == key_table.c.item_id)
        return (
            select(*columns)
            .select_from(source)
            .where(_ITEMS.c.status != cancelled, *key_where, *where)
            .cte(name)
            .prefix_with("MATERIALIZED")
        )

    program = side("program_side", [_ITEMS.c.festival_id == festival.id])
    window = side(
        "window_side",
        [
            _ITEMS.c.starts_at < festival.ends_at,
            _ITEMS.c.starts_at > festival.starts_at - LONGEST_ITEM,
            _ITEMS.c.ends_at > festival.starts_at,
        ],
    )
    a, b = program.c, window.c
    pair = and_(
        b.id != a.id,
        b.starts_at < a.ends_at,
        b.ends_at > a.starts_at,
        or_(b.festival_id != festival.id, b.id > a.id),  # a pair inside the program once
    )
    columns = (
        a.id.label("item_id"),
        a.venue_id.label("item_venue_id"),
        b.id.label("other_id"),
        b.festival_id.label("other_festival_id"),
        b.title.label("title"),
        b.starts_at.label("starts_at"),
        b.ends_at.label("ends_at"),
        b.venue_id.label("venue_id"),
    )
    return program, window, pair, columns


def for_program(festival: LocalityFestival) -> list[Conflict]:
    """Every conflict of a program's items, each pair once (a pair inside the program is reported on the smaller
    id), in six queries whatever the program's size and the history: one per kind, then the names the messages
    show.

    Each kind joins two small materialized sets by key and overlap: the program's items, and the items of any
    festival within the festival's hours (a range of the start index, never the whole history of a person or an
    organization).
    """
    pairs: list[tuple[str, Any, Any]] = []
    connection = db.session.connection()
    run = connection.execute  # plain Core statements: no ORM step per query
    if connection.dialect.name == "postgresql":
        # Plan these joins for this festival's hours: once psycopg has prepared them (after five runs), PostgreSQL
        # would switch to a generic plan that, blind to how few items the hours hold, nests loops over both sets
        # (measured: 28–50 ms instead of 2–9 ms per query). Until the transaction ends.
        run(text("SET LOCAL plan_cache_mode = force_custom_plan"))

    # Venues: each program item looks up its venue's items by the venue-and-start index, a bounded range.
    program, _window, _pair, _columns = _sides(festival, [], key_where=[_ITEMS.c.venue_id.is_not(None)])
    a, b = program.c, _ITEMS.c
    stmt = (
        select(
            a.id.label("item_id"),
            a.venue_id.label("item_venue_id"),
            b.id.label("other_id"),
            b.festival_id.label("other_festival_id"),
            b.title,
            b.starts_at,
            b.ends_at,
            b.venue_id,
        )
        .select_from(program)
        .join(
            _ITEMS,
            and_(
                b.venue_id == a.venue_id,
                b.starts_at < a.ends_at,
                b.starts_at > festival.starts_at - LONGEST_ITEM,
                b.ends_at > a.starts_at,
                b.id != a.id,
                b.status != ItemStatus.CANCELLED.value,
                or_(b.festival_id != festival.id, b.id > a.id),
            ),
        )
    )
    pairs += [("venue_overlap", row, "") for row in run(stmt.order_by("item_id", "other_id"))]

    program, window, pair, columns = _sides(festival, [_PEOPLE.c.name_key, _PEOPLE.c.full_name], _PEOPLE)
    stmt = select(*columns, program.c.name_key.label("key"), program.c.full_name.label("name")).select_from(
        program.join(window, and_(window.c.name_key == program.c.name_key, pair))
    )
    seen = set()
    for row in run(stmt.order_by("item_id", "other_id")):
        if (row.item_id, row.other_id, row.key) not in seen:  # the same person twice in an item: once
            seen.add((row.item_id, row.other_id, row.key))
            pairs.append(("person_overlap", row, row.name))

    program, window, pair, columns = _sides(
        festival, [_PARTICIPANTS.c.organization_id], _PARTICIPANTS, [_PARTICIPANTS.c.role.in_(PRESENT_ROLES)]
    )
    stmt = select(*columns, program.c.organization_id.label("key")).select_from(
        program.join(window, and_(window.c.organization_id == program.c.organization_id, pair))
    )
    home = festival.venue_id
    seen = set()
    for row in run(stmt.order_by("item_id", "other_id")):
        if row.other_festival_id == festival.id and (row.item_venue_id or home) == (row.venue_id or home):
            continue  # the same place of the program: the organization stays where it is
        if (row.item_id, row.other_id, row.key) not in seen:
            seen.add((row.item_id, row.other_id, row.key))
            pairs.append(("organization_overlap", row, row.key))

    found: list[Conflict] = []
    if pairs:
        festival_ids = {row.other_festival_id for _code, row, _name in pairs}
        org_ids = {name for code, _row, name in pairs if code == "organization_overlap"}
        places = dict(
            run(
                select(LocalityFestival.id, Locality.full_name)
                .join(Locality, Locality.id == LocalityFestival.locality_id)
                .where(LocalityFestival.id.in_(festival_ids))
            ).all()
        )
        org_names = (
            dict(
                db.session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all()
            )
            if org_ids
            else {}
        )
        for code, row, name in pairs:
            shown = _Other(row.title, places.get(row.other_festival_id, ""), row.starts_at, row.ends_at)
            if code == "organization_overlap":
                name = org_names.get(name, "")
            found.append(Conflict(code, row.item_id, row.other_id, row.other_festival_id, _message(code, shown, name)))

    venues, items = Venue.__table__.c, _ITEMS.c
    rows = run(
        select(items.id, items.capacity, venues.name, venues.capacity.label("venue_capacity"))
        .join_from(_ITEMS, Venue.__table__, venues.id == items.venue_id)
        .where(
            items.festival_id == festival.id,
            items.status != ItemStatus.CANCELLED.value,
            items.capacity > venues.capacity,
        )
        .order_by(items.id)
    ).all()
    for row in rows:
        found.append(_capacity(row.id, row.capacity, row.name, row.venue_capacity))
    order = {"venue_overlap": 0, "person_overlap": 1, "organization_overlap": 2, "capacity_above_venue": 3}
    found.sort(key=lambda c: (order[c.code], c.item_id, c.other_item_id or 0))
    return found
