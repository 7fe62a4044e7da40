"""Organization and venue rules: saving (with contact persons and optimistic locking), scope, search.

Merging duplicates is in `festival.organizations.merge`; an organization's participations across localities in
`festival.organizations.participations`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.exc import StaleDataError

from festival.accounts.auth import in_scope, scope_clause
from festival.accounts.models import Role, User
from festival.core.db import commit_unique
from festival.core.errors import DomainError, Forbidden, NotFound
from festival.core.pagination import Page, paginate
from festival.core.params import parse_id
from festival.core.text import nfc, search_key
from festival.core.time import utcnow
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import SEARCH_QUERY_MAX, subtree_clause
from festival.organizations.contacts import (  # noqa: F401  (normalise_*: imported from here by others)
    CONTACT_TEXT_MAX,
    CONTACTS_MAX,
    ContactData,
    clean_contacts,
    normalise_email,
    normalise_phone,
    set_contacts,
)
from festival.organizations.models import Organization, OrganizationKind, Venue

NAME_MAX = 255
DESCRIPTION_MAX = 5000
ADDRESS_MAX = 500
CAPACITY_MAX = 10_000_000


def _organization_exists() -> DomainError:
    return DomainError(
        _l("This locality already has an organization of that name."), "organization_exists", field="name"
    )


def _venue_exists() -> DomainError:
    return DomainError(_l("This locality already has a venue of that name."), "venue_exists", field="name")


def stale_version() -> DomainError:
    return DomainError(
        _l("Someone else saved this record after you opened it. Their version is shown: check it and save again."),
        "stale_version",
        status=409,
    )


def _check_version(record, version) -> None:
    """Refuse to save over a newer version than the one the form showed (`version` None: no form, no check)."""
    if version is None:
        return
    if parse_id(version) != record.version:
        raise stale_version()


def _commit(conflicts: dict[str, DomainError]) -> None:
    """Commit; a concurrent save that got in first (the version column moved under us) is a stale version."""
    try:
        commit_unique(conflicts)
    except StaleDataError:
        db.session.rollback()
        raise stale_version() from None


# --- scope ------------------------------------------------------------------------------------------------------


def check_in_scope(user: User | None, locality: Locality, field: str = "locality_name") -> None:
    """A record may only be put in a locality of the user's subtree (`user` None: a script, no check)."""
    if user is not None and not in_scope(user, locality):
        raise DomainError(
            _l("%(name)s is outside your scope. Choose a locality you work in.", name=locality.full_name),
            "locality_outside_scope",
            field=field,
            status=403,
        )


def resolve_locality(code: str | None, text: str | None, field: str = "locality_name") -> Locality:
    """The locality a form's picker names: the code its script filled in, else what was typed (a code, or a name
    that matches one unit)."""
    from festival.accounts.pickers import resolve_locality as resolve

    if not nfc(code) and not nfc(text):
        raise DomainError(_l("Choose a locality."), "locality_required", field=field)
    return resolve(code or "", text or "", field=field)


def get_organization(user: User, organization_id: int) -> Organization:
    """The organization, when it lies in the user's scope; otherwise it does not exist for them (404)."""
    organization = db.session.get(Organization, organization_id)
    if organization is None or not in_scope(user, organization.locality):
        raise NotFound(_l("There is no such organization."), "organization_not_found")
    return organization


def get_venue(user: User, venue_id: int) -> Venue:
    venue = db.session.get(Venue, venue_id)
    if venue is None or not in_scope(user, venue.locality):
        raise NotFound(_l("There is no such venue."), "venue_not_found")
    return venue


def _check_name(value: str) -> str:
    name = nfc(value)
    if not name:
        raise DomainError(_l("The name is required."), "name_required", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(_l("At most %(n)s characters.", n=NAME_MAX), "text_too_long", field="name")
    return name


def _check_length(value: str, limit: int, field_name: str) -> str:
    value = nfc(value)
    if len(value) > limit:
        raise DomainError(_l("At most %(n)s characters.", n=limit), "text_too_long", field=field_name)
    return value


# --- organizations ----------------------------------------------------------------------------------------------


@dataclass
class OrganizationData:
    locality: Locality
    name: str
    kind: str
    contact_name: str | None = None  # the older single contact name; None keeps it
    phone: str = ""
    email: str = ""
    description: str = ""
    contacts: list[ContactData] | None = None  # None keeps the saved ones
    version: int | str | None = None  # the version the form showed; None: no check


def save_organization(
    data: OrganizationData, organization: Organization | None = None, *, user: User | None = None
) -> Organization:
    """Create or update an organization. With `user`, its locality must be in their scope; with `data.version`,
    the record must not have changed since that version (else `stale_version`, 409)."""
    if organization is not None:
        _check_version(organization, data.version)
    name = _check_name(data.name)
    try:
        OrganizationKind(data.kind)
    except ValueError:
        raise DomainError(_l("Unknown kind of organization."), "kind_unknown", field="kind") from None
    check_in_scope(user, data.locality)
    clash = db.session.scalar(
        select(Organization.id).where(Organization.locality_id == data.locality.id, Organization.name == name)
    )
    if clash is not None and (organization is None or clash != organization.id):
        raise _organization_exists()
    description = _check_length(data.description, DESCRIPTION_MAX, "description")
    phone = normalise_phone(data.phone)
    email = normalise_email(data.email)
    contacts = clean_contacts(data.contacts) if data.contacts is not None else None
    if organization is None:
        organization = Organization()
        db.session.add(organization)
    organization.locality = data.locality
    organization.name = name
    organization.search_name = search_key(name)[:255]
    organization.kind = data.kind
    if data.contact_name is not None:
        organization.contact_name = _check_length(data.contact_name, 200, "contact_name")
    organization.phone = phone
    organization.email = email
    organization.description = description
    if contacts is not None:
        set_contacts(organization, contacts)
    organization.updated_at = utcnow()  # the row changes even when only its contacts do: its version moves
    _commit({"uq_organizations_locality_id_name": _organization_exists()})
    return organization


@dataclass
class ProfileData:
    """What an organization's representative may change: not its locality nor its kind."""

    name: str
    phone: str = ""
    email: str = ""
    description: str = ""
    contacts: list[ContactData] = field(default_factory=list)
    version: int | str | None = None


def own_organization(user: User) -> Organization:
    """The organization a representative speaks for (403 for anyone else, or a representative without one)."""
    if user.role != Role.ORG_REP or user.organization is None:
        raise Forbidden(_l("Only an organization’s representative has this page."), "not_a_representative")
    return user.organization


def save_profile(user: User, data: ProfileData) -> Organization:
    """A representative edits their own organization's profile; its locality and kind stay as they are."""
    organization = own_organization(user)
    return save_organization(
        OrganizationData(
            locality=organization.locality,
            name=data.name,
            kind=organization.kind,
            phone=data.phone,
            email=data.email,
            description=data.description,
            contacts=data.contacts,
            version=data.version,
        ),
        organization,
    )


# --- venues -----------------------------------------------------------------------------------------------------


@dataclass
class VenueData:
    locality: Locality
    name: str
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    capacity: int | None = None
    contacts: list[ContactData] | None = None  # None keeps the saved ones
    version: int | str | None = None


def save_venue(data: VenueData, venue: Venue | None = None, *, user: User | None = None) -> Venue:
    if venue is not None:
        _check_version(venue, data.version)
    name = _check_name(data.name)
    check_in_scope(user, data.locality)
    if (data.latitude is None) != (data.longitude is None):
        raise DomainError(_l("Give both coordinates or neither."), "coordinates_pair", field="latitude")
    if data.latitude is not None and not (-90 <= data.latitude <= 90 and -180 <= data.longitude <= 180):
        raise DomainError(_l("The coordinates are out of range."), "coordinates_range", field="latitude")
    if data.capacity is not None and not (0 < data.capacity <= CAPACITY_MAX):
        raise DomainError(_l("The capacity must be a positive number."), "capacity_invalid", field="capacity")
    address = _check_length(data.address, ADDRESS_MAX, "address")
    clash = db.session.scalar(select(Venue.id).where(Venue.locality_id == data.locality.id, Venue.name == name))
    if clash is not None and (venue is None or clash != venue.id):
        raise _venue_exists()
    contacts = clean_contacts(data.contacts) if data.contacts is not None else None
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.locality = data.locality
    venue.name = name
    venue.search_name = search_key(name)[:255]
    venue.address = address
    venue.latitude = data.latitude
    venue.longitude = data.longitude
    venue.capacity = data.capacity
    if contacts is not None:
        set_contacts(venue, contacts)
    venue.updated_at = utcnow()
    _commit({"uq_venues_locality_id_name": _venue_exists()})
    return venue


# --- search -----------------------------------------------------------------------------------------------------

ORGANIZATIONS_PER_PAGE_MAX = 50
LIST_PER_PAGE = 25


def parse_kind(kind: str | None) -> str | None:
    """`kind` checked against the kinds of organization ('' and None: any kind)."""
    if not kind:
        return None
    if kind not in {k.value for k in OrganizationKind}:
        raise DomainError(_l("Unknown kind of organization."), "invalid_kind", field="kind")
    return kind


def _organizations_stmt(query: str, within: Locality | None, kind: str | None) -> Select:
    kind = parse_kind(kind)
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
    return stmt


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
    stmt = _organizations_stmt(query, within, kind)
    return paginate(stmt, page, min(per_page, ORGANIZATIONS_PER_PAGE_MAX), clamp=False)


def search_organizations(query: str = "", within: Locality | None = None, limit: int = 20) -> list[Organization]:
    """The first `limit` organizations of `search_organizations_page`."""
    return search_organizations_page(query, within, per_page=limit).items


def organizations_in_scope(
    user: User, query: str = "", *, kind: str | None = None, within: Locality | None = None, page: int = 1
) -> Page:
    """The organizations of the user's scope (and of `within`'s subtree, when given), as `search_organizations_page`
    finds them; one COUNT and one page query, a page past the last shows the last."""
    stmt = _organizations_stmt(query, within, kind).where(scope_clause(user, Locality.path))
    return paginate(stmt, page, LIST_PER_PAGE)


def venues_in_scope(user: User, query: str = "", *, within: Locality | None = None, page: int = 1) -> Page:
    """The venues of the user's scope whose folded name contains the query, in `within`'s subtree when given, by
    name; one COUNT and one page query."""
    stmt = (
        select(Venue)
        .join(Venue.locality)
        .options(contains_eager(Venue.locality))
        .where(scope_clause(user, Locality.path))
        .order_by(Venue.name, Venue.id)
    )
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    key = search_key(query[:SEARCH_QUERY_MAX])
    if key:
        stmt = stmt.where(Venue.search_name.contains(key, autoescape=True))
    return paginate(stmt, page, LIST_PER_PAGE)
