"""On a phone (360 px), a visitor copies a festival's feed address and their calendar app reads the feed the
address gives, served by a real HTTP server (the body streamed after the view returned)."""

from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from tests.browser.test_ui import open_page  # noqa: F401  (a fixture)
from tests.calendar.support import parse_with_icaljs

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


def test_on_a_phone_a_visitor_copies_the_feed_address_and_it_gives_the_program(
    live_server,
    open_page,  # noqa: F811  (the fixture imported above)
    feeds_world,
):
    page = open_page(SMALL_PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(f"{live_server}/festivals/{feeds_world['festival'].id}")
    box = page.locator("section.subscribe")
    expect(box).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]
    subscribe = box.locator("a[href^='webcal:']").first
    assert (
        subscribe.get_attribute("href")
        == f"webcal://{live_server.split('://')[1]}/calendar/2027/localities/00376.ics?lang=vi"
    )
    box.locator("button[data-copy='feed-url-1']").click()
    expect(box.locator(".subscribe-status")).not_to_be_empty()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{live_server}/calendar/2027/localities/00376.ics?lang=vi"
    assert page.errors == []
    with urllib.request.urlopen(copied, timeout=30) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read()
    titles = {event["summary"] for event in parse_with_icaljs(body)["events"]}
    assert {feeds_world["item"].title, "Giải bóng chuyền hơi", "Văn nghệ thôn Đông"} <= titles
