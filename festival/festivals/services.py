"""Queries the festival-day pages need: a festival within the user's scope, the venues and host organizations a
locality's festival may name. The rules of saving live in festival.editions.services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from festival.accounts.auth import in_scope
from festival.accounts.models import User
from festival.core.errors import NotFound
from festival.core.params import parse_id
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import subtree_clause
from festival.organizations.models import Organization, Venue

# A festival's venue and hosts are chosen from lists: long enough for a province, short enough for one page.
CHOICES_MAX = 500


def _not_found() -> NotFound:
    return NotFound(_l("There is no such festival day in your scope."), "festival_not_found")


def festival_in_scope(user: User, festival_id) -> LocalityFestival:
    """The festival day with this id when it lies in the user's subtree; NotFound otherwise (never says which)."""
    ident = parse_id(festival_id)
    festival = (
        db.session.scalar(
            select(LocalityFestival)
            .where(LocalityFestival.id == ident)
            .options(
                joinedload(LocalityFestival.locality),
                joinedload(LocalityFestival.edition),
                joinedload(LocalityFestival.venue),
                selectinload(LocalityFestival.hosts),
            )
        )
        if ident is not None
        else None
    )
    if festival is None or not in_scope(user, festival.locality):
        raise _not_found()
    return festival


def venue_choices(locality: Locality) -> list[Venue]:
    """The venues of the locality and the units below it, by name."""
    stmt = (
        select(Venue)
        .join(Venue.locality)
        .where(subtree_clause(Locality.path, locality.path))
        .options(contains_eager(Venue.locality))
        .order_by(Venue.name, Venue.id)
        .limit(CHOICES_MAX)
    )
    return list(db.session.scalars(stmt))


def host_choices(locality: Locality) -> list[Organization]:
    """The organizations that may host the locality's festival: those of its subtree and of the units above it."""
    above = [code for code in locality.ancestor_codes]
    stmt = (
        select(Organization)
        .join(Organization.locality)
        .where(or_(subtree_clause(Locality.path, locality.path), Locality.code.in_(above)))
        .options(contains_eager(Organization.locality))
        .order_by(Locality.depth, Organization.name, Organization.id)
        .limit(CHOICES_MAX)
    )
    return list(db.session.scalars(stmt))
