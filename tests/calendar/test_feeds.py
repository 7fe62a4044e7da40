"""What a subscriber's calendar app reads: every feed parsed by ical.js and by the icalendar library, and the
properties RFC 5545 asks for checked on what they parsed."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from festival.agenda import services as agenda
from festival.agenda.models import AgendaItem
from festival.calendar.ics import item_uid
from festival.core.time import utcnow
from festival.extensions import db
from tests.calendar.support import events_by_uid, parse_with_icalendar, parse_with_icaljs, summaries


def feed_urls(w) -> list[str]:
    return [
        "/calendar/2027.ics",
        "/calendar/2027/localities/01.ics",
        "/calendar/2027/localities/00376.ics",
        f"/calendar/2027/organizations/{w['organization'].id}.ics",
        f"/calendar/2027/venues/{w['stadium'].id}.ics",
        f"/agenda/{w['item'].id}.ics",
    ]


def test_every_feed_is_a_calendar_both_parsers_read(client, feeds_world):
    for url in feed_urls(feeds_world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.get_data()
        parsed = parse_with_icaljs(body)
        assert parsed["prodid"].startswith("-//Ngay Hoi//")
        assert (parsed["version"], parsed["calscale"], parsed["method"]) == ("2.0", "GREGORIAN", "PUBLISH")
        assert parsed["timezone"] == "Asia/Ho_Chi_Minh" and parsed["zones"] == ["Asia/Ho_Chi_Minh"]
        assert parsed["refresh_interval"] == "PT6H" and parsed["refresh_value_type"] == "duration"
        assert parsed["published_ttl"] == "PT6H"
        assert parsed["name"], url
        assert parsed["events"], url
        calendar = parse_with_icalendar(body)
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Ho_Chi_Minh"]
        assert {str(e["UID"]) for e in calendar.walk("VEVENT")} == {e["uid"] for e in parsed["events"]}


def test_an_event_carries_what_a_calendar_shows(client, feeds_world):
    item, stadium = feeds_world["item"], feeds_world["stadium"]
    body = client.get("/calendar/2027.ics").get_data()
    events = events_by_uid(body)
    ceremony = events[item_uid(item.id)]
    # 08:00 in Hà Nội on 10/08/2027 is 01:00 UTC; the times carry the zone, not a bare UTC.
    assert ceremony["start"] == "2027-08-10T01:00:00.000Z" and ceremony["end"] == "2027-08-10T01:30:00.000Z"
    assert ceremony["start_tzid"] == "Asia/Ho_Chi_Minh" and ceremony["start_zone"] == "Asia/Ho_Chi_Minh"
    assert ceremony["summary"] == item.title
    assert ceremony["status"] == "CONFIRMED" and ceremony["sequence"] == 1
    assert ceremony["location"] == "Nhà văn hoá xã, Xã Sóc Sơn, Thành phố Hà Nội"
    assert ceremony["url"] == f"http://localhost/festivals/{item.festival_id}"
    assert "Công an xã Sóc Sơn" in ceremony["description"]
    assert ceremony["url"] in ceremony["description"]
    assert len(ceremony["categories"]) == 2
    assert ceremony["organizer"] is False
    # DTSTAMP is the item's last change, not the time of the request: the same data gives the same text.
    db.session.refresh(item)
    changed = item.updated_at.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert ceremony["dtstamp"] == changed and ceremony["last_modified"] == changed
    assert ceremony["created"] is not None
    sports = next(e for e in events.values() if e["summary"] == "Giải bóng chuyền hơi")
    assert sports["geo"] == [stadium.latitude, stadium.longitude]
    assert sports["location"].startswith("Sân vận động xã, Thôn Đông, Xã Sóc Sơn")
    calendar = parse_with_icalendar(body)
    by_uid = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    start = by_uid[item_uid(item.id)].decoded("DTSTART")
    assert str(start.tzinfo) == "Asia/Ho_Chi_Minh" and start.hour == 8
    assert "ORGANIZER" not in by_uid[item_uid(item.id)]


def test_no_draft_item_and_no_draft_program_reach_a_feed(client, feeds_world, make):
    make.agenda_item(feeds_world["festival"], kind="contest", minutes=(120, 150), title="Hội thi chưa công bố")
    titles = summaries(client.get("/calendar/2027.ics").get_data())
    assert "Hội thi bản nháp" not in titles and "Hội thi chưa công bố" not in titles
    assert client.get(f"/agenda/{feeds_world['draft'].id}.ics").status_code == 404


def test_a_province_feed_holds_its_communes_and_hamlets_and_no_other_province(client, feeds_world):
    hanoi = summaries(client.get("/calendar/2027/localities/01.ics").get_data())
    assert {"Giải bóng chuyền hơi", "Văn nghệ thôn Đông", feeds_world["item"].title} <= hanoi
    assert "Diễn đàn phường Hàm Rồng" not in hanoi
    thanh_hoa = summaries(client.get("/calendar/2027/localities/38.ics").get_data())
    assert thanh_hoa == {"Diễn đàn phường Hàm Rồng"}
    hamlet = summaries(client.get("/calendar/2027/localities/00376001.ics").get_data())
    assert hamlet == {"Văn nghệ thôn Đông"}


def test_organization_and_venue_feeds_hold_their_items(client, feeds_world, make):
    w = feeds_world
    assert summaries(client.get(f"/calendar/2027/organizations/{w['organization'].id}.ics").get_data()) == {
        w["item"].title
    }
    assert summaries(client.get(f"/calendar/2027/venues/{w['stadium'].id}.ics").get_data()) == {"Giải bóng chuyền hơi"}
    # An item that names no venue is held at its festival day's venue.
    make.agenda_item(w["festival"], kind="exhibition", minutes=(30, 60), title="Triển lãm ảnh")
    agenda.publish_program(w["festival"])
    at_hall = summaries(client.get(f"/calendar/2027/venues/{w['venue'].id}.ics").get_data())
    assert at_hall == {w["item"].title, "Triển lãm ảnh"}


def test_filters_by_part_and_kind(client, feeds_world):
    assert summaries(client.get("/calendar/2027.ics?part=ceremony").get_data()) == {feeds_world["item"].title}
    assert summaries(client.get("/calendar/2027.ics?kind=sports").get_data()) == {"Giải bóng chuyền hơi"}
    assert summaries(client.get("/calendar/2027/localities/38.ics?part=ceremony").get_data()) == set()


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("part=banquet", "part"), ("kind=%00", "kind"), ("kind=arts&kind=sports", "kind"), ("lang=fr", "lang")],
)
def test_a_malformed_filter_is_a_400_naming_the_parameter(client, feeds_world, query, parameter):
    response = client.get(f"/calendar/2027.ics?{query}")
    assert response.status_code == 400
    if parameter != "kind" or "%00" not in query:
        assert response.mimetype == "application/problem+json"
        assert response.json["parameter"] == parameter and parameter in response.json["detail"]


def test_unknown_year_code_or_number_is_a_404(client, feeds_world, make):
    make.edition(2028, status="draft")
    w = feeds_world
    for url in [
        "/calendar/2031.ics",
        "/calendar/2028.ics",  # a draft edition
        "/calendar/2027/localities/99999.ics",
        "/calendar/2027/localities/x%20y.ics",
        "/calendar/2031/localities/01.ics",
        "/calendar/2027/organizations/999999.ics",
        "/calendar/2027/venues/999999.ics",
        "/agenda/999999.ics",
        "/calendar/99999999999999999999.ics",
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
    assert client.get(f"/calendar/2028/venues/{w['venue'].id}.ics").status_code == 404


def test_one_item_downloads_as_a_file(client, feeds_world):
    response = client.get(f"/agenda/{feeds_world['item'].id}.ics")
    assert response.headers["Content-Disposition"] == f'attachment; filename="agenda-{feeds_world["item"].id}.ics"'
    parsed = parse_with_icaljs(response.get_data())
    assert [e["uid"] for e in parsed["events"]] == [item_uid(feeds_world["item"].id)]
    assert parsed["name"] == feeds_world["item"].title


def test_moving_an_item_raises_its_sequence_and_keeps_its_uid(client, feeds_world):
    item = feeds_world["item"]
    before = events_by_uid(client.get("/calendar/2027.ics").get_data())[item_uid(item.id)]
    agenda.set_times(db.session.get(AgendaItem, item.id), time(9, 0), time(9, 45))
    after = events_by_uid(client.get("/calendar/2027.ics").get_data())[item_uid(item.id)]
    assert after["sequence"] == before["sequence"] + 1
    assert after["start"] == "2027-08-10T02:00:00.000Z" and after["end"] == "2027-08-10T02:45:00.000Z"
    assert after["dtstamp"] >= before["dtstamp"]


def _cancel(item: AgendaItem) -> None:
    data = agenda.ItemData(
        part=item.part,
        kind=item.kind,
        title=item.title,
        start=item.local_start.time(),
        end=item.local_end.time(),
        venue=item.venue,
        cancelled=True,
    )
    agenda.save_item(item.festival, data, item)


def test_a_cancelled_item_stays_as_cancelled_for_30_days_then_leaves(client, feeds_world):
    item = db.session.get(AgendaItem, feeds_world["item"].id)
    revision = item.revision
    _cancel(item)
    event = events_by_uid(client.get("/calendar/2027.ics").get_data())[item_uid(item.id)]
    assert event["status"] == "CANCELLED" and event["sequence"] == revision + 1
    item.cancelled_at = utcnow() - timedelta(days=29)
    db.session.commit()
    assert item_uid(item.id) in events_by_uid(client.get("/calendar/2027.ics").get_data())
    item.cancelled_at = utcnow() - timedelta(days=31)
    db.session.commit()
    assert item_uid(item.id) not in events_by_uid(client.get("/calendar/2027.ics").get_data())
    assert client.get(f"/agenda/{item.id}.ics").status_code == 404


def test_lines_are_folded_at_75_octets_without_splitting_a_character(client, feeds_world, make):
    title = "Hội thi tìm hiểu pháp luật về phòng, chống tội phạm và tệ nạn xã hội của đoàn viên thanh niên " * 2
    make.agenda_item(feeds_world["festival"], kind="contest", minutes=(150, 170), title=title.strip())
    agenda.publish_program(feeds_world["festival"])
    body = client.get("/calendar/2027.ics").get_data()
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    lines = body.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # a character split across two lines would not decode
    assert any(line.startswith(b" ") for line in lines)
    unfolded = body.replace(b"\r\n ", b"").decode("utf-8")
    assert f"SUMMARY:{title.strip().replace(',', chr(92) + ',')}\r\n" in unfolded
    assert title.strip() in summaries(body)


def test_a_feed_speaks_the_language_its_address_asks_for(client, feeds_world):
    english = parse_with_icaljs(client.get("/calendar/2027/localities/01.ics?lang=en").get_data())
    assert english["name"].endswith("Hanoi City")
    ceremony = events_by_uid(client.get("/calendar/2027.ics?lang=en").get_data())[item_uid(feeds_world["item"].id)]
    assert ceremony["categories"][0] == "Ceremony"
    assert ceremony["location"] == "Nhà văn hoá xã, Soc Son Commune, Hanoi City"
