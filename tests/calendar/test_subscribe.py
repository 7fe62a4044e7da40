"""Public pages that have a feed offer to subscribe to it: webcal://, Google Calendar, the download and the
address to copy, with a sentence on what subscribing does."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.calendar.support import summaries


def hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


def test_the_festival_page_offers_its_units_feed_and_the_whole_edition(client, feeds_world):
    html = client.get(f"/festivals/{feeds_world['festival'].id}").get_data(as_text=True)
    links = hrefs(html)
    assert "webcal://localhost/calendar/2027/localities/00376.ics?lang=vi" in links
    assert "webcal://localhost/calendar/2027.ics?lang=vi" in links
    google = [h for h in links if h.startswith("https://calendar.google.com/calendar/render?")]
    assert [parse_qs(urlsplit(h).query)["cid"][0] for h in google] == [
        "webcal://localhost/calendar/2027/localities/00376.ics?lang=vi",
        "webcal://localhost/calendar/2027.ics?lang=vi",
    ]
    assert 'value="http://localhost/calendar/2027/localities/00376.ics?lang=vi" readonly' in html
    assert 'data-copy="feed-url-1"' in html and '<label for="feed-url-1">' in html
    # One sentence on what subscribing does, right under the box's heading (whatever the language).
    assert re.search(r'<h2 id="subscribe-title">[^<]+</h2>\s*<p class="muted">[^<]{40,}</p>', html)
    # What the page offers is what the feed holds.
    feed = client.get("/calendar/2027/localities/00376.ics?lang=vi").get_data()
    assert feeds_world["item"].title in summaries(feed)


def test_the_locality_page_offers_the_current_editions_feed_of_the_unit(client, feeds_world):
    html = client.get("/localities/01").get_data(as_text=True)
    assert "webcal://localhost/calendar/2027/localities/01.ics?lang=vi" in hrefs(html)
    assert "/calendar/2027/localities/01.ics?lang=vi" in hrefs(html)  # the download, on this server
    assert client.get("/calendar/2027/localities/01.ics?lang=vi").status_code == 200


def test_an_english_reader_subscribes_to_the_english_feed(client, feeds_world):
    client.set_cookie("lang", "en")
    html = client.get(f"/festivals/{feeds_world['festival'].id}").get_data(as_text=True)
    assert "webcal://localhost/calendar/2027.ics?lang=en" in hrefs(html)
    assert "Festival days 2027: Soc Son Commune" in html


def test_public_base_url_makes_the_addresses(app, client, feeds_world):
    app.config["PUBLIC_BASE_URL"] = "https://ngayhoi.example.vn"
    try:
        html = client.get("/localities/00376").get_data(as_text=True)
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert "webcal://ngayhoi.example.vn/calendar/2027/localities/00376.ics?lang=vi" in hrefs(html)


def test_no_subscribe_box_without_a_public_edition(client, tree):
    html = client.get("/localities/01").get_data(as_text=True)
    assert "webcal://" not in html
