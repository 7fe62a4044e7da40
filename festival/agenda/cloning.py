"""Cloning a program from another festival day: the same locality's earlier edition, or another locality's.

Copied: every item that is not cancelled, with its people and its participants, its capacity and whether it takes
registrations; its venue only when the venue lies in the target's province; its participants only when they
belong to the target's province or a level above. Not copied: commendations and signings (they are decided anew
each year), registrations and their counts, revisions and publishing (every copy is a draft at revision 1).
Times keep their offset from the festival's start; an item that would run past the target's end is clipped,
one that would start after it is left out.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from festival.accounts.auth import in_scope, scope_clause
from festival.agenda.models import AgendaItem, AgendaParticipant, AgendaPerson, ItemStatus
from festival.agenda.rules import commit, in_province_or_above, province_path
from festival.agenda.template import ensure_empty
from festival.core.errors import DomainError, NotFound
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization, Venue

SOURCES_MAX = 50


def clone_sources(festival: LocalityFestival, user) -> list[LocalityFestival]:
    """Festivals whose program may be cloned into `festival`: the same locality's other editions first (newest
    first), then other festivals in the user's scope that have a program (newest edition first, then by name);
    at most 50."""
    has_program = exists().where(AgendaItem.festival_id == LocalityFestival.id)
    base = (
        select(LocalityFestival)
        .join(LocalityFestival.edition)
        .join(LocalityFestival.locality)
        .where(LocalityFestival.id != festival.id, has_program)
        .options(selectinload(LocalityFestival.locality), selectinload(LocalityFestival.edition))
    )
    same = db.session.scalars(
        base.where(LocalityFestival.locality_id == festival.locality_id).order_by(Edition.year.desc())
    ).all()
    others = db.session.scalars(
        base.where(LocalityFestival.locality_id != festival.locality_id, scope_clause(user, Locality.path))
        .order_by(Edition.year.desc(), Locality.sort_key, LocalityFestival.id)
        .limit(SOURCES_MAX)
    ).all()
    return [*same, *others][:SOURCES_MAX]


def clone_program(target: LocalityFestival, source: LocalityFestival, user=None) -> list[AgendaItem]:
    """Copy `source`'s items into the empty program of `target` (`program_not_empty` otherwise), all draft."""
    if source.id == target.id:
        raise DomainError(_l("Choose another festival day to copy from."), "clone_same_festival", field="source")
    if user is not None and not (source.locality_id == target.locality_id or in_scope(user, source.locality)):
        raise NotFound(_l("There is no such festival day."), "festival_not_found")
    ensure_empty(target)
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.festival_id == source.id, AgendaItem.status != ItemStatus.CANCELLED.value)
        .options(
            selectinload(AgendaItem.venue).selectinload(Venue.locality),
            selectinload(AgendaItem.people),
            selectinload(AgendaItem.participants)
            .selectinload(AgendaParticipant.organization)
            .selectinload(Organization.locality),
        )
        .order_by(AgendaItem.part, AgendaItem.position, AgendaItem.id)
    ).all()
    province = province_path(target.locality.path)
    shift = target.starts_at - source.starts_at
    positions: dict[str, int] = {}
    copies = []
    for item in items:
        starts_at = item.starts_at + shift
        if starts_at >= target.ends_at:
            continue
        ends_at = min(item.ends_at + shift, target.ends_at)
        positions[item.part] = positions.get(item.part, 0) + 1
        venue = item.venue if item.venue is not None and item.venue.locality.path.startswith(province) else None
        copy = AgendaItem(
            festival=target,
            part=item.part,
            kind=item.kind,
            title=item.title,
            description=item.description,
            starts_at=starts_at,
            ends_at=ends_at,
            venue=venue,
            capacity=item.capacity,
            takes_registrations=item.takes_registrations,
            status=ItemStatus.DRAFT.value,
            position=positions[item.part],
            revision=1,
        )
        copy.people = [
            AgendaPerson(
                full_name=p.full_name, position_title=p.position_title, name_key=p.name_key, position=p.position
            )
            for p in item.people
        ]
        copy.participants = [
            AgendaParticipant(organization=p.organization, role=p.role)
            for p in item.participants
            if in_province_or_above(p.organization.locality.path, target.locality.path)
        ]
        db.session.add(copy)
        copies.append(copy)
    commit()
    return copies
