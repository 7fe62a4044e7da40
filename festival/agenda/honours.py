"""Commendations and signings announced at a festival's items.

Commendations and signings belong to ceremony items (`not_ceremony_item` otherwise: the customary program
announces commendations and signs documents in the ceremony). A commendation goes to a collective (an organization,
or a residential area of the festival's subtree) or to a person (full name and position). A signing (coordination
regulation, joint plan, emulation pledge) has at least two parties. Organizations, as recipients or parties, come
from the festival's province or a level above it (the nation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from festival.agenda.models import (
    AgendaItem,
    Commendation,
    CommendationLevel,
    Part,
    RecipientKind,
    Signing,
    SigningKind,
    SigningParty,
)
from festival.agenda.rules import NAME_MAX, TITLE_MAX, check_version, commit
from festival.agenda.services import check_organization
from festival.core.errors import DomainError
from festival.core.text import nfc
from festival.extensions import db
from festival.localities.models import Locality, LocalityLevel
from festival.organizations.models import Organization


@dataclass
class CommendationData:
    level: str
    recipient_kind: str
    organization: Organization | None = None
    locality: Locality | None = None
    person_name: str = ""
    person_position: str = ""
    reason: str = ""


@dataclass
class SigningData:
    kind: str
    title: str
    parties: list[Organization] = field(default_factory=list)
    notes: str = ""


def _check_commendation(item: AgendaItem, data: CommendationData) -> None:
    if item.part != Part.CEREMONY:
        raise DomainError(
            _l("Commendations are announced at an item of the ceremony."), "not_ceremony_item", field="item"
        )
    try:
        CommendationLevel(data.level)
    except ValueError:
        raise DomainError(_l("Unknown level of commendation."), "level_unknown", field="level") from None
    try:
        kind = RecipientKind(data.recipient_kind)
    except ValueError:
        raise DomainError(_l("Unknown kind of recipient."), "recipient_kind_unknown", field="recipient_kind") from None
    festival = item.festival
    if kind is RecipientKind.ORGANIZATION:
        if data.organization is None:
            raise DomainError(_l("Choose the organization."), "organization_required", field="organization")
        check_organization(festival, data.organization, "organization")
    elif kind is RecipientKind.RESIDENTIAL_AREA:
        area = data.locality
        if (
            area is None
            or area.level != LocalityLevel.RESIDENTIAL_AREA
            or not area.path.startswith(festival.locality.path)
        ):
            raise DomainError(
                _l("Choose a residential area of this festival’s locality."),
                "residential_area_invalid",
                field="locality",
            )
    else:
        if not nfc(data.person_name):
            raise DomainError(_l("Give the person’s full name."), "person_name_required", field="person_name")
        if len(nfc(data.person_name)) > NAME_MAX or len(nfc(data.person_position)) > NAME_MAX:
            raise DomainError(
                _l("Names and positions can have at most %(n)s characters.", n=NAME_MAX),
                "person_name_too_long",
                field="person_name",
            )


def save_commendation(
    item: AgendaItem, data: CommendationData, commendation: Commendation | None = None, *, expected_version=None
) -> Commendation:
    """Create (commendation=None) or change a commendation; the new one comes last among its item's."""
    check_version(commendation, expected_version)
    _check_commendation(item, data)
    kind = RecipientKind(data.recipient_kind)
    if commendation is None:
        last = db.session.scalar(select(func.max(Commendation.position)).where(Commendation.item_id == item.id))
        commendation = Commendation(item=item, position=(last or 0) + 1)
        db.session.add(commendation)
    elif commendation.item_id != item.id:
        commendation.item = item
    commendation.level = data.level
    commendation.recipient_kind = kind.value
    commendation.organization = data.organization if kind is RecipientKind.ORGANIZATION else None
    commendation.locality = data.locality if kind is RecipientKind.RESIDENTIAL_AREA else None
    commendation.person_name = nfc(data.person_name) if kind is RecipientKind.PERSON else ""
    commendation.person_position = nfc(data.person_position) if kind is RecipientKind.PERSON else ""
    commendation.reason = nfc(data.reason)
    commit()
    return commendation


def delete_commendation(commendation: Commendation, *, expected_version=None) -> None:
    check_version(commendation, expected_version)
    db.session.delete(commendation)
    commit()


def _check_signing(item: AgendaItem, data: SigningData) -> list[Organization]:
    if item.part != Part.CEREMONY:
        raise DomainError(_l("Documents are signed at an item of the ceremony."), "not_ceremony_item", field="item")
    try:
        SigningKind(data.kind)
    except ValueError:
        raise DomainError(_l("Unknown kind of document."), "kind_unknown", field="kind") from None
    title = nfc(data.title)
    if not title:
        raise DomainError(_l("Give the document’s title."), "title_required", field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(
            _l("The title can have at most %(n)s characters.", n=TITLE_MAX), "title_too_long", field="title"
        )
    parties: list[Organization] = []
    for party in data.parties:
        if all(p.id != party.id for p in parties):
            parties.append(party)
    if len(parties) < 2:
        raise DomainError(_l("A signing needs at least two parties."), "parties_too_few", field="parties")
    for party in parties:
        check_organization(item.festival, party, "parties")
    return parties


def save_signing(
    item: AgendaItem, data: SigningData, signing: Signing | None = None, *, expected_version=None
) -> Signing:
    """Create (signing=None) or change a signing and its parties."""
    check_version(signing, expected_version)
    parties = _check_signing(item, data)
    if signing is None:
        signing = Signing(item=item)
        db.session.add(signing)
    # Read the current parties before changing anything: loading them flushes what is pending.
    existing = {p.organization_id: p for p in signing.parties}
    changed_parties = list(existing) != [p.id for p in parties]
    if signing.item_id != item.id:
        signing.item = item
    signing.kind = data.kind
    signing.title = nfc(data.title)
    signing.notes = nfc(data.notes)
    if changed_parties:
        signing.parties = [existing.get(p.id) or SigningParty(organization=p) for p in parties]
    flag_modified(signing, "title")  # a change of the parties alone moves the version too
    commit()
    return signing


def delete_signing(signing: Signing, *, expected_version=None) -> None:
    check_version(signing, expected_version)
    db.session.delete(signing)
    commit()
