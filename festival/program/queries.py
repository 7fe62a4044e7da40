"""Read-only queries of the program pages: the festival and its records by id, and the choices of the forms.

A festival day's items may take place at the venues, and involve the organizations, of its whole province (a
district police officer's unit, a provincial art troupe): the choices are the province's subtree.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from festival.agenda.models import AgendaItem, Commendation, Signing
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import subtree_clause
from festival.organizations.models import Organization, Venue

# A select with more options than this is no longer usable; a province has far fewer venues and organizations
# that take part in festival days.
CHOICES_MAX = 1000


def get_festival(festival_id: int) -> LocalityFestival | None:
    return db.session.scalar(
        select(LocalityFestival)
        .where(LocalityFestival.id == festival_id)
        .options(joinedload(LocalityFestival.locality), joinedload(LocalityFestival.edition))
    )


def get_item(festival: LocalityFestival, item_id: int) -> AgendaItem | None:
    """The item of this festival with that id, with its people and participants."""
    return db.session.scalar(
        select(AgendaItem)
        .where(AgendaItem.id == item_id, AgendaItem.festival_id == festival.id)
        .options(
            joinedload(AgendaItem.venue),
            selectinload(AgendaItem.people),
            selectinload(AgendaItem.participants),
        )
    )


def get_commendation(festival: LocalityFestival, commendation_id: int) -> Commendation | None:
    return db.session.scalar(
        select(Commendation)
        .join(AgendaItem, Commendation.item_id == AgendaItem.id)
        .where(Commendation.id == commendation_id, AgendaItem.festival_id == festival.id)
    )


def get_signing(festival: LocalityFestival, signing_id: int) -> Signing | None:
    return db.session.scalar(
        select(Signing)
        .join(AgendaItem, Signing.item_id == AgendaItem.id)
        .where(Signing.id == signing_id, AgendaItem.festival_id == festival.id)
        .options(selectinload(Signing.parties))
    )


def province_path(locality: Locality) -> str:
    """The path of the province a unit lies in (`/VN/01/` for `/VN/01/00376/`); the nation's own path for the
    nation."""
    parts = [p for p in locality.path.split("/") if p]
    return "/" + "/".join(parts[:2]) + "/"


def venues_of_province(locality: Locality) -> list[Venue]:
    return list(
        db.session.scalars(
            select(Venue)
            .join(Locality, Venue.locality_id == Locality.id)
            .where(subtree_clause(Locality.path, province_path(locality)))
            .order_by(Venue.search_name, Venue.id)
            .limit(CHOICES_MAX)
        )
    )


def organizations_of_province(locality: Locality) -> list[Organization]:
    """The organizations of the festival's province and of the levels above it (the Ministry's units)."""
    province = province_path(locality)
    above = ["/" + "/".join(province.strip("/").split("/")[:n]) + "/" for n in range(1, province.count("/") - 1)]
    return list(
        db.session.scalars(
            select(Organization)
            .join(Locality, Organization.locality_id == Locality.id)
            .where(or_(subtree_clause(Locality.path, province), Locality.path.in_(above)))
            .order_by(Organization.search_name, Organization.id)
            .limit(CHOICES_MAX)
        )
    )


def residential_areas_of(locality: Locality) -> list[Locality]:
    """The residential areas (thôn, tổ dân phố) of a festival's unit, for collective commendations."""
    return list(
        db.session.scalars(
            select(Locality)
            .where(subtree_clause(Locality.path, locality.path), Locality.level == "residential_area")
            .order_by(Locality.sort_key, Locality.code)
            .limit(CHOICES_MAX)
        )
    )


def items_of(festival: LocalityFestival) -> list[AgendaItem]:
    """The festival's items in program order (for the selects of the commendation and signing forms)."""
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.festival_id == festival.id)
            .order_by(AgendaItem.part, AgendaItem.position, AgendaItem.id)
        )
    )


def users_by_id(ids) -> dict:
    """The users who made changes, by id, in one query (a change log names them)."""
    from festival.accounts.models import User

    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(sorted(ids))))}
