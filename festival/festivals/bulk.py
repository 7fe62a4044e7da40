"""The festival days still missing in a unit's scope, and creating them in bulk.

An organizer sees the units directly below the chosen one (a province's communes, a commune's residential
areas) that have no festival day yet in the edition, and creates them either by ticking units with one date and
time, or by uploading a CSV of `code,date,start,end,venue`. Both are all or nothing: one bad row and nothing is
saved, and every bad row is listed with its line number and the reason.

A CSV is checked with a handful of queries whatever its length (the units, their festival days and the venues
it names are loaded in chunks), so 5,000 rows are checked and saved synchronously in one request.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, time

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from festival.accounts.auth import in_scope
from festival.accounts.models import User
from festival.core.errors import DomainError, Forbidden
from festival.core.forms import INVALID_DAY, parse_day
from festival.core.pagination import Page, paginate
from festival.core.text import has_control_characters, nfc, search_key
from festival.core.text import printable as shown
from festival.editions import services as editions
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.festivals.forms import INVALID_CLOCK, parse_clock
from festival.localities.models import Locality
from festival.localities.services import subtree_clause
from festival.organizations.models import Venue

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
PER_PAGE = 50
CHUNK = 500  # ids or codes per IN (...) list: well under SQLite's and PostgreSQL's limits


def missing_units(edition: Edition, parent: Locality, page: int = 1) -> Page:
    """The units directly below `parent` without a festival day in the edition, in Vietnamese order: one COUNT
    and one page query."""
    has_festival = exists().where(
        LocalityFestival.edition_id == edition.id, LocalityFestival.locality_id == Locality.id
    )
    stmt = (
        select(Locality)
        .where(Locality.parent_id == parent.id, ~has_festival)
        .order_by(Locality.sort_key, Locality.code)
    )
    return paginate(stmt, page, PER_PAGE)


def _check_parent(user: User, parent: Locality) -> None:
    if not in_scope(user, parent):
        raise Forbidden(_l("%(name)s is outside your scope.", name=parent.full_name), "locality_outside_scope")


def create_for_units(
    user: User, edition: Edition, parent: Locality, codes: list[str], day: date, start: time, end: time
) -> int:
    """One festival day, on the same date and times, for each ticked unit below `parent`."""
    _check_parent(user, parent)
    codes = sorted({c for c in codes if isinstance(c, str) and c})
    if not codes:
        raise DomainError(_l("Tick at least one unit."), "units_required", field="codes")
    if len(codes) > MAX_ROWS:
        raise DomainError(_l("Tick at most %(n)s units at once.", n=MAX_ROWS), "too_many_units", field="codes")
    units = _units_by_code(codes)
    strangers = [c for c in codes if c not in units or units[c].parent_id != parent.id]
    if strangers:
        raise DomainError(
            _l("Some ticked units are not directly below %(name)s.", name=parent.full_name),
            "unit_outside_parent",
            field="codes",
        )
    items = [editions.FestivalData(locality=units[c], day=day, start=start, end=end) for c in codes]
    editions.check_festival_values(edition, items[0])
    taken = _taken(edition, [u.id for u in units.values()])
    if taken:
        names = ", ".join(sorted(u.full_name for u in units.values() if u.id in taken)[:5])
        raise DomainError(
            _l("These units already have a festival day in this edition: %(names)s.", names=names),
            "festival_exists",
            field="codes",
        )
    return _add(edition, items, "codes")


def _add(edition: Edition, items: list[editions.FestivalData], field: str) -> int:
    """Save the batch; a festival day created meanwhile by someone else refuses it, next to the form's field."""
    try:
        return editions.add_festivals(edition, items)
    except DomainError as error:
        error.field = field
        raise


# --- CSV -------------------------------------------------------------------------------------------------------


class ImportRejected(Exception):
    """The CSV had bad rows: `rows` is [(line number, reason)], in file order. Nothing was saved."""

    def __init__(self, rows: list[tuple[int, str]]):
        super().__init__(f"{len(rows)} bad rows")
        self.rows = rows


@dataclass
class _Row:
    line: int
    code: str
    day: str
    start: str
    end: str
    venue: str


def _read(upload) -> list[_Row]:
    if upload is None or not getattr(upload, "filename", ""):
        raise DomainError(_l("Choose a CSV file."), "file_required", field="file")
    raw = upload.stream.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise DomainError(
            _l("The file is larger than %(kb)s KB: split it into several files.", kb=MAX_BYTES // 1024),
            "file_too_large",
            field="file",
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            _l("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”."),
            "file_not_utf8",
            field="file",
        ) from None
    if "\x00" in text:
        raise DomainError(_l("This is not a CSV file."), "file_not_csv", field="file")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[_Row] = []
    try:
        for cells in reader:
            cells = [nfc(c).strip() for c in cells]
            if not any(cells):
                continue
            if not rows and search_key(cells[0]) in ("code", "ma", "maso", "madonvi"):
                continue  # the header
            cells += [""] * (5 - len(cells))
            rows.append(_Row(reader.line_num, *cells[:5]))
            if len(rows) > MAX_ROWS:
                raise DomainError(
                    _l("The file has more than %(n)s rows: split it into several files.", n=MAX_ROWS),
                    "too_many_rows",
                    field="file",
                )
    except csv.Error:
        raise DomainError(
            _l("The file could not be read as CSV (line %(line)s).", line=reader.line_num), "file_not_csv", field="file"
        ) from None
    if not rows:
        raise DomainError(_l("The file has no rows."), "file_empty", field="file")
    return rows


def _chunks(values: list):
    for i in range(0, len(values), CHUNK):
        yield values[i : i + CHUNK]


def _units_by_code(codes: list[str]) -> dict[str, Locality]:
    found: dict[str, Locality] = {}
    for chunk in _chunks([c for c in codes if len(c) <= 20]):
        found.update({u.code: u for u in db.session.scalars(select(Locality).where(Locality.code.in_(chunk)))})
    return found


def _taken(edition: Edition, locality_ids: list[int]) -> set[int]:
    taken: set[int] = set()
    for chunk in _chunks(locality_ids):
        taken.update(
            db.session.scalars(
                select(LocalityFestival.locality_id).where(
                    LocalityFestival.edition_id == edition.id, LocalityFestival.locality_id.in_(chunk)
                )
            )
        )
    return taken


def _venues(parent: Locality, names: set[str]) -> dict[str, list[tuple[str, Venue]]]:
    """Venues of the parent's subtree whose folded name is one of `names`: {folded name: [(path, venue)]}."""
    found: dict[str, list[tuple[str, Venue]]] = {}
    for chunk in _chunks(sorted(k for k in names if k)):
        stmt = (
            select(Locality.path, Venue)
            .join(Venue.locality)
            .where(subtree_clause(Locality.path, parent.path), Venue.search_name.in_(chunk))
        )
        for path, venue in db.session.execute(stmt):
            found.setdefault(venue.search_name, []).append((path, venue))
    return found


def import_csv(user: User, edition: Edition, parent: Locality, upload) -> int:
    """Create a festival day for every row of the CSV, or none: any bad row raises ImportRejected listing them all."""
    _check_parent(user, parent)
    rows = _read(upload)
    units = _units_by_code([r.code for r in rows])
    taken = _taken(edition, [u.id for u in units.values()])
    venues = _venues(parent, {search_key(r.venue) for r in rows if r.venue and len(r.venue) <= 255})
    errors: list[tuple[int, str]] = []
    items: list[editions.FestivalData] = []
    seen: dict[str, int] = {}
    for row in rows:
        try:
            items.append(_row_data(row, edition, parent, units, taken, venues, seen))
        except DomainError as error:
            errors.append((row.line, str(error.message)))
    if errors:
        raise ImportRejected(errors)
    return _add(edition, items, "file")


def _row_data(row: _Row, edition, parent, units, taken, venues, seen) -> editions.FestivalData:
    if not row.code:
        raise DomainError(_l("The code is missing."), "code_required")
    unit = units.get(row.code)
    if unit is None or has_control_characters(row.code):
        raise DomainError(
            _l("No administrative unit has the code %(code)s.", code=shown(row.code, 20)), "locality_not_found"
        )
    if not unit.path.startswith(parent.path):
        raise DomainError(
            _l(
                "%(unit)s (%(code)s) lies outside %(name)s.", unit=unit.full_name, code=unit.code, name=parent.full_name
            ),
            "locality_outside_scope",
        )
    if row.code in seen:
        raise DomainError(
            _l("The code %(code)s is on line %(line)s already.", code=row.code, line=seen[row.code]), "duplicate"
        )
    seen[row.code] = row.line
    if unit.id in taken:
        raise DomainError(
            _l("%(unit)s already has a festival day in this edition.", unit=unit.full_name), "festival_exists"
        )
    day = parse_day(row.day)
    if day is None:
        raise DomainError(INVALID_DAY, "invalid_day")
    start, end = parse_clock(row.start), parse_clock(row.end)
    if start is None or end is None:
        raise DomainError(INVALID_CLOCK, "invalid_time")
    venue = None
    if row.venue:
        key = search_key(row.venue)
        candidates = [v for path, v in venues.get(key, []) if path.startswith(unit.path)]
        own = [v for v in candidates if v.locality_id == unit.id]
        if len(candidates) == 1 or len(own) == 1:
            venue = (own or candidates)[0]
        else:
            raise DomainError(
                _l("No venue called “%(venue)s” in %(unit)s.", venue=shown(row.venue, 80), unit=unit.full_name),
                "venue_not_found",
            )
    data = editions.FestivalData(locality=unit, day=day, start=start, end=end, venue=venue)
    editions.check_festival_values(edition, data)
    return data
