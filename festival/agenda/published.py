"""Read queries over what is public: festival days of published (or archived) editions and their published
programs. The public festival page, the locality page and the read API all read through here.

A program is public once its festival's `program_published_at` is set; even then only its items whose status is
published or cancelled are shown (a cancelled item stays visible as cancelled), never a draft item. Every list
runs a fixed number of queries whatever its length: many-to-one data is joined, collections come by selectin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, case, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from festival.agenda.models import (
    AgendaItem,
    AgendaParticipant,
    Commendation,
    ItemStatus,
    Part,
    Signing,
    SigningParty,
)
from festival.core.errors import NotFound
from festival.core.pagination import Page, paginate
from festival.editions.models import Edition, EditionStatus, LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import subtree_clause

PUBLIC_EDITION_STATUSES = (EditionStatus.PUBLISHED.value, EditionStatus.ARCHIVED.value)
PUBLIC_ITEM_STATUSES = (ItemStatus.PUBLISHED.value, ItemStatus.CANCELLED.value)
# Ceremony first, then festivities (a CASE: the part names do not sort that way).
PART_ORDER = case((AgendaItem.part == Part.CEREMONY.value, 0), else_=1)


def _festival_query(*, hosts: bool = True) -> Select:
    stmt = (
        select(LocalityFestival)
        .join(LocalityFestival.edition)
        .join(LocalityFestival.locality)
        .where(Edition.status.in_(PUBLIC_EDITION_STATUSES))
        .options(
            contains_eager(LocalityFestival.edition),
            contains_eager(LocalityFestival.locality),
            joinedload(LocalityFestival.venue),
        )
    )
    return stmt.options(selectinload(LocalityFestival.hosts)) if hosts else stmt


def festivals_page(year: int | None = None, within: Locality | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Festival days of public editions (of `year`, in the `within` subtree), by time: a COUNT, the page (with
    edition, unit and venue joined) and its hosts. A page past the last is empty."""
    stmt = _festival_query().order_by(LocalityFestival.starts_at, LocalityFestival.id)
    if year is not None:
        stmt = stmt.where(Edition.year == year)
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    return paginate(stmt, page, per_page, clamp=False)


def festival_days_by_edition(within: Locality, page: int = 1, per_page: int = 25) -> Page:
    """The festival days of a unit and every unit below it in public editions, newest edition first, then by
    time (the locality page); the unit's parent comes joined for the table."""
    stmt = (
        _festival_query()
        .where(subtree_clause(Locality.path, within.path))
        .options(contains_eager(LocalityFestival.locality).joinedload(Locality.parent))
        .order_by(Edition.year.desc(), LocalityFestival.starts_at, Locality.sort_key, LocalityFestival.id)
    )
    return paginate(stmt, page, per_page)


def get_festival(festival_id: int, *, hosts: bool = True) -> LocalityFestival:
    """A festival day of a public edition (NotFound otherwise, drafts of editions included); with its edition,
    locality and venue, and its hosts unless `hosts=False` (registering needs none: one query instead of two)."""
    stmt = _festival_query(hosts=hosts).where(LocalityFestival.id == festival_id)
    festival = db.session.scalars(stmt).unique().first()
    if festival is None:
        raise NotFound(_l("No published festival day has this number."), "festival_not_found")
    return festival


def _item_options(stmt: Select) -> Select:
    return stmt.options(
        joinedload(AgendaItem.venue),
        selectinload(AgendaItem.people),
        selectinload(AgendaItem.participants).joinedload(AgendaParticipant.organization),
    )


def program(festival: LocalityFestival) -> list[AgendaItem]:
    """The published program of a festival day in program order (ceremony then festivities, each by position);
    empty while its program was never published. Three queries whatever its length."""
    if festival.program_published_at is None:
        return []
    stmt = _item_options(
        select(AgendaItem)
        .where(AgendaItem.festival_id == festival.id, AgendaItem.status.in_(PUBLIC_ITEM_STATUSES))
        .order_by(PART_ORDER, AgendaItem.position, AgendaItem.starts_at, AgendaItem.id)
    )
    return list(db.session.scalars(stmt).unique())


@dataclass
class FestivalPage:
    """What the public festival page shows."""

    festival: LocalityFestival
    items: list[AgendaItem] = field(default_factory=list)
    commendations: list[Commendation] = field(default_factory=list)
    signings: list[Signing] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.festival.program_published_at is not None

    def parts(self) -> list[tuple[Part, list[AgendaItem]]]:
        """The program's parts that have items, in order, each with its items."""
        found = [(part, [item for item in self.items if item.part == part.value]) for part in Part]
        return [(part, items) for part, items in found if items]


def festival_page(festival_id: int) -> FestivalPage:
    """A public festival day with its published program, commendations and signings (those of its visible items),
    in a bounded number of queries."""
    festival = get_festival(festival_id)
    shown = FestivalPage(festival)
    if not shown.published:
        return shown
    shown.items = program(festival)
    ids = [item.id for item in shown.items]
    if not ids:
        return shown
    by_item = {item.id: index for index, item in enumerate(shown.items)}
    commendations = db.session.scalars(
        select(Commendation)
        .where(Commendation.item_id.in_(ids))
        .options(joinedload(Commendation.organization), joinedload(Commendation.locality))
        .order_by(Commendation.position, Commendation.id)
    ).all()
    shown.commendations = sorted(commendations, key=lambda c: (by_item[c.item_id], c.position, c.id))
    signings = db.session.scalars(
        select(Signing)
        .where(Signing.item_id.in_(ids))
        .options(selectinload(Signing.parties).joinedload(SigningParty.organization))
        .order_by(Signing.id)
    ).all()
    shown.signings = sorted(signings, key=lambda s: (by_item[s.item_id], s.id))
    return shown


@dataclass
class ItemFilters:
    year: int | None = None
    within: Locality | None = None
    start_from: datetime | None = None  # items starting at or after this instant
    start_before: datetime | None = None  # items starting before this instant
    part: str | None = None
    kind: str | None = None
    updated_since: datetime | None = None


def items_page(filters: ItemFilters, page: int = 1, per_page: int = 20) -> Page:
    """Published (and cancelled) items of published programs in public editions, by start time: a COUNT, the page
    (venue and festival joined), then its people and organizations: bounded whatever the page size."""
    stmt = (
        select(AgendaItem)
        .join(AgendaItem.festival)
        .join(LocalityFestival.edition)
        .where(
            AgendaItem.status.in_(PUBLIC_ITEM_STATUSES),
            LocalityFestival.program_published_at.is_not(None),
            Edition.status.in_(PUBLIC_EDITION_STATUSES),
        )
        .order_by(AgendaItem.starts_at, AgendaItem.id)
    )
    if filters.year is not None:
        stmt = stmt.where(Edition.year == filters.year)
    if filters.within is not None:
        stmt = stmt.join(LocalityFestival.locality).where(subtree_clause(Locality.path, filters.within.path))
    if filters.start_from is not None:
        stmt = stmt.where(AgendaItem.starts_at >= filters.start_from)
    if filters.start_before is not None:
        stmt = stmt.where(AgendaItem.starts_at < filters.start_before)
    if filters.part is not None:
        stmt = stmt.where(AgendaItem.part == filters.part)
    if filters.kind is not None:
        stmt = stmt.where(AgendaItem.kind == filters.kind)
    if filters.updated_since is not None:
        stmt = stmt.where(AgendaItem.updated_at >= filters.updated_since)
    return paginate(_item_options(stmt), page, per_page, clamp=False)
