"""Polling costs almost nothing: a calendar app that sends back the validators it got receives a 304, decided
before any feed query runs; any change of the public data gives a new ETag."""

from __future__ import annotations

from datetime import time

from festival.agenda import services as agenda
from festival.agenda.models import AgendaItem
from festival.extensions import db
from tests.conftest import count_queries

FEED = "/calendar/2027/localities/01.ics"


def feed_queries(statements: list[str]) -> list[str]:
    """The statements that read what a feed holds (anything but the data version token)."""
    return [s for s in statements if "data_versions" not in s]


def test_a_client_sending_the_etag_it_got_receives_304_without_the_feed_being_built(client, feeds_world):
    first = client.get(FEED)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    with count_queries() as statements:
        again = client.get(FEED, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag
    assert statements, "the queries were counted"
    assert feed_queries(statements) == []  # neither the items nor even the unit were looked up


def test_if_modified_since_with_the_last_modified_it_got_receives_304(client, feeds_world):
    first = client.get(FEED)
    with count_queries() as statements:
        again = client.get(FEED, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304
    assert feed_queries(statements) == []


def test_a_change_of_the_program_gives_a_new_etag_and_the_new_text(client, feeds_world):
    first = client.get(FEED)
    agenda.set_times(db.session.get(AgendaItem, feeds_world["item"].id), time(9, 0), time(9, 30))
    again = client.get(
        FEED, headers={"If-None-Match": first.headers["ETag"], "If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert b"20270810T090000" in again.get_data()


def test_the_etag_does_not_come_from_the_text(client, feeds_world):
    """The same data gives the same ETag and the same text (DTSTAMP is not "now"), request after request."""
    first, second = client.get(FEED), client.get(FEED)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.get_data() == second.get_data()


def test_feeds_are_publicly_cacheable_and_vary_by_language(client, feeds_world):
    response = client.get(FEED)
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    assert response.headers["Vary"] == "Cookie"  # without ?lang=, the language comes from the cookie
    english = client.get(FEED + "?lang=en")
    assert "Vary" not in english.headers
    assert english.headers["ETag"] != client.get(FEED + "?lang=vi").headers["ETag"]


def test_an_etag_of_another_feed_or_a_stale_one_gets_the_feed(client, feeds_world):
    other = client.get("/calendar/2027.ics").headers["ETag"]
    response = client.get(FEED, headers={"If-None-Match": other})
    assert response.status_code == 200 and response.get_data().startswith(b"BEGIN:VCALENDAR")
    assert client.get(FEED, headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200


def test_if_none_match_star_never_hides_a_missing_feed(client, feeds_world):
    assert client.get("/calendar/2027/localities/99999.ics", headers={"If-None-Match": "*"}).status_code == 404
    assert client.get(FEED, headers={"If-None-Match": "*"}).status_code == 200


def test_a_revalidation_of_a_feed_nobody_asked_for_yet_is_answered_in_full(client, feeds_world):
    """If-Modified-Since alone: the server must know when it first served this version, else it answers 200."""
    response = client.get(FEED, headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert response.status_code == 200 and b"BEGIN:VEVENT" in response.get_data()
