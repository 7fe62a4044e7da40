"""Organization and venue rules."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from festival.core.db import commit_unique
from festival.core.errors import DomainError
from festival.core.pagination import Page, paginate
from festival.core.text import nfc, search_key
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import SEARCH_QUERY_MAX, subtree_clause
from festival.organizations.models import Organization, OrganizationKind, Venue


@dataclass
class OrganizationData:
    locality: Locality
    name: str
    kind: str
    contact_name: str = ""
    phone: str = ""
    email: str = ""


def normalise_phone(value: str) -> str:
    """E.164 form of a Vietnamese (or international) phone number; '' stays ''."""
    value = nfc(value)
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise DomainError(_l("“%(phone)s” is not a valid phone number.", phone=value), "phone_invalid", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(value: str) -> str:
    value = nfc(value)
    if not value:
        return ""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise DomainError(
            _l("“%(email)s” is not a valid e-mail address.", email=value), "email_invalid", field="email"
        ) from None


def _organization_exists() -> DomainError:
    return DomainError(
        _l("This locality already has an organization of that name."), "organization_exists", field="name"
    )


def _venue_exists() -> DomainError:
    return DomainError(_l("This locality already has a venue of that name."), "venue_exists", field="name")


def save_organization(data: OrganizationData, organization: Organization | None = None) -> Organization:
    name = nfc(data.name)
    if not name:
        raise DomainError(_l("The name is required."), "name_required", field="name")
    try:
        OrganizationKind(data.kind)
    except ValueError:
        raise DomainError(_l("Unknown kind of organization."), "kind_unknown", field="kind") from None
    clash = db.session.scalar(
        select(Organization.id).where(Organization.locality_id == data.locality.id, Organization.name == name)
    )
    if clash is not None and (organization is None or clash != organization.id):
        raise _organization_exists()
    phone = normalise_phone(data.phone)
    email = normalise_email(data.email)
    if organization is None:
        organization = Organization()
        db.session.add(organization)
    organization.locality = data.locality
    organization.name = name
    organization.search_name = search_key(name)[:255]
    organization.kind = data.kind
    organization.contact_name = nfc(data.contact_name)
    organization.phone = phone
    organization.email = email
    commit_unique({"uq_organizations_locality_id_name": _organization_exists()})
    return organization


@dataclass
class VenueData:
    locality: Locality
    name: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = None


def save_venue(data: VenueData, venue: Venue | None = None) -> Venue:
    name = nfc(data.name)
    if not name:
        raise DomainError(_l("The name is required."), "name_required", field="name")
    if (data.latitude is None) != (data.longitude is None):
        raise DomainError(_l("Give both coordinates or neither."), "coordinates_pair", field="latitude")
    if data.latitude is not None and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        raise DomainError(_l("The coordinates are out of range."), "coordinates_range", field="latitude")
    if data.capacity is not None and data.capacity <= 0:
        raise DomainError(_l("The capacity must be a positive number."), "capacity_invalid", field="capacity")
    clash = db.session.scalar(select(Venue.id).where(Venue.locality_id == data.locality.id, Venue.name == name))
    if clash is not None and (venue is None or clash != venue.id):
        raise _venue_exists()
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.locality = data.locality
    venue.name = name
    venue.search_name = search_key(name)[:255]
    venue.address = nfc(data.address)
    venue.latitude = data.latitude
    venue.longitude = data.longitude
    venue.capacity = data.capacity
    commit_unique({"uq_venues_locality_id_name": _venue_exists()})
    return venue


ORGANIZATIONS_PER_PAGE_MAX = 50


def search_organizations_page(
    query: str = "",
    within: Locality | None = None,
    *,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Organizations whose folded name contains the query (accents, case and spaces ignored), in the `within`
    subtree and of `kind` when given, by name; one COUNT and one page query. A page past the last is empty."""
    if kind is not None and kind not in {k.value for k in OrganizationKind}:
        raise DomainError(_l("Unknown kind of organization."), "invalid_kind", field="kind")
    stmt = (
        select(Organization)
        .join(Organization.locality)
        .options(contains_eager(Organization.locality))
        .order_by(Organization.name, Organization.id)
    )
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    if kind is not None:
        stmt = stmt.where(Organization.kind == kind)
    key = search_key(query[:SEARCH_QUERY_MAX])
    if key:
        stmt = stmt.where(Organization.search_name.contains(key, autoescape=True))
    return paginate(stmt, page, min(per_page, ORGANIZATIONS_PER_PAGE_MAX), clamp=False)


def search_organizations(query: str = "", within: Locality | None = None, limit: int = 20) -> list[Organization]:
    """The first `limit` organizations of `search_organizations_page`."""
    return search_organizations_page(query, within, per_page=limit).items
