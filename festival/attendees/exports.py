"""The list of registrations as a CSV file (UTF-8 with a BOM, so that Excel shows Vietnamese) or an Excel workbook,
with the filters of the page. Each export is noted in the change log: who, the format, the filters and the
number of rows (no personal data).

Cells that a spreadsheet would run as a formula (starting with =, +, - or @) are written as text: a name typed in
a public form must not become a formula on an organizer's computer.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import phonenumbers
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from festival.attendees.services import Filters, registrations_query
from festival.audit import recorder
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration import quotas
from festival.registration.models import Registration, RegistrationKind, RegistrationStatus

EXPORT_MAX_ROWS = 50_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%d/%m/%Y %H:%M"


def columns() -> list[tuple[str, int]]:
    """Header texts and column widths (characters) of both formats."""
    return [
        (_("No."), 6),
        (_("Full name"), 28),
        (_("Phone"), 16),
        (_("E-mail"), 28),
        (_("Organization"), 30),
        (_("Position"), 24),
        (_("Seat or section"), 14),
        (_("For"), 30),
        (_("Kind"), 12),
        (_("Status"), 16),
        (_("Registered at"), 17),
        (_("Confirmed at"), 17),
        (_("Attended at"), 17),
    ]


def national_phone(phone: str | None) -> str:
    """0912 000 111 rather than +84912000111: what people read, and what a spreadsheet keeps as text."""
    if not phone:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(phone, "VN"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return phone


def rows(festival: LocalityFestival, filters: Filters) -> list[list]:
    kinds = {k.value: str(k.label) for k in RegistrationKind}
    statuses = {s.value: str(s.label) for s in RegistrationStatus}
    stmt = registrations_query(festival, filters).limit(EXPORT_MAX_ROWS)
    result = []
    for entry in db.session.scalars(stmt).unique():
        entry: Registration
        result.append(
            [
                entry.id,
                entry.full_name,
                national_phone(entry.phone),
                entry.email or "",
                entry.affiliation,
                entry.position_title,
                entry.seat,
                quotas.title_of(entry.quota),
                kinds.get(entry.kind, entry.kind),
                statuses.get(entry.status, entry.status),
                _local(entry.created_at),
                _local(entry.confirmed_at),
                _local(entry.attendance.marked_at if entry.attendance else None),
            ]
        )
    return result


def _local(moment: datetime | None) -> datetime | None:
    local = to_local(moment)
    return local.replace(tzinfo=None) if local else None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(DATE_FORMAT)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(data: list[list]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for title, _width in columns()])
    for row in data:
        writer.writerow([_text(value) for value in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def to_xlsx(data: list[list], sheet_title: str) -> bytes:
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = sheet_title[:31] or "Sheet1"
    bold = Font(bold=True)
    for index, (title, width) in enumerate(columns(), start=1):
        cell = sheet.cell(row=1, column=index, value=title)
        cell.font = bold
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    for r, row in enumerate(data, start=2):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if isinstance(value, datetime):
                cell.value = value
                cell.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, str):
                cell.value = value
                cell.data_type = "s"  # never a formula, whatever it starts with
            else:
                cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(festival: LocalityFestival, filters: Filters, fmt: str) -> bytes:
    """The file, and its note in the change log (committed)."""
    data = rows(festival, filters)
    content = to_csv(data) if fmt == "csv" else to_xlsx(data, _("Registrations"))
    # One entry per filter in use. The searched text may be a name or a phone number: only that there was one.
    noted = {f"filter_{key}": (None, value) for key, value in filters.as_args().items() if key != "q"}
    if filters.q:
        noted["filter_search"] = (None, True)
    recorder.note(db.session, festival, "export", {"format": (None, fmt), "rows": (None, len(data)), **noted})
    db.session.commit()
    return content
