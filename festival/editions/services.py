"""Edition and locality-festival rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.exc import StaleDataError

from festival.accounts.auth import in_scope, scope_clause, scope_locality
from festival.accounts.models import Role, User
from festival.core.db import commit_unique
from festival.core.errors import DomainError, Forbidden, NotFound
from festival.core.pagination import Page, paginate
from festival.core.text import nfc, prefix_upper_bound, search_key
from festival.core.time import local_day_bounds, local_to_utc, to_local, today_local
from festival.editions.models import Edition, EditionStatus, FestivalStatus, LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import subtree_clause
from festival.organizations.models import Organization, Venue

FIRST_YEAR = 2005  # Decision 521/QĐ-TTg
LAST_YEAR = 2100
MAIN_DAY = (8, 19)
THEME_MAX = 500


def default_main_day(year: int) -> date:
    return date(year, *MAIN_DAY)


@dataclass
class EditionData:
    year: int
    season_start: date
    season_end: date
    main_day: date | None = None
    theme: str = ""
    status: str = EditionStatus.DRAFT.value


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(
            _l("The year must be between %(a)s and %(b)s.", a=FIRST_YEAR, b=LAST_YEAR),
            "year_out_of_range",
            field="year",
        )


def _edition_exists(year: int) -> DomainError:
    return DomainError(_l("The %(year)s edition already exists.", year=year), "edition_exists", field="year")


def _check_edition(data: EditionData, edition: Edition | None) -> None:
    """Every rule but the year's, which save_edition checks first (date() refuses years such as 0)."""
    if len(data.theme) > THEME_MAX:
        # The form checks it too; other callers would otherwise meet PostgreSQL's DataError.
        raise DomainError(
            _l("The theme can have at most %(n)s characters.", n=THEME_MAX), "theme_too_long", field="theme"
        )
    clash = db.session.scalar(select(Edition.id).where(Edition.year == data.year))
    if clash is not None and (edition is None or clash != edition.id):
        raise _edition_exists(data.year)
    for name in ("season_start", "season_end", "main_day"):
        day = getattr(data, name)
        if day.year != data.year:
            raise DomainError(_l("This date must fall in %(year)s.", year=data.year), "date_outside_year", field=name)
    if data.season_start > data.season_end:
        raise DomainError(_l("The season must end on or after the day it starts."), "season_order", field="season_end")
    if not data.season_start <= data.main_day <= data.season_end:
        raise DomainError(_l("The main day must fall inside the season."), "main_day_outside_season", field="main_day")
    try:
        EditionStatus(data.status)
    except ValueError:
        raise DomainError(_l("Unknown status."), "status_unknown", field="status") from None


def save_edition(data: EditionData, edition: Edition | None = None) -> Edition:
    """Create (edition=None) or change an edition."""
    data.theme = nfc(data.theme)
    _check_year(data.year)  # before default_main_day(): date() itself refuses years such as 0 or 10000
    data.main_day = data.main_day or default_main_day(data.year)
    _check_edition(data, edition)
    if edition is None:
        edition = Edition()
        db.session.add(edition)
    edition.year = data.year
    edition.theme = data.theme
    edition.season_start = data.season_start
    edition.season_end = data.season_end
    edition.main_day = data.main_day
    edition.status = data.status
    commit_unique({"uq_editions_year": _edition_exists(data.year)})
    return edition


def get_edition(year: int) -> Edition:
    # A year outside the editions' range finds nothing, without asking the database (its column is a smallint).
    edition = (
        db.session.scalar(select(Edition).where(Edition.year == year)) if FIRST_YEAR <= year <= LAST_YEAR else None
    )
    if edition is None:
        raise NotFound(_l("There is no %(year)s edition.", year=year), "edition_not_found")
    return edition


def list_editions() -> list[Edition]:
    return list(db.session.scalars(select(Edition).order_by(Edition.year.desc())))


def pick_current(editions: list[Edition], today: date, include_drafts: bool = False) -> Edition | None:
    """The earliest published edition whose season has not ended yet, else the latest published or archived."""
    statuses = {EditionStatus.PUBLISHED.value}
    if include_drafts:
        statuses.add(EditionStatus.DRAFT.value)
    upcoming = [e for e in editions if e.status in statuses and e.season_end >= today]
    if upcoming:
        return min(upcoming, key=lambda e: e.year)
    past = [e for e in editions if e.status in statuses | {EditionStatus.ARCHIVED.value}]
    return max(past, key=lambda e: e.year) if past else None


def current_edition(include_drafts: bool = False) -> Edition | None:
    """The edition the public pages show (one a year: loading them all is a handful of rows)."""
    return pick_current(list_editions(), today_local(), include_drafts)


@dataclass
class FestivalData:
    locality: Locality
    day: date
    start: time
    end: time
    venue: Venue | None = None
    hosts: list[Organization] = field(default_factory=list)
    is_model_site: bool = False
    model_site_level: str | None = None
    is_practice: bool = False
    status: str = FestivalStatus.PLANNED.value
    notes: str = ""


def _festival_exists() -> DomainError:
    return DomainError(
        _l("This locality already has a festival day in this edition."), "festival_exists", field="locality"
    )


MODEL_SITE_LEVELS = ("nation", "province")
NOTES_MAX = 5000


def stale_festival() -> DomainError:
    return DomainError(
        _l("Someone else saved this festival day meanwhile. Its newer version is shown: check it and save again."),
        "stale_version",
        status=409,
    )


def may_set_model_site(user: User | None, level: str | None, locality: Locality) -> bool:
    """Whether `user` may choose (or drop) a model site of `level` for `locality`.

    National model sites are chosen by the Ministry: administrators only. Provincial ones by the province:
    administrators, and organizers working at province level whose scope holds the locality. Commands run on the
    server (no user) may do both.
    """
    if user is None or user.is_admin:
        return True
    if level != "province" or user.role != Role.ORGANIZER:
        return False
    scope = scope_locality(user)
    return scope is not None and scope.level == "province" and locality.path.startswith(scope.path)


def model_site_levels_for(user: User | None, locality: Locality | None) -> list[str]:
    """The model-site levels `user` may set for `locality` (empty: the flag is read-only to them)."""
    if locality is None:
        return [level for level in MODEL_SITE_LEVELS if user is None or user.is_admin]
    return [level for level in MODEL_SITE_LEVELS if may_set_model_site(user, level, locality)]


def _check_scope(user: User | None, data: FestivalData, festival: LocalityFestival | None) -> None:
    if user is None:
        return
    outside = Forbidden(
        _l("%(name)s is outside your scope.", name=data.locality.full_name), "locality_outside_scope", field="locality"
    )
    if user.role not in (Role.ADMIN, Role.ORGANIZER):
        raise outside
    if not in_scope(user, data.locality) or (festival is not None and not in_scope(user, festival.locality)):
        raise outside
    before = (festival.is_model_site, festival.model_site_level) if festival is not None else (False, None)
    after = (data.is_model_site, data.model_site_level if data.is_model_site else None)
    if before == after:
        return
    for level in {before[1], after[1]} - {None}:
        if not may_set_model_site(user, level, data.locality):
            raise Forbidden(
                _l("Only the level that chooses model sites may set or change this flag."),
                "model_site_not_allowed",
                field="is_model_site",
            )


def check_festival_values(edition: Edition, data: FestivalData) -> None:
    """The rules that need no query: the day in the season (but a practice run), the times, the model-site level,
    the status, the notes' length."""
    if not data.is_practice and not edition.season_start <= data.day <= edition.season_end:
        raise DomainError(
            _l("The festival day must fall inside the season of the edition."),
            "day_outside_season",
            field="day",
        )
    if data.end <= data.start:
        # Both times fall on the festival's own day: a festival day never runs past midnight.
        raise DomainError(_l("The festival must end after it starts, on the same day."), "time_order", field="end")
    if data.is_model_site and data.model_site_level not in MODEL_SITE_LEVELS:
        raise DomainError(
            _l("Say which level chose this model site."),
            "model_site_level_required",
            field="model_site_level",
        )
    if not data.is_model_site:
        data.model_site_level = None
    try:
        FestivalStatus(data.status)
    except ValueError:
        # Refused here with a code, not by the database's check constraint as an IntegrityError.
        raise DomainError(_l("Unknown status."), "status_unknown", field="status") from None
    if len(data.notes) > NOTES_MAX:
        raise DomainError(
            _l("The notes can have at most %(n)s characters.", n=NOTES_MAX), "notes_too_long", field="notes"
        )


def _check_festival(edition: Edition, data: FestivalData, festival: LocalityFestival | None) -> None:
    check_festival_values(edition, data)
    clash = db.session.scalar(
        select(LocalityFestival.id).where(
            LocalityFestival.edition_id == edition.id, LocalityFestival.locality_id == data.locality.id
        )
    )
    if clash is not None and (festival is None or clash != festival.id):
        raise _festival_exists()
    if data.venue is not None and not data.venue.locality.path.startswith(data.locality.path):
        raise DomainError(
            _l("The venue must lie in the locality or below it."), "venue_outside_locality", field="venue"
        )
    for host in data.hosts:
        host_path = host.locality.path
        if not (host_path.startswith(data.locality.path) or data.locality.path.startswith(host_path)):
            raise DomainError(
                _l("%(name)s belongs neither to this locality’s subtree nor to a unit above it.", name=host.name),
                "host_outside_locality",
                field="hosts",
            )


def _program_shift(festival: LocalityFestival, moved: timedelta, starts_at, ends_at) -> timedelta:
    """How far the program moves with its festival day: by the days the day moved (each item at the same time of
    day) when the new hours still hold it, else with the festival's start (a morning program moved to the
    afternoon keeps its order and gaps). New hours that hold it neither way are refused: an item is never left
    outside its festival day (cancelled items do not count)."""
    from festival.agenda.models import AgendaItem, ItemStatus

    live = (AgendaItem.festival_id == festival.id, AgendaItem.status != ItemStatus.CANCELLED.value)
    first, last = db.session.execute(
        select(func.min(AgendaItem.starts_at), func.max(AgendaItem.ends_at)).where(*live)
    ).one()
    if first is None:
        return moved
    for delta in (moved, starts_at - festival.starts_at):
        if first + delta >= starts_at and last + delta <= ends_at:
            return delta
    outside = db.session.scalar(
        select(func.count(AgendaItem.id)).where(
            *live, or_(AgendaItem.starts_at < starts_at - moved, AgendaItem.ends_at > ends_at - moved)
        )
    )
    raise DomainError(
        _l(
            "%(n)s items of the program would fall outside these hours. Move them first, or choose hours that "
            "hold them.",
            n=outside,
        ),
        "program_outside_day",
        field="start",
    )


def save_festival(
    edition: Edition,
    data: FestivalData,
    festival: LocalityFestival | None = None,
    *,
    user: User | None = None,
    expected_version: int | None = None,
) -> LocalityFestival:
    """Create (festival=None) or change a locality's festival day.

    `user`: who asks (None: a command on the server, no scope). `expected_version`: the version the form showed;
    a newer one saved meanwhile refuses the change with "stale_version" (409), and so does a concurrent save that
    SQLAlchemy's version counter catches at commit.
    """
    data.notes = nfc(data.notes)
    _check_scope(user, data, festival)
    if festival is not None and expected_version is not None and expected_version != festival.version:
        raise stale_festival()
    _check_festival(edition, data, festival)
    starts_at, ends_at = local_to_utc(data.day, data.start), local_to_utc(data.day, data.end)
    moved = timedelta(0)
    if festival is not None and festival.id is not None:
        days = timedelta(days=(data.day - festival.local_start.date()).days)
        moved = _program_shift(festival, days, starts_at, ends_at)
    try:
        # A concurrent save shows up at the first flush (loading the hosts may flush) or at the commit.
        if festival is None:
            festival = LocalityFestival(edition=edition)
            db.session.add(festival)
        if moved:
            # The program goes with its day (published items get a revision: subscribed calendars see the move).
            from festival.agenda.services import shift_items

            shift_items(festival, moved, user, commit_now=False)
        festival.locality = data.locality
        festival.starts_at = starts_at
        festival.ends_at = ends_at
        festival.venue = data.venue
        festival.hosts = list(data.hosts)
        festival.is_model_site = data.is_model_site
        festival.model_site_level = data.model_site_level
        festival.is_practice = data.is_practice
        festival.status = data.status
        festival.notes = data.notes
        commit_unique({"uq_locality_festivals_edition_id_locality_id": _festival_exists()})
    except StaleDataError:
        db.session.rollback()
        raise stale_festival() from None
    return festival


def add_festivals(edition: Edition, items: list[FestivalData]) -> int:
    """Create many festival days at once, all or nothing (the caller has checked every item: bulk creation checks
    thousands of rows with a few queries, festivals.bulk). A festival day created meanwhile by someone else for one
    of the units refuses the whole batch."""
    for data in items:
        festival = LocalityFestival(
            edition_id=edition.id,
            locality=data.locality,
            starts_at=local_to_utc(data.day, data.start),
            ends_at=local_to_utc(data.day, data.end),
            venue=data.venue,
            is_model_site=False,
            is_practice=data.is_practice,
            status=data.status,
            notes=nfc(data.notes),
        )
        db.session.add(festival)
    commit_unique({"uq_locality_festivals_edition_id_locality_id": _festival_exists()})
    return len(items)


def _festival_query(edition: Edition):
    return (
        select(LocalityFestival)
        .join(LocalityFestival.locality)
        .where(LocalityFestival.edition_id == edition.id)
        # Many-to-one data comes in the same query: the unit (already joined for the order), its parent, the venue.
        .options(
            contains_eager(LocalityFestival.locality).joinedload(Locality.parent),
            joinedload(LocalityFestival.venue),
        )
        .order_by(LocalityFestival.starts_at, Locality.sort_key)
    )


def festivals_in_scope(
    user: User, edition: Edition, query: str = "", page: int = 1, within: Locality | None = None
) -> Page:
    """The festivals of an edition in the user's subtree, optionally only those of localities matching `query`
    and (`within`) those in a unit's subtree."""
    stmt = _festival_query(edition).where(scope_clause(user, Locality.path))
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    key = search_key(query)
    if key:
        high = prefix_upper_bound(key)
        stmt = stmt.where(
            or_(
                (Locality.search_name >= key) & (Locality.search_name < high),
                (Locality.search_full >= key) & (Locality.search_full < high),
                (Locality.code >= key) & (Locality.code < high),
            )
        )
    return paginate(stmt, page)


def public_festivals(edition: Edition, page: int = 1, within: Locality | None = None) -> Page:
    stmt = _festival_query(edition).where(LocalityFestival.status != FestivalStatus.CANCELLED.value)
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    return paginate(stmt, page)


def festivals_per_day(
    edition: Edition, user: User | None = None, within: Locality | None = None
) -> list[tuple[date, int]]:
    """How many festival days fall on each local day of the season (for the dashboard's chart), in the user's
    scope and, when given, in the `within` subtree."""
    start, end = edition.season_start, edition.season_end
    low, high = local_day_bounds(start)[0], local_day_bounds(end)[1]
    stmt = (
        select(LocalityFestival.starts_at)
        .join(LocalityFestival.locality)
        .where(
            LocalityFestival.edition_id == edition.id,
            LocalityFestival.starts_at >= low,
            LocalityFestival.starts_at < high,
            LocalityFestival.status != FestivalStatus.CANCELLED.value,
        )
    )
    if user is not None:
        stmt = stmt.where(scope_clause(user, Locality.path))
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    counts: dict[date, int] = {}
    for (moment,) in db.session.execute(stmt):
        day = to_local(moment).date()
        counts[day] = counts.get(day, 0) + 1
    days = (end - start).days + 1
    return [(start + timedelta(days=i), counts.get(start + timedelta(days=i), 0)) for i in range(days)]


def edition_stats(edition: Edition) -> dict:
    row = db.session.execute(
        select(
            func.count(LocalityFestival.id),
            func.count(LocalityFestival.id).filter(LocalityFestival.is_model_site.is_(True)),
        ).where(LocalityFestival.edition_id == edition.id)
    ).one()
    return {"festivals": row[0], "model_sites": row[1]}
