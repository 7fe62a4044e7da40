"""In a real browser: the header on a phone and on a desktop, a mistyped date in Vietnamese, suggestion boxes,
and static files that a repeat visit does not ask for again."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from festival.accounts.models import Role
from tests.factories import Factory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def open_page(chromium):
    """A new tab in a Vietnamese browser of the given size; collects the page's script errors."""
    contexts = []

    def opener(viewport: dict, **options):
        context = chromium.new_context(locale="vi-VN", viewport=viewport, **options)
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.errors = []
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        # A form sent back with its errors answers 400, which the console reports: not a script error.
        tab.on(
            "console",
            lambda msg: (
                tab.errors.append(msg.text) if msg.type == "error" and "status of 400" not in msg.text else None
            ),
        )
        return tab

    yield opener
    for context in contexts:
        context.close()


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/dashboard")


@pytest.fixture
def admin_user(make):
    make.tree()
    return make.user(Role.ADMIN, username="quantri", full_name="Trần Thị Quản Trị")


def test_on_a_phone_the_header_is_a_compact_bar_whose_menu_opens(live_server, open_page, admin_user):
    page = open_page(PHONE)
    log_in(page, live_server, "quantri")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] <= 64

    button = page.locator(".menu-button")
    nav = page.locator(".main-nav")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-controls", "site-menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()

    button.click()
    expect(nav).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    for name in ("Trang chủ", "Địa bàn", "Tài khoản", "Đăng xuất", "English"):
        expect(page.locator("#site-menu").get_by_text(name, exact=True)).to_be_visible()
    expect(page.locator("#site-menu .who")).to_have_text("Trần Thị Quản Trị")
    assert header.bounding_box()["height"] <= 64  # the menu opens over the page, the bar stays compact

    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")

    # By keyboard: the button takes Enter, and the menu's links follow it in the tab order.
    button.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#site-menu') !== null")
    page.locator("#site-menu").get_by_text("Địa bàn", exact=True).click()
    expect(page).to_have_url(live_server + "/localities")
    assert page.errors == []


def test_on_a_phone_without_javascript_the_menu_still_opens(live_server, open_page, make):
    make.tree()
    page = open_page(PHONE, java_script_enabled=False)
    page.goto(live_server + "/localities/01")
    assert page.locator(".site-header").bounding_box()["height"] <= 64
    page.locator(".menu-button").click()
    expect(page.locator(".main-nav")).to_be_visible()
    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(live_server + "/localities/01")


@pytest.mark.parametrize("full_name", ["Trần Thị Quản Trị", "Nguyễn Hoàng Phương Thảo Quản Trị Viên Hệ Thống Cấp Cao"])
def test_at_1280_px_the_admin_menu_is_one_line(live_server, open_page, make, full_name):
    make.user(Role.ADMIN, username="quantri", full_name=full_name)
    page = open_page(DESKTOP)
    log_in(page, live_server, "quantri")
    expect(page.locator(".menu-button")).to_be_hidden()
    links = page.locator(".main-nav a")
    assert links.count() == 7  # home, localities, dashboard, organizations, venues, editions, accounts
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    assert len(tops) == 1, tops
    # The tools sit on the same line as the menu, and the bar is one line high.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 64
    for selector in (".brand", ".lang-switch button", ".who", ".user-area button"):
        box = page.locator(selector).bounding_box()
        assert header["y"] <= box["y"] and box["y"] + box["height"] <= header["y"] + header["height"], selector
    expect(page.locator(".who")).to_have_text(full_name)  # a long name is cut short on screen, whole in its title
    # The language switch and the logout button are not white pills.
    for selector in (".lang-switch button", ".user-area button"):
        background = page.locator(selector).evaluate("el => getComputedStyle(el).backgroundColor")
        assert background in ("rgba(0, 0, 0, 0)", "transparent"), (selector, background)


def test_a_mistyped_date_says_so_in_vietnamese_and_keeps_the_text(live_server, open_page, admin_user):
    page = open_page(PHONE)
    log_in(page, live_server, "quantri")
    page.goto(live_server + "/admin/editions/new")
    box = page.locator("#season_start")
    assert box.get_attribute("inputmode") in (None, "text")  # a keyboard with "/", not the numeric keypad
    page.fill("#year", "2028")
    box.fill("31/02/2028")
    page.fill("#season_end", "19/08/2028")
    page.locator("main form button[type=submit]").click()

    field = page.locator(".field", has=page.locator("#season_start"))
    expect(field.locator(".error")).to_have_text("Ngày không hợp lệ. Hãy nhập theo dạng dd/mm/yyyy, ví dụ 19/08/2027.")
    expect(page.locator("#season_start")).to_have_value("31/02/2028")
    expect(page.locator("#season_start")).to_be_focused()
    expect(page.locator("#season_end")).to_have_value("19/08/2028")

    # Other ways of typing a day are understood.
    page.locator("#season_start").fill("1.7.2028")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server + "/admin/editions")
    expect(page.locator("main")).to_contain_text("01/07/2028 – 19/08/2028")
    assert page.errors == []


SUGGESTIONS_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<script type="application/json" id="i18n">{"levels": {"province": "Tỉnh/thành phố"}, "noResults": "Không có"}</script>
<script src="/static/js/app.js" defer></script></head><body>
<form id="go" action="/localities"><input type="search" id="go-q" data-locality-search data-results="go-list">
<ul id="go-list" class="suggestions" role="listbox" hidden></ul></form>
<form id="pick" action="/localities" method="get">
<input type="hidden" id="pick-code" name="code">
<input type="search" id="pick-q" data-locality-search data-results="pick-list" data-within="01" data-fill="pick-code">
<ul id="pick-list" class="suggestions" role="listbox" hidden></ul></form>
<form id="org" action="/localities" method="get">
<input type="hidden" id="org-id" name="org">
<input type="search" id="org-q" name="q" data-organization-search data-results="org-list" data-within="00376"
       data-fill="org-id" data-submit>
<ul id="org-list" class="suggestions" role="listbox" hidden></ul></form>
</body></html>"""


@pytest.fixture
def suggestions(live_server, open_page, make):
    """A page with the three kinds of suggestion box, served from the live server's origin."""
    tree = make.tree()
    make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    make.organization(tree["00004"], name="Công an phường Ba Đình")
    page = open_page(DESKTOP)
    page.route(
        live_server + "/suggestions-test",
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=SUGGESTIONS_PAGE),
    )
    page.goto(live_server + "/suggestions-test")
    return page


def test_escape_closes_the_suggestions_and_keeps_the_text(suggestions, live_server):
    page = suggestions
    box = page.locator("#go-q")
    box.press_sequentially("ha noi", delay=20)
    expect(page.locator("#go-list [role=option]").first).to_contain_text("Thành phố Hà Nội")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Escape")
    expect(page.locator("#go-list")).to_be_hidden()
    expect(box).to_have_value("ha noi")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("Escape")  # a closed list: Escape still keeps the text
    expect(box).to_have_value("ha noi")
    # Arrows reopen and move; Enter goes to the unit's page.
    box.press("ArrowDown")
    expect(page.locator("#go-list")).to_be_visible()
    box.press("ArrowDown")
    expect(page.locator("#go-list [role=option]").first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "go-list-0")
    box.press("Enter")
    expect(page).to_have_url(live_server + "/localities/01")


def test_a_locality_picker_fills_the_code_and_clears_it_when_typing_again(suggestions):
    page = suggestions
    box = page.locator("#pick-q")
    box.press_sequentially("soc son", delay=20)
    option = page.locator("#pick-list [role=option]").first
    expect(option).to_contain_text("Xã Sóc Sơn")
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator("#pick-code")).to_have_value("00376")
    expect(box).to_have_value("Xã Sóc Sơn")
    expect(page.locator("#pick-list")).to_be_hidden()
    box.press("Backspace")
    expect(page.locator("#pick-code")).to_have_value("")
    # data-within: only units under Hà Nội.
    box.fill("")
    box.press_sequentially("tuy hoa", delay=20)
    expect(page.locator("#pick-list .empty")).to_have_text("Không có")


def test_an_organization_picker_fills_the_id_and_submits(suggestions, live_server, make):
    page = suggestions
    box = page.locator("#org-q")
    box.press_sequentially("cong an", delay=20)
    options = page.locator("#org-list [role=option]")
    expect(options).to_have_count(1)  # data-within: the commune's organizations only
    expect(options.first).to_contain_text("Công an xã Sóc Sơn")
    options.first.click()
    expect(page).to_have_url(re.compile(re.escape(live_server) + r"/localities\?org=\d+&q=C%C3%B4ng\+an\+x%C3%A3"))


def test_a_repeat_view_asks_for_no_css_or_js(live_server, served, open_page, make):
    tree = make.tree()
    edition = make.edition(2027)
    make.festival(edition, tree["00376"], day=date(2027, 8, 10))
    page = open_page(DESKTOP)
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_be_visible()
    first = [path for path in served if path.startswith("/static/")]
    assert any(p.startswith("/static/css/app.css?v=") for p in first), first
    assert any(p.startswith("/static/js/app.js?v=") for p in first), first
    assert not any("chart.umd" in p for p in first)  # no chart on the home page

    served.clear()
    page.goto(live_server + "/localities/01")
    expect(page.locator("h1")).to_have_text("Thành phố Hà Nội")
    # The page seen for the first time was asked for, with the scripts of its own features (the calendar
    # subscribe box), but none of the files the home page already brought.
    assert "/localities/01" in served
    assert [p for p in served if p in first] == []
    served.clear()
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_be_visible()
    # Back home: nothing at all is asked for again (the page itself may come from the browser's cache too, as an
    # anonymous public page: Cache-Control: public, max-age=…).
    assert [p for p in served if p.startswith(("/static/css/", "/static/js/"))] == []


def test_another_site_cannot_switch_the_language(live_server, open_page, make):
    make.tree()
    page = open_page(DESKTOP)
    page.goto(live_server + "/localities/01")
    page.locator(".lang-switch button[value=en]").click()  # from this site: it works
    expect(page.locator("html")).to_have_attribute("lang", "en")

    # A page of another site (localhost is not 127.0.0.1) with a form aimed at the switch.
    elsewhere = live_server.replace("127.0.0.1", "localhost") + "/forged"
    forged = (
        f'<!doctype html><form method="post" action="{live_server}/language">'
        '<input type="hidden" name="next" value="/"><button name="lang" value="vi">Go</button></form>'
    )
    page.route(elsewhere, lambda route: route.fulfill(status=200, content_type="text/html", body=forged))
    page.goto(elsewhere)
    with page.expect_response(live_server + "/language") as answer:
        page.locator("button").click()
    assert answer.value.status == 400
    assert answer.value.header_value("set-cookie") is None
    page.goto(live_server + "/localities/01")
    expect(page.locator("html")).to_have_attribute("lang", "en")  # unchanged


def test_a_page_with_a_chart_loads_the_chart_library_by_itself(live_server, served, open_page, app):
    with app.test_request_context():
        from flask import url_for

        library = url_for("static", filename="vendor/chart.umd.min.js")
    body = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f'<script type="application/json" id="i18n">{{"chartScript": "{library}"}}</script>'
        '<script src="/static/js/app.js" defer></script></head><body>'
        '<canvas id="c" data-chart="c-data" data-label="Ngày hội" width="400" height="200"></canvas>'
        '<script type="application/json" id="c-data">{"labels": ["01/08", "02/08"], "values": [2, 5]}</script>'
        "</body></html>"
    )
    page = open_page(DESKTOP)
    page.route(
        live_server + "/chart-test", lambda route: route.fulfill(status=200, content_type="text/html", body=body)
    )
    page.goto(live_server + "/chart-test")
    page.wait_for_function("typeof window.Chart === 'function'")
    canvas = page.locator("#c")
    page.wait_for_function(
        "() => { const c = document.getElementById('c');"
        " return c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v, i) => i % 4 === 3 && v > 0); }"
    )
    assert canvas.is_visible()
    assert library in served
    assert page.errors == []
