"""Agenda items of a festival day: the rules of saving, ordering, publishing and the change log.

Times are given as local wall-clock times (Asia/Ho_Chi_Minh) on the festival's local day and stored as aware UTC.
An end not after the start is an error (`time_order`): a festival day itself never runs past midnight (its own
end must come after its start on the same day), so an item that would is always outside the day as well.

Errors (coded `DomainError`s, nothing saved) and warnings: times out of order or outside the festival day, an
unknown part, kind or role, a venue or an organization of another province are errors; double bookings (the same
venue, person or organization twice at once, a capacity above the venue's) are warnings, returned with the saved
item (`SaveResult.warnings`, see festival/agenda/conflicts.py).

After an item has been published, every change of its title, start, end, venue or status raises its `revision`
(the calendar feeds' SEQUENCE) and writes an `AgendaChange` with the fields before and after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from festival.agenda import conflicts
from festival.agenda.conflicts import Conflict
from festival.agenda.models import (
    AgendaChange,
    AgendaItem,
    AgendaParticipant,
    AgendaPerson,
    Commendation,
    ItemKind,
    ItemStatus,
    Part,
    ParticipantRole,
    Signing,
    SigningParty,
)
from festival.agenda.rules import NAME_MAX, TITLE_MAX, check_version, commit, in_province_or_above, province_path
from festival.core.errors import DomainError, NotFound
from festival.core.text import nfc, search_key
from festival.core.time import local_to_utc, to_local, utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.organizations.models import Organization, Venue

CAPACITY_MAX = 1_000_000
# The fields whose change, once an item is published, raises its revision and is written to the change log.
REVISED_FIELDS = ("title", "starts_at", "ends_at", "venue_id", "status")


@dataclass
class PersonData:
    full_name: str
    position_title: str = ""


@dataclass
class ParticipantData:
    organization: Organization
    role: str


@dataclass
class ItemData:
    part: str
    kind: str
    title: str
    start: time
    end: time
    day: date | None = None  # the festival's local day when None
    description: str = ""
    venue: Venue | None = None
    capacity: int | None = None
    takes_registrations: bool = False
    people: list[PersonData] = field(default_factory=list)
    participants: list[ParticipantData] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class SaveResult:
    item: AgendaItem
    warnings: list[Conflict]


@dataclass
class ItemChanges:
    item: AgendaItem
    revision: int
    changes: list[AgendaChange]  # newest first


@dataclass
class Program:
    festival: LocalityFestival
    ceremony: list[AgendaItem]
    festivities: list[AgendaItem]
    commendations: list[Commendation]
    signings: list[Signing]

    @property
    def items(self) -> list[AgendaItem]:
        return self.ceremony + self.festivities


# --- checks ------------------------------------------------------------------------------------------------------


def _check_times(festival: LocalityFestival, day: date, start: time, end: time) -> tuple[datetime, datetime]:
    if start is None or end is None:
        raise DomainError(
            _l("Give the start and end times."), "time_required", field="start" if start is None else "end"
        )
    starts_at = local_to_utc(day, start)
    ends_at = local_to_utc(day, end)
    if ends_at <= starts_at:
        raise DomainError(_l("The item must end after it starts."), "time_order", field="end")
    if starts_at < festival.starts_at or ends_at > festival.ends_at:
        raise DomainError(
            _l(
                "The item must take place within the festival day (%(day)s, %(start)s–%(end)s).",
                day=festival.local_start.strftime("%d/%m/%Y"),
                start=festival.local_start.strftime("%H:%M"),
                end=festival.local_end.strftime("%H:%M"),
            ),
            "outside_festival_day",
            field="start",
        )
    return starts_at, ends_at


def _check_title(title: str) -> str:
    title = nfc(title)
    if not title:
        raise DomainError(_l("Give the item a title."), "title_required", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            _l("The title can have at most %(n)s characters.", n=TITLE_MAX), "title_too_long", field="title"
        )
    return title


def _check_part_kind(part: str, kind: str) -> tuple[Part, ItemKind]:
    try:
        part_enum = Part(part)
    except ValueError:
        raise DomainError(_l("Unknown part of the program."), "part_unknown", field="part") from None
    try:
        kind_enum = ItemKind(kind)
    except ValueError:
        raise DomainError(_l("Unknown kind of item."), "kind_unknown", field="kind") from None
    if kind_enum is not ItemKind.OTHER and kind_enum.part is not part_enum:
        raise DomainError(
            _l("%(kind)s belongs to the %(part)s.", kind=kind_enum.label, part=kind_enum.part.label),
            "kind_unknown",
            field="kind",
        )
    return part_enum, kind_enum


def _check_capacity(capacity: int | None) -> None:
    if capacity is not None and not 0 < capacity <= CAPACITY_MAX:
        raise DomainError(
            _l("The capacity must be a whole number from 1 to %(n)s.", n=f"{CAPACITY_MAX:,}".replace(",", ".")),
            "capacity_invalid",
            field="capacity",
        )


def _check_venue(festival: LocalityFestival, venue: Venue | None) -> None:
    if venue is not None and not venue.locality.path.startswith(province_path(festival.locality.path)):
        raise DomainError(_l("The venue must lie in the festival’s province."), "venue_outside_province", field="venue")


def check_organization(festival: LocalityFestival, organization: Organization, field_name: str) -> None:
    if not in_province_or_above(organization.locality.path, festival.locality.path):
        raise DomainError(
            _l(
                "%(name)s belongs to another province: only organizations of this province or of a level above it "
                "can take part.",
                name=organization.name,
            ),
            "organization_outside_province",
            field=field_name,
        )


def _clean_people(people: list[PersonData]) -> list[tuple[str, str]]:
    cleaned = []
    for person in people:
        name, position = nfc(person.full_name), nfc(person.position_title)
        if not name:
            raise DomainError(_l("Give each person’s full name."), "person_name_required", field="people")
        if len(name) > NAME_MAX or len(position) > NAME_MAX:
            raise DomainError(
                _l("Names and positions can have at most %(n)s characters.", n=NAME_MAX),
                "person_name_too_long",
                field="people",
            )
        cleaned.append((name, position))
    return cleaned


def _clean_participants(festival: LocalityFestival, participants: list[ParticipantData]) -> list[tuple[int, str]]:
    cleaned: list[tuple[int, str]] = []
    for participant in participants:
        try:
            ParticipantRole(participant.role)
        except ValueError:
            raise DomainError(_l("Unknown role."), "role_unknown", field="participants") from None
        check_organization(festival, participant.organization, "participants")
        key = (participant.organization.id, participant.role)
        if key not in cleaned:  # the same organization twice in the same role is one participation
            cleaned.append(key)
    return cleaned


# --- the change log ----------------------------------------------------------------------------------------------


def _revised_values(item: AgendaItem) -> dict:
    return {name: getattr(item, name) for name in REVISED_FIELDS}


def _shown(name: str, value, venues: dict[int, str]):
    if value is None:
        return None
    if name in ("starts_at", "ends_at"):
        return to_local(value).isoformat()
    if name == "venue_id":
        return venues.get(value, str(value))
    return value


def _record_revision(item: AgendaItem, before: dict | None, user) -> None:
    """Raise the revision and log the change when a published (or published then cancelled) item changed."""
    if before is None or item.published_at is None:
        return
    after = _revised_values(item)
    changed = [name for name in REVISED_FIELDS if before[name] != after[name]]
    if not changed:
        return
    venues = {}
    venue_ids = {v for n in changed if n == "venue_id" for v in (before[n], after[n]) if v is not None}
    if venue_ids:
        venues = dict(db.session.execute(select(Venue.id, Venue.name).where(Venue.id.in_(venue_ids))).all())
    item.revision = (item.revision or 1) + 1
    key = {"venue_id": "venue"}
    db.session.add(
        AgendaChange(
            item=item,
            festival_id=item.festival_id,
            revision=item.revision,
            changed_at=utcnow(),
            user_id=getattr(user, "id", None),
            changes={
                key.get(name, name): [_shown(name, before[name], venues), _shown(name, after[name], venues)]
                for name in changed
            },
        )
    )


# --- saving ------------------------------------------------------------------------------------------------------


def _next_position(festival_id: int, part: str) -> int:
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.festival_id == festival_id, AgendaItem.part == part)
    )
    return (last or 0) + 1


def _set_people(item: AgendaItem, people: list[tuple[str, str]]) -> None:
    current = [(p.full_name, p.position_title) for p in item.people]
    if current == people:
        return
    spare = list(item.people)
    rows = []
    for index, (name, position) in enumerate(people, start=1):
        row = spare.pop(0) if spare else AgendaPerson()
        row.full_name, row.position_title, row.name_key, row.position = name, position, search_key(name), index
        rows.append(row)
    item.people = rows


def _set_participants(item: AgendaItem, participants: list[tuple[int, str]], by_id: dict[int, Organization]) -> None:
    existing = {(p.organization_id, p.role): p for p in item.participants}
    if list(existing) == participants:
        return
    item.participants = [
        existing.get(key) or AgendaParticipant(organization=by_id[key[0]], role=key[1]) for key in participants
    ]


def _apply_status(item: AgendaItem, cancelled: bool) -> None:
    if cancelled and item.status != ItemStatus.CANCELLED:
        item.status = ItemStatus.CANCELLED.value
        item.cancelled_at = utcnow()
    elif not cancelled and item.status == ItemStatus.CANCELLED:
        item.status = (ItemStatus.PUBLISHED if item.published_at is not None else ItemStatus.DRAFT).value
        item.cancelled_at = None


def save_item(
    festival: LocalityFestival,
    data: ItemData,
    item: AgendaItem | None = None,
    *,
    expected_version: int | None = None,
    user=None,
) -> SaveResult:
    """Create (item=None) or update an item; raise a coded `DomainError` (nothing saved) or return the saved item
    and its conflicts (warnings).

    A new item goes to the end of its part and is a draft, even in a published program, until the next publish.
    The people and participants given replace the item's.
    """
    if item is not None and item.festival_id != festival.id:
        raise NotFound(_l("This item is not part of this festival day."), "item_not_found")
    check_version(item, expected_version)
    title = _check_title(data.title)
    part, kind = _check_part_kind(data.part, data.kind)
    starts_at, ends_at = _check_times(festival, data.day or festival.local_start.date(), data.start, data.end)
    _check_capacity(data.capacity)
    grown_quota = registration_capacity(item, data.capacity) if item is not None else None
    _check_venue(festival, data.venue)
    people = _clean_people(data.people)
    participants = _clean_participants(festival, data.participants)

    # One flush at the commit: the queries below (positions, the people) must not flush half a change.
    with db.session.no_autoflush:
        before = None
        if item is None:
            item = AgendaItem(
                festival=festival,
                part=part.value,
                position=_next_position(festival.id, part.value),
                status=ItemStatus.DRAFT.value,
                revision=1,
            )
            db.session.add(item)
        else:
            before = _revised_values(item)
            if item.part != part.value:
                old_part = item.part
                item.part = part.value
                item.position = _next_position(festival.id, part.value)
                _renumber(festival, old_part, exclude=item.id)
        item.kind = kind.value
        item.title = title
        item.description = nfc(data.description)
        item.starts_at, item.ends_at = starts_at, ends_at
        item.venue_id = data.venue.id if data.venue is not None else None  # read by the change log before the flush
        item.venue = data.venue
        item.capacity = data.capacity
        item.takes_registrations = bool(data.takes_registrations)
        _apply_status(item, data.cancelled)
        _set_people(item, people)
        _set_participants(item, participants, {p.organization.id: p.organization for p in data.participants})
        # Always a change of the row itself, so that its version moves even when only people or participants did.
        item.updated_at = utcnow()
        _record_revision(item, before, user)
    commit()
    if grown_quota is not None:
        from festival.registration.services import promote_waiting

        promote_waiting(grown_quota)
    return SaveResult(item=item, warnings=conflicts.for_item(item))


def registration_capacity(item: AgendaItem, capacity: int | None):
    """The item's registrations follow its capacity (festival/registration/services.py)."""
    from festival.registration.quotas import follow_item_capacity

    return follow_item_capacity(item, capacity)


def set_times(
    item: AgendaItem, start: time, end: time, *, expected_version: int | None = None, user=None
) -> SaveResult:
    """Change an item's local start and end times on its day (the timetable's in-place edit); same rules as
    `save_item`."""
    check_version(item, expected_version)
    festival = item.festival
    starts_at, ends_at = _check_times(festival, item.local_start.date(), start, end)
    before = _revised_values(item)
    item.starts_at, item.ends_at = starts_at, ends_at
    item.updated_at = utcnow()
    _record_revision(item, before, user)
    commit()
    return SaveResult(item=item, warnings=conflicts.for_item(item))


def delete_item(item: AgendaItem, *, expected_version: int | None = None) -> None:
    """Delete a draft item; one that has been published must be cancelled instead (`published_item_delete`), so
    that it stays visible as cancelled."""
    check_version(item, expected_version)
    if item.published_at is not None:
        raise DomainError(
            _l("A published item cannot be deleted: cancel it instead, so that everyone sees it is cancelled."),
            "published_item_delete",
        )
    from festival.registration.quotas import has_registrations

    if has_registrations(item):
        raise DomainError(
            _l("This item has registrations or invitations: cancel it instead of deleting it."),
            "item_has_registrations",
        )
    festival, part, item_id = item.festival, item.part, item.id
    db.session.delete(item)
    _renumber(festival, part, exclude=item_id)
    commit()


def shift_items(festival: LocalityFestival, delta: timedelta, user=None, *, commit_now: bool = True) -> int:
    """Move every item of a festival by `delta` (its day moved), published ones with a new revision; returns how
    many moved. The festival's own times are the caller's to change (`commit_now=False`: in the caller's
    transaction, which commits)."""
    if not delta:
        return 0
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.festival_id == festival.id)))
    with db.session.no_autoflush:
        for item in items:
            before = _revised_values(item)
            item.starts_at, item.ends_at = item.starts_at + delta, item.ends_at + delta
            _record_revision(item, before, user)
    if commit_now:
        commit()
    return len(items)


# --- order -------------------------------------------------------------------------------------------------------


def _part_items(festival: LocalityFestival, part: str) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.festival_id == festival.id, AgendaItem.part == part)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def _renumber(festival: LocalityFestival, part: str, exclude: int | None = None) -> None:
    rows = [i for i in _part_items(festival, part) if i.id != exclude]
    for index, row in enumerate(rows, start=1):
        if row.position != index:
            row.position = index


def reorder(festival: LocalityFestival, part: str, ordered_ids: list[int]) -> None:
    """Number a part's items 1..n in the given order; the ids must be exactly that part's items (`order_mismatch`)."""
    items = _part_items(festival, part)
    if len(ordered_ids) != len(set(ordered_ids)) or set(ordered_ids) != {i.id for i in items}:
        raise DomainError(
            _l("The program changed meanwhile: reload the page and order it again."), "order_mismatch", status=409
        )
    by_id = {i.id: i for i in items}
    for index, item_id in enumerate(ordered_ids, start=1):
        if by_id[item_id].position != index:
            by_id[item_id].position = index
    commit()


def move(item: AgendaItem, direction: int) -> None:
    """Move an item one place up (-1) or down (+1) within its part; at either end nothing moves."""
    items = _part_items(item.festival, item.part)
    index = next(i for i, row in enumerate(items) if row.id == item.id)
    target = index + (1 if direction > 0 else -1)
    if direction == 0 or not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, row in enumerate(items, start=1):
        if row.position != position:
            row.position = position
    commit()


# --- publishing --------------------------------------------------------------------------------------------------


def publish_program(festival: LocalityFestival, user=None) -> int:
    """Publish every draft item; returns how many. An empty program is refused (`program_empty`)."""
    items = list(db.session.scalars(select(AgendaItem).where(AgendaItem.festival_id == festival.id)))
    if not items:
        raise DomainError(_l("Add at least one item before publishing the program."), "program_empty")
    now = utcnow()
    published = 0
    for item in items:
        if item.status == ItemStatus.DRAFT:
            item.status = ItemStatus.PUBLISHED.value
            item.published_at = now
            published += 1
    if festival.program_published_at is None:
        festival.program_published_at = now
    commit()
    return published


def changes_since_publishing(festival: LocalityFestival) -> list[ItemChanges]:
    """Items changed after their first publishing, in program order, with their change rows newest first."""
    rows = db.session.scalars(
        select(AgendaChange)
        .where(AgendaChange.festival_id == festival.id)
        .order_by(AgendaChange.revision.desc(), AgendaChange.id.desc())
    ).all()
    if not rows:
        return []
    by_item: dict[int, list[AgendaChange]] = {}
    for row in rows:
        by_item.setdefault(row.item_id, []).append(row)
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.id.in_(by_item))
        .options(selectinload(AgendaItem.venue))
        .order_by(AgendaItem.part, AgendaItem.position, AgendaItem.id)
    ).all()
    return [ItemChanges(item=item, revision=item.revision, changes=by_item[item.id]) for item in items]


def program(festival: LocalityFestival) -> Program:
    """The organizer's view of a program, in six queries whatever its size: the items (venue joined; people, and
    participants with their organization joined), the commendations (organization and residential area joined)
    and the signings (parties with their organization joined). Many-to-one records come in their rows' query, so
    that a page showing the program with its session, festival and conflict queries stays within fifteen."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.festival_id == festival.id)
        .options(
            joinedload(AgendaItem.venue),
            selectinload(AgendaItem.people),
            selectinload(AgendaItem.participants).joinedload(AgendaParticipant.organization),
        )
        .order_by(AgendaItem.part, AgendaItem.position, AgendaItem.id)
    ).all()
    commendations = db.session.scalars(
        select(Commendation)
        .join(Commendation.item)
        .where(AgendaItem.festival_id == festival.id)
        .options(joinedload(Commendation.organization), joinedload(Commendation.locality))
        .order_by(AgendaItem.part, AgendaItem.position, Commendation.position, Commendation.id)
    ).all()
    signings = db.session.scalars(
        select(Signing)
        .join(Signing.item)
        .where(AgendaItem.festival_id == festival.id)
        .options(selectinload(Signing.parties).joinedload(SigningParty.organization))
        .order_by(AgendaItem.part, AgendaItem.position, Signing.id)
    ).all()
    return Program(
        festival=festival,
        ceremony=[i for i in items if i.part == Part.CEREMONY],
        festivities=[i for i in items if i.part == Part.FESTIVITIES],
        commendations=list(commendations),
        signings=list(signings),
    )
