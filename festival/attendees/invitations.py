"""Invitations (giấy mời): issued one by one or from a CSV file, and the printable card.

A CSV import is all or nothing: every row is tried in a savepoint of one transaction, so that every bad row can
be reported with its line number and reason; if any row is bad, the whole transaction is rolled back and
nothing is saved (no invitation, no e-mail queued, no place taken).
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from festival.attendees import services
from festival.audit import recorder
from festival.core.errors import DomainError
from festival.core.text import fold, nfc
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration import quotas, tickets
from festival.registration import services as registration
from festival.registration.models import Registration

IMPORT_MAX_BYTES = 512 * 1024
IMPORT_MAX_ROWS = 1000
# Accepted headers (folded) for each field: English and the Vietnamese people write.
COLUMNS = {
    "full_name": {"full_name", "name", "ho va ten", "ho ten"},
    "position_title": {"position", "position_title", "chuc vu"},
    "affiliation": {"organization", "organisation", "affiliation", "don vi", "co quan"},
    "seat": {"seat", "section", "ghe", "vi tri", "cho ngoi"},
    "phone": {"phone", "telephone", "dien thoai", "so dien thoai"},
    "email": {"email", "e-mail", "thu dien tu"},
    "item": {"item", "item_id", "hoat dong", "muc"},
}


def issue(
    festival: LocalityFestival,
    item_id: int | None,
    data: registration.InvitationData,
    *,
    takes_place: bool | None,
    user,
) -> Registration:
    """One invitation to the day (item_id None) or to an item. Commits."""
    quota = services.quota_of(festival, item_id, accepting=False)
    entry = registration._new_invitation(quota, data, user=user, takes_place=takes_place)
    recorder.note(db.session, festival, "invite", {"registration_id": (None, entry.id), "quota_id": (None, quota.id)})
    db.session.commit()
    return entry


# --- CSV import -------------------------------------------------------------------------------------------------


@dataclass
class LineError:
    line: int
    message: str


class ImportRefused(DomainError):
    """The file was not imported; `lines` says what was wrong with which line."""

    def __init__(self, message, code: str, lines: list[LineError] | None = None):
        super().__init__(message, code, field="file")
        self.lines = lines or []


def read_rows(content: bytes) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """The header's column positions and the non-empty data rows with their line numbers. UTF-8 with or without
    a BOM; `,` or `;` as the separator (whichever the header uses)."""
    if len(content) > IMPORT_MAX_BYTES:
        raise ImportRefused(_l("The file is too large (at most %(n)s KB).", n=IMPORT_MAX_BYTES // 1024), "too_large")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(_l("The file is not UTF-8 text. Save it as “CSV UTF-8”."), "not_utf8") from None
    text = nfc(text).replace("\x00", "")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            raise ImportRefused(_l("The file is empty."), "empty")
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            key = fold(name).replace("_", " ").strip()
            for column, names in COLUMNS.items():
                if key in {n.replace("_", " ") for n in names} and column not in positions:
                    positions[column] = index
        if "full_name" not in positions:
            raise ImportRefused(_l("The first line must name the columns, with a “full_name” column."), "no_header")
        rows = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= IMPORT_MAX_ROWS:
                raise ImportRefused(_l("The file has too many rows (at most %(n)s).", n=IMPORT_MAX_ROWS), "too_many")
            rows.append((reader.line_num, values))
    except csv.Error:
        raise ImportRefused(_l("The file is not a valid CSV file."), "not_csv") from None
    if not rows:
        raise ImportRefused(_l("The file has no invitation rows."), "empty")
    return positions, rows


def _cell(values: list[str], positions: dict[str, int], column: str) -> str:
    index = positions.get(column)
    return values[index].strip() if index is not None and index < len(values) else ""


def _item_ids(festival: LocalityFestival) -> dict[str, int]:
    """What the `item` column may say: an item's id or its title (accent-insensitive)."""
    names = {}
    for item in services.registrable_items(festival):
        names[str(item.id)] = item.id
        names.setdefault(fold(item.title), item.id)
    return names


def import_csv(festival: LocalityFestival, content: bytes, *, user) -> list[Registration]:
    """Issue every invitation of the file, or none (ImportRefused listing each bad line). Commits."""
    positions, rows = read_rows(content)
    items = _item_ids(festival)
    errors: list[LineError] = []
    targets: list[tuple[int, list[str], int | None]] = []
    for line, values in rows:
        item_text = _cell(values, positions, "item")
        if item_text and fold(item_text) not in items:
            message = _l("“%(item)s” is not an item that takes registrations.", item=item_text[:100])
            errors.append(LineError(line, str(message)))
            continue
        targets.append((line, values, items[fold(item_text)] if item_text else None))
    # Quotas first: creating one commits, which must happen before any invitation is added.
    quotas = {item_id: services.quota_of(festival, item_id, accepting=False) for item_id in {t[2] for t in targets}}
    # The note is written first: its INSERT opens the transaction. (Python's sqlite3 opens one only before a
    # write; a SAVEPOINT outside one would start its own, and releasing it would commit the rows one by one.)
    recorder.note(db.session, festival, "import_invites", {"rows": (None, len(targets))})
    db.session.flush()
    created: list[Registration] = []
    for line, values, item_id in targets:
        data = registration.InvitationData(
            full_name=_cell(values, positions, "full_name"),
            position_title=_cell(values, positions, "position_title"),
            affiliation=_cell(values, positions, "affiliation"),
            seat=_cell(values, positions, "seat"),
            phone=_cell(values, positions, "phone"),
            email=_cell(values, positions, "email"),
        )
        savepoint = db.session.begin_nested()
        try:
            created.append(registration._new_invitation(quotas[item_id], data, user=user))
            savepoint.commit()
        except DomainError as error:
            savepoint.rollback()
            errors.append(LineError(line, str(error.message)))
        except IntegrityError:
            savepoint.rollback()
            errors.append(LineError(line, str(registration.DuplicateRegistration(None).message)))
    if errors:
        db.session.rollback()
        raise ImportRefused(
            _l("Nothing was imported: correct these lines and send the file again."), "import_invalid", errors
        )
    db.session.commit()
    return created


# --- the card ---------------------------------------------------------------------------------------------------


@dataclass
class Card:
    """What an invitation card shows, ready for the template."""

    entry: Registration
    locality: str  # Xã Sóc Sơn: the issuing body's
    town: str  # Sóc Sơn: the date line's
    host: str
    title: str
    starts_local: object
    place: str
    qr: str | None  # a data: URL of the QR code's PNG, None when the ticket is not valid
    issued_local: object


def _with_committee(locality):
    """The unit whose People's Committee issues the card: a residential area (thôn, tổ dân phố) has none, so its
    commune's does; the date line names that commune too ("Sóc Sơn, ngày …", never "2, ngày …" for Thôn 2)."""
    while locality.level == "residential_area" and locality.parent is not None:
        locality = locality.parent
    return locality


def card(entry: Registration) -> Card:
    quota = entry.quota
    festival = quota.festival
    item = quota.item
    venue = (item.venue if item else None) or festival.venue
    place = ", ".join(part for part in (venue.name, getattr(venue, "address", "") or "") if part) if venue else ""
    text = registration.ticket_text(entry)
    qr = "data:image/png;base64," + base64.b64encode(tickets.qr_png(text)).decode() if text else None
    hosts = [h for h in festival.hosts if getattr(h, "name", "")]
    issuing = _with_committee(festival.locality)
    return Card(
        entry=entry,
        locality=issuing.full_name,
        town=issuing.name,
        host=hosts[0].name if hosts else "",
        title=quotas.title_of(quota),
        starts_local=to_local(item.starts_at if item else festival.starts_at),
        place=place,
        qr=qr,
        issued_local=to_local(entry.confirmed_at or entry.created_at),
    )
