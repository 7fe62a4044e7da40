"""Everything an organization takes part in, across localities: agenda items (with its role), commendations it
receives, signings it is a party to. Each list is one COUNT and one page query, with the item, its festival day
and the festival's locality loaded in the page query."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from festival.agenda.models import AgendaItem, AgendaParticipant, Commendation, Signing, SigningParty
from festival.core.pagination import Page, paginate
from festival.editions.models import LocalityFestival
from festival.organizations.models import Organization

PER_PAGE = 20


def _through_item(stmt, item_attr):
    """Join an item's festival day and locality, load them, newest first."""
    return (
        stmt.join(item_attr)
        .join(AgendaItem.festival)
        .join(LocalityFestival.locality)
        .options(
            contains_eager(item_attr).contains_eager(AgendaItem.festival).contains_eager(LocalityFestival.locality)
        )
        .order_by(AgendaItem.starts_at.desc(), AgendaItem.id.desc())
    )


def agenda_participations(organization: Organization, page: int = 1) -> Page:
    """The organization's places in agenda items (one per role), latest first."""
    stmt = select(AgendaParticipant).where(AgendaParticipant.organization_id == organization.id)
    stmt = _through_item(stmt, AgendaParticipant.item).order_by(AgendaParticipant.role)
    return paginate(stmt, page, PER_PAGE)


def commendations_received(organization: Organization, page: int = 1) -> Page:
    stmt = select(Commendation).where(Commendation.organization_id == organization.id)
    return paginate(_through_item(stmt, Commendation.item), page, PER_PAGE)


def signings_party_to(organization: Organization, page: int = 1) -> Page:
    stmt = select(Signing).where(
        Signing.id.in_(select(SigningParty.signing_id).where(SigningParty.organization_id == organization.id))
    )
    return paginate(_through_item(stmt, Signing.item), page, PER_PAGE)
