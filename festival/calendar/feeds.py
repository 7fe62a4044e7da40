"""Which items each calendar feed holds: published data only, found through the public read rules of
`festival/agenda/published.py` (public editions, programs with `program_published_at`, items published or
cancelled).

A cancelled item stays in the feeds as STATUS:CANCELLED for `CANCELLED_DAYS` days after its cancellation, so
that every subscribed calendar polls at least once while it is there and removes the event; then it leaves the
feeds. The limit moves once a day (local midnight), so a feed's text depends only on the data and the date,
which is what its ETag is made of (festival/calendar/validators.py).

Every feed is a SELECT, not a list: `festival/calendar/render.py` streams it in chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from werkzeug.datastructures import MultiDict

from festival.agenda.models import AgendaItem, AgendaParticipant, ItemKind, ItemStatus, Part
from festival.agenda.published import PUBLIC_EDITION_STATUSES
from festival.core.errors import DomainError, NotFound
from festival.core.i18n import current_language
from festival.core.time import local_to_utc, today_local
from festival.editions.models import Edition, LocalityFestival
from festival.editions.services import get_edition
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import get_by_code, subtree_clause
from festival.organizations.models import Organization, Venue

CANCELLED_DAYS = 30


@dataclass(frozen=True)
class FeedFilters:
    """The query parameters a feed accepts: `part`, `kind` (one value each) and `lang` (the language of its
    texts, for a subscription made from a page in that language: calendar apps send no cookie)."""

    part: str | None = None
    kind: str | None = None
    lang: str | None = None

    def key(self) -> tuple:
        return (self.part or "", self.kind or "", self.lang or "")


def _bad_parameter(name: str, allowed) -> DomainError:
    return DomainError(
        _l("The parameter “%(name)s” must be one of: %(allowed)s.", name=name, allowed=", ".join(allowed)),
        "invalid_parameter",
        field=name,
        status=400,
    )


def _one(args: MultiDict, name: str, allowed: list[str]) -> str | None:
    values = args.getlist(name)
    if not values:
        return None
    if len(values) > 1 or values[0] not in allowed:
        raise _bad_parameter(name, allowed)
    return values[0]


def parse_filters(args: MultiDict, languages: list[str]) -> FeedFilters:
    """The filters of a feed request; a value that is not one of the known ones is a 400 naming the parameter
    (before any query)."""
    return FeedFilters(
        part=_one(args, "part", [p.value for p in Part]),
        kind=_one(args, "kind", [k.value for k in ItemKind]),
        lang=_one(args, "lang", list(languages)),
    )


def cancelled_since(today: date | None = None) -> datetime:
    """The oldest cancellation a feed still shows: local midnight `CANCELLED_DAYS` days ago."""
    return local_to_utc((today or today_local()) - timedelta(days=CANCELLED_DAYS), time(0, 0))


@dataclass
class Feed:
    """A feed ready to stream: its name (X-WR-CALNAME), the SELECT of its items in order, its file name."""

    name: str
    statement: Select
    filename: str
    edition: Edition | None = None


def _public_edition(year: int) -> Edition:
    edition = get_edition(year)  # an unknown year raises NotFound
    if edition.status not in PUBLIC_EDITION_STATUSES:
        raise NotFound(_l("There is no %(year)s edition.", year=year), "edition_not_found")
    return edition


def _visible(today: date | None = None):
    """Published items, and cancelled ones for `CANCELLED_DAYS` days after their cancellation."""
    cancelled_at = func.coalesce(AgendaItem.cancelled_at, AgendaItem.updated_at)
    return or_(
        AgendaItem.status == ItemStatus.PUBLISHED.value,
        and_(AgendaItem.status == ItemStatus.CANCELLED.value, cancelled_at >= cancelled_since(today)),
    )


def _public_items(filters: FeedFilters, edition: Edition | None, today: date | None) -> Select:
    stmt = (
        select(AgendaItem)
        .join(AgendaItem.festival)
        .join(LocalityFestival.locality)
        .join(LocalityFestival.edition)
        .where(
            Edition.status.in_(PUBLIC_EDITION_STATUSES),
            LocalityFestival.program_published_at.is_not(None),
            _visible(today),
        )
    )
    if edition is not None:
        stmt = stmt.where(LocalityFestival.edition_id == edition.id)
    if filters.part is not None:
        stmt = stmt.where(AgendaItem.part == filters.part)
    if filters.kind is not None:
        stmt = stmt.where(AgendaItem.kind == filters.kind)
    return stmt


def items_statement(filters: FeedFilters, *, edition: Edition | None = None, today: date | None = None) -> Select:
    """The public items of an edition's published programs, by start time, with everything a VEVENT needs
    loaded alongside: festival, unit, edition and venues joined; organizations by one query per chunk."""
    return (
        _public_items(filters, edition, today)
        .options(
            contains_eager(AgendaItem.festival).contains_eager(LocalityFestival.locality),
            contains_eager(AgendaItem.festival).joinedload(LocalityFestival.venue),
            joinedload(AgendaItem.venue),
            selectinload(AgendaItem.participants).joinedload(AgendaParticipant.organization),
        )
        .order_by(AgendaItem.starts_at, AgendaItem.id)
    )


def edition_feed(year: int, filters: FeedFilters) -> Feed:
    """Every public item of the edition: the national feed."""
    edition = _public_edition(year)
    return Feed(
        name=_("Festival days %(year)s: the whole country", year=year),
        statement=items_statement(filters, edition=edition),
        filename=f"ngay-hoi-{year}.ics",
        edition=edition,
    )


def locality_feed(year: int, code: str, filters: FeedFilters) -> Feed:
    """The items of a unit's festival days and of every unit below it (one range on the materialized path)."""
    edition = _public_edition(year)
    locality = get_by_code(code)  # NotFound for an unknown or malformed code
    return Feed(
        name=_("Festival days %(year)s: %(place)s", year=year, place=locality.display_name(current_language())),
        statement=items_statement(filters, edition=edition).where(subtree_clause(Locality.path, locality.path)),
        filename=f"ngay-hoi-{year}-{locality.code}.ics",
        edition=edition,
    )


def organization_feed(year: int, organization_id: int, filters: FeedFilters) -> Feed:
    """The items an organization takes part in (as host, co-organizer, performer, sponsor, signatory, awardee)."""
    edition = _public_edition(year)
    organization = _get(Organization, organization_id, _l("No organization has this number."), "organization")
    takes_part = exists().where(
        AgendaParticipant.item_id == AgendaItem.id, AgendaParticipant.organization_id == organization.id
    )
    return Feed(
        name=_("Festival days %(year)s: %(place)s", year=year, place=organization.name),
        statement=items_statement(filters, edition=edition).where(takes_part),
        filename=f"ngay-hoi-{year}-organization-{organization.id}.ics",
        edition=edition,
    )


def venue_feed(year: int, venue_id: int, filters: FeedFilters) -> Feed:
    """The items held at a venue: their own venue, or their festival day's when they name none."""
    edition = _public_edition(year)
    venue = _get(Venue, venue_id, _l("No venue has this number."), "venue")
    at_venue = or_(
        AgendaItem.venue_id == venue.id, and_(AgendaItem.venue_id.is_(None), LocalityFestival.venue_id == venue.id)
    )
    return Feed(
        name=_("Festival days %(year)s: %(place)s", year=year, place=venue.name),
        statement=items_statement(filters, edition=edition).where(at_venue),
        filename=f"ngay-hoi-{year}-venue-{venue.id}.ics",
        edition=edition,
    )


def item_feed(item_id: int) -> Feed:
    """One public item, for download (a cancelled one stays downloadable as cancelled while it is shown)."""
    title = db.session.scalar(
        _public_items(FeedFilters(), None, None).with_only_columns(AgendaItem.title).where(AgendaItem.id == item_id)
    )
    if title is None:
        raise NotFound(_l("No published agenda item has this number."), "item_not_found")
    statement = items_statement(FeedFilters()).where(AgendaItem.id == item_id)
    return Feed(name=title, statement=statement, filename=f"agenda-{item_id}.ics")


def _get(model, ident: int, message, name: str):
    found = db.session.get(model, ident)
    if found is None:
        raise NotFound(message, f"{name}_not_found")
    return found
