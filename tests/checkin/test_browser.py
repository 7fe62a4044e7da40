"""In Chromium: the organizers' live page redraws its chart and numbers while scanning goes on, and an attendee who
viewed their ticket on a phone checks in at the venue poster with one tap."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.checkin import scanning, selfcheck
from festival.checkin.models import CheckIn
from festival.extensions import db
from tests.factories import Factory

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import expect  # noqa: E402

ARRIVALS_ARE = """(expected) => {
  const chart = window.Chart && window.Chart.getChart("arrivals-chart");
  return chart !== undefined && chart.data.datasets[0].data.reduce((a, b) => a + b, 0) === expected;
}"""


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/dashboard")


def test_the_live_page_shows_a_scan_made_at_the_door_without_a_reload(live_server, page, gate, world):
    log_in(page, live_server, "orga")
    page.goto(f"{live_server}/dashboard/festivals/{world['festival'].id}/checkin/live")
    day = page.locator('[data-line="day"]')
    expect(day.locator('[data-field="present"]')).to_have_text("0")
    page.wait_for_function(ARRIVALS_ARE, arg=0)

    assert scanning.scan(gate["device"], gate["list"], gate["codes"][1]).result.value == "ok"
    assert scanning.scan(gate["device"], gate["list"], gate["codes"][2]).result.value == "ok"

    page.wait_for_function(ARRIVALS_ARE, arg=2, timeout=20_000)
    expect(day.locator('[data-field="present"]')).to_have_text("2")
    assert page.locator('[data-line="day"] meter').evaluate("m => m.value") == 2


def test_a_phone_that_showed_its_ticket_checks_in_at_the_poster_with_one_tap(live_server, chromium, gate):
    token = selfcheck.poster_token(gate["list"])
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        phone = context.new_page()
        phone.set_default_timeout(10_000)
        guest = gate["more"][0]
        phone.goto(f"{live_server}/t/{guest.token}")
        expect(phone.locator(".ticket-code")).to_contain_text(gate["codes"][1][-4:])

        phone.goto(f"{live_server}/checkin/self/{token}")
        here = phone.locator("[data-self-tickets] button.self-here")
        expect(here).to_have_count(1)
        expect(phone.locator("[data-self-tickets]")).to_contain_text("Khách 0")
        here.click()

        result = phone.locator(".self-result")
        expect(result).to_have_attribute("data-result", "ok")
        expect(result).to_have_class("self-result self-green")
        expect(result).to_contain_text("Khách 0")
        found = select(CheckIn).where(CheckIn.registration_id == guest.id, CheckIn.list_id == gate["list"].id)
        assert len(db.session.scalars(found).all()) == 1
    finally:
        context.close()
