"""The personal feed (/calendar/me/<token>.ics): asked for on the ticket page, read by a calendar app, following
the registration (waiting, cancelled), replaced or stopped by its holder, and a 404 that never tells a stopped
address from one that never existed."""

from __future__ import annotations

import re
from datetime import time

import pytest
from sqlalchemy import select

from festival.agenda import services as agenda
from festival.agenda.models import AgendaItem
from festival.extensions import db
from festival.registration import privacy, quotas, services
from festival.registration.models import Registration
from tests.accounts.support import english_client
from tests.calendar.support import events_by_uid, parse_with_icalendar, parse_with_icaljs
from tests.conftest import csrf_token

FEED_RE = re.compile(r'value="http://localhost(/calendar/me/([A-Za-z0-9_-]{43})\.ics\?lang=en)"')


@pytest.fixture
def client(app, database):
    return english_client(app)


def start_feed(client, registration: Registration) -> str:
    """What a holder does: open the confirmation step from the ticket page, confirm, and read the feed's address
    off the ticket page."""
    page = client.get(f"/t/{registration.token}").get_data(as_text=True)
    assert "Get my calendar feed" in page and "/calendar/me/" not in page
    url = f"/t/{registration.token}/calendar/start"
    assert f'href="{url}"' in page
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 303 and response.headers["Location"].endswith("#calendar-feed")
    page = client.get(f"/t/{registration.token}").get_data(as_text=True)
    assert "Your calendar feed is ready" in page
    found = FEED_RE.search(page)
    assert found, "the ticket page shows the feed's address"
    assert f"webcal://localhost{found.group(1)}" in page  # Subscribe
    assert found.group(2) != registration.token  # never the ticket's own secret
    return found.group(1)


def test_a_holder_starts_a_feed_that_calendar_apps_read(client, tickets):
    registration, item = tickets["registration"], tickets["item"]
    url = start_feed(client, registration)

    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Cache-Control"].startswith("private")  # no shared cache keeps a personal feed
    assert response.headers["Referrer-Policy"] == "no-referrer" and response.headers["X-Robots-Tag"] == "noindex"
    parsed = parse_with_icaljs(response.data)
    assert parsed["method"] == "PUBLISH" and parsed["name"] == "My festival day: Khám sức khoẻ miễn phí"
    assert parsed["zones"] == ["Asia/Ho_Chi_Minh"] and parsed["refresh_interval"] == "PT6H"
    [event] = parsed["events"]
    assert event["uid"] == f"agenda-item-{item.id}@ngayhoi.vn"  # the public feeds' UID: one event, not two
    assert event["summary"] == "Khám sức khoẻ miễn phí" and event["status"] == "CONFIRMED"
    # The item runs 09:00-10:00 in Hà Nội on 10/08/2027: 02:00-03:00 UTC, with its zone.
    assert event["start"] == "2027-08-10T02:00:00.000Z" and event["end"] == "2027-08-10T03:00:00.000Z"
    assert event["start_tzid"] == "Asia/Ho_Chi_Minh" and not event["organizer"]
    assert "Nhà văn hoá xã" in event["location"]
    assert parse_with_icalendar(response.data).walk("VEVENT")[0]["UID"] == event["uid"]
    text = response.get_data(as_text=True)
    assert "Phạm Thị Lan" not in text and registration.token not in text  # no name, no way to the ticket


def test_the_feed_answers_304_to_its_etag_until_the_registration_changes(client, tickets):
    registration = tickets["registration"]
    url = start_feed(client, registration)
    first = client.get(url)
    tag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["Cache-Control"].startswith("private")
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304

    services.cancel(db.session.get(Registration, registration.id), by="attendee")
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    # A cancelled registration keeps its feed, which now tells the calendar to remove the event.
    [event] = parse_with_icaljs(changed.data)["events"]
    assert event["status"] == "CANCELLED"
    page = client.get(f"/t/{registration.token}").get_data(as_text=True)
    assert url.split("?")[0] in page  # still shown, to be stopped


def test_a_waiting_registration_is_tentative_and_a_moved_item_raises_sequence(client, tickets, world):
    waiting, item = tickets["waiting"], tickets["item"]
    url = start_feed(client, waiting)
    before = events_by_uid(client.get(url).data)[f"agenda-item-{item.id}@ngayhoi.vn"]
    assert before["status"] == "TENTATIVE"

    agenda.set_times(db.session.get(AgendaItem, item.id), time(9, 30), time(10, 30))
    after = events_by_uid(client.get(url).data)[f"agenda-item-{item.id}@ngayhoi.vn"]
    assert after["sequence"] == before["sequence"] + 1 and after["start"] == "2027-08-10T02:30:00.000Z"
    assert after["status"] == "TENTATIVE"


def test_replacing_or_stopping_makes_the_old_address_a_404_like_any_unknown_one(client, tickets):
    registration = tickets["registration"]
    old = start_feed(client, registration)
    unknown = client.get("/calendar/me/" + "A" * 43 + ".ics")
    assert unknown.status_code == 404 and unknown.mimetype == "application/problem+json"

    url = f"/t/{registration.token}/calendar/replace"
    assert "Give my calendar feed a new address" in client.get(url).get_data(as_text=True)
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    gone = client.get(old)
    assert gone.status_code == 404 and gone.get_json() == unknown.get_json()  # never reveals it existed
    new = FEED_RE.search(client.get(f"/t/{registration.token}").get_data(as_text=True)).group(1)
    assert new != old and client.get(new).status_code == 200

    url = f"/t/{registration.token}/calendar/stop"
    client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert client.get(new).get_json() == unknown.get_json()
    page = client.get(f"/t/{registration.token}").get_data(as_text=True)
    assert "/calendar/me/" not in page and "Get my calendar feed" in page  # can be made again


def test_a_change_without_the_csrf_token_or_with_an_unknown_action_changes_nothing(client, tickets):
    registration = tickets["registration"]
    client.post(f"/t/{registration.token}/calendar/start", data={})
    assert client.get(f"/t/{registration.token}/calendar/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).feed_token is None


def test_erasing_the_registration_stops_its_feed(client, tickets):
    registration = tickets["registration"]
    url = start_feed(client, registration)
    privacy.erase(db.session.get(Registration, registration.id))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["-", "x" * 65, "A" * 42 + "%20", "é" * 43, "A" * 43 + ".ics"])
def test_a_malformed_token_is_a_404_problem(client, tickets, token):
    response = client.get(f"/calendar/me/{token}.ics")
    assert response.status_code == 404 and response.get_json()["code"] == "feed_not_found"


def test_a_whole_day_ticket_follows_the_day_and_its_program(client, world, make):
    festival = world["festival"]
    make.registrable_item(festival)  # publishes the program
    quota = quotas.ensure_quota(festival)
    registration = make.registration(quota, "Trần Văn Bình", "0912 000 333")
    url = start_feed(client, registration)
    events = events_by_uid(client.get(url).data)
    assert f"festival-day-{festival.id}@ngayhoi.vn" in events
    program = db.session.scalars(
        select(AgendaItem.id).where(AgendaItem.festival_id == festival.id, AgendaItem.status == "published")
    ).all()
    assert program and {f"agenda-item-{i}@ngayhoi.vn" for i in program} <= events.keys()
    assert events[f"festival-day-{festival.id}@ngayhoi.vn"]["status"] == "CONFIRMED"
