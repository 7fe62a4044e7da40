"""The feeds write their VEVENTs themselves (icalendar is too slow for a province's 5,000 items): what they write
must be what icalendar's own builder (`ics.item_event`) gives, property by property, as icalendar reads it back."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from festival.agenda.models import AgendaItem
from festival.calendar import ics
from festival.calendar.render import _Writer
from festival.extensions import db
from tests.calendar.support import parse_with_icaljs


def test_the_feed_writer_says_what_icalendar_says(app, feeds_world, make):
    make.agenda_item(
        feeds_world["festival"],
        kind="other",
        minutes=(170, 180),
        title='Tổng kết; trao giải, "nhất\\nhì" và\tkhép lại\nbuổi lễ ' + "rất dài " * 20,
        description="Dòng một\r\nDòng hai, có dấu phẩy; và chấm phẩy",
    )
    items = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).all()
    with app.test_request_context("/"):
        writer = _Writer("vi", "https://ngayhoi.example.vn")
        for item in items:
            writer.load_names(db.session, [item])
            properties = writer.properties(item)
            ours = Calendar.from_ical(b"BEGIN:VCALENDAR\r\n" + writer.event(item) + b"END:VCALENDAR\r\n")
            (event,) = ours.walk("VEVENT")
            reference = ics.item_event(item, **properties)
            assert sorted(event.keys()) == sorted(reference.keys()), item.title
            for name in reference:
                assert event[name].to_ical() == reference[name].to_ical(), (item.title, name)


def test_control_characters_leave_and_lines_stay_short(app, feeds_world):
    """RFC 5545 TEXT holds no control character but HTAB (icalendar would keep them: here they leave)."""
    title = "Văn nghệ\x00\x1b chào mừng; ngày hội, " + "đ" * 120
    assert ics.escape_text(title) == "Văn nghệ chào mừng\\; ngày hội\\, " + "đ" * 120
    line = ics.fold("SUMMARY:" + ics.escape_text(title))
    physical = line.split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical) and all(p.startswith(b" ") for p in physical[1:])
    for p in physical:
        p.decode("utf-8")
    body = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:1\r\n" + line
    body += b"DTSTAMP:20270101T000000Z\r\nDTSTART:20270810T010000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    assert parse_with_icaljs(body)["events"][0]["summary"] == "Văn nghệ chào mừng; ngày hội, " + "đ" * 120
