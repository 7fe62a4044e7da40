"""Exports: a CSV that Excel opens in Vietnamese (UTF-8 with a BOM), an Excel workbook with a bold header and
local dd/mm/yyyy HH:MM dates, both with the page's filters, and each noted in the change log."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.extensions import db


def test_the_csv_has_a_bom_a_header_and_the_vietnamese_names(orga, tickets, base):
    response = orga.get(f"{base}/registrations.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Full name", "Phone"]
    by_name = {row[1]: row for row in rows[1:]}
    assert set(by_name) == {"Phạm Thị Lan", "Đỗ Văn Nam", "Hoàng Văn Đức"}
    assert by_name["Phạm Thị Lan"][2] == "0912 000 111"
    assert by_name["Phạm Thị Lan"][3] == "lan@example.vn"
    assert by_name["Hoàng Văn Đức"][5] == "Chủ tịch UBND xã"


def test_the_csv_honours_the_filters(orga, tickets, base):
    response = orga.get(f"{base}/registrations.csv?status=waiting")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == ["Đỗ Văn Nam"]


def test_a_name_that_looks_like_a_formula_stays_text(orga, make, tickets, base):
    make.invitation(tickets["quota"], "=HYPERLINK(1)")
    rows = list(csv.reader(io.StringIO(orga.get(f"{base}/registrations.csv").data.decode("utf-8-sig"))))
    assert "'=HYPERLINK(1)" in {row[1] for row in rows}
    sheet = load_workbook(io.BytesIO(orga.get(f"{base}/registrations.xlsx").data)).active
    cell = next(c for c in sheet["B"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_the_workbook_opens_with_the_rows_a_bold_header_and_local_dates(orga, tickets, base):
    response = orga.get(f"{base}/registrations.xlsx?kind=registration")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["No.", "Full name"] and all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width >= 20
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {row[1] for row in rows} == {"Phạm Thị Lan", "Đỗ Văn Nam"}
    registered = sheet.cell(row=2, column=header.index("Registered at") + 1)
    assert isinstance(registered.value, datetime) and registered.number_format == "dd/mm/yyyy hh:mm"
    entry = tickets["waiting"]
    local = entry.created_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)
    row = next(r for r in rows if r[1] == "Đỗ Văn Nam")
    assert abs((row[header.index("Registered at")] - local).total_seconds()) < 1


def test_each_export_is_noted_with_format_filters_and_count_but_not_the_search(orga, world, tickets, base):
    orga.get(f"{base}/registrations.csv?status=confirmed&q=pham")
    orga.get(f"{base}/registrations.xlsx")
    notes = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)).all()
    assert [n.changes["format"][1] for n in notes] == ["csv", "xlsx"]
    assert notes[0].changes["filter_status"] == [None, "confirmed"]
    assert notes[0].changes["filter_search"] == [None, True]
    assert "filter_status" not in notes[1].changes
    assert [n.changes["rows"][1] for n in notes] == [1, 3]
    assert notes[0].username == "orga" and notes[0].entity_id == world["festival"].id
    assert "pham" not in str(notes[0].changes).lower()
