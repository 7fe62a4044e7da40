"""In a real browser: a commune organizer plans the program of their festival day, from the template to a change
seen under "changed since publishing"; items reordered by keyboard and by dragging; the program on a phone."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.agenda.models import AgendaItem
from festival.extensions import db
from tests.factories import Factory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def open_page(chromium):
    """A new tab of the given size (the app in Vietnamese, its default); collects the page's script errors."""
    contexts = []

    def opener(viewport: dict | None = None):
        context = chromium.new_context(locale="vi-VN", viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        tab = context.new_page()
        tab.set_default_timeout(10_000)
        tab.errors = []
        tab.on("pageerror", lambda error: tab.errors.append(str(error)))
        return tab

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def commune(make):
    """Xã Sóc Sơn's festival day, 10/08/2027 from 07:00 to 12:00 at its cultural house, and its organizer."""
    tree = make.tree()
    edition = make.edition(2027)
    venue = make.venue(tree["00376"], name="Nhà văn hoá xã Sóc Sơn")
    festival = make.festival(edition, tree["00376"], day=date(2027, 8, 10), start=time(7, 0), end=time(12, 0),
                             venue=venue)  # fmt: skip
    make.user("organizer", scope=tree["00376"], username="xasocson", full_name="Đỗ Minh Tuấn")
    return {"festival": festival, "venue": venue}


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/dashboard")


def item_id(title: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(AgendaItem.id).where(AgendaItem.title == title))


def test_an_organizer_plans_publishes_and_changes_the_program(live_server, open_page, commune):
    page = open_page()
    log_in(page, live_server, "xasocson")
    program = f"/dashboard/festivals/{commune['festival'].id}/program"
    page.locator(f'a[href="{program}"]').click()
    expect(page).to_have_url(live_server + program)

    # An empty program: start from the customary order.
    page.locator(f'form[action="{program}/template"] button').click()
    expect(page.locator(".program-item")).to_have_count(12)
    expect(page.locator("#part-ceremony + p + ol .program-item").first).to_contain_text("Văn nghệ chào mừng")

    # The forum gets the cultural house as its venue.
    forum = item_id("Diễn đàn “Công an lắng nghe ý kiến Nhân dân”")
    page.goto(f"{live_server}{program}/items/{forum}")
    page.select_option("#venue", str(commune["venue"].id))
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"{program}#item-{forum}$"))

    # An arts performance at the same venue, overlapping the forum (09:50–10:20): saved, with a warning.
    page.goto(f"{live_server}{program}/items/new?part=festivities")
    page.select_option("#kind", "arts")
    expect(page.locator("#title")).not_to_have_value("")  # the kind's name fills the empty title
    page.fill("#title", "Văn nghệ quần chúng")
    page.fill("#start", "10:00")
    page.fill("#end", "10:30")
    page.select_option("#venue", str(commune["venue"].id))
    page.fill("#people-0-full_name", "Lê Thị Hoa")
    page.locator("main form button[type=submit]").first.click()
    arts = item_id("Văn nghệ quần chúng")
    expect(page).to_have_url(re.compile(rf"{program}#item-{arts}$"))
    expect(page.locator(".flash-warning")).to_be_visible()
    expect(page.locator(".conflicts-panel")).to_be_visible()
    expect(page.locator(f"#item-{arts}")).to_have_class(re.compile("has-conflict"))

    # Fixed in place: the performance moves after the forum; no warning left.
    row = page.locator(f"#item-{arts}")
    row.locator("input[name=start]").fill("10:30")
    row.locator("input[name=end]").fill("11:00")
    row.locator(".times-form button").click()
    expect(row.locator(".times-result")).to_have_class(re.compile(r"\bok\b"))
    expect(row).not_to_have_class(re.compile("has-conflict"))
    page.reload()
    expect(page.locator(".conflicts-panel")).to_have_count(0)

    # Before publishing, visitors see the festival day but none of the draft program.
    public = open_page()
    public.goto(f"{live_server}/festivals/{commune['festival'].id}")
    expect(public.locator("main")).to_contain_text("chưa được công bố")
    expect(public.locator("main")).not_to_contain_text("Văn nghệ quần chúng")

    # Publish every draft.
    page.locator(f'form[action="{program}/publish"] button').click()
    expect(page.locator(".program-item .status-published")).to_have_count(13)
    expect(page.locator(f'form[action="{program}/publish"]')).to_have_count(0)

    # Move the flag salute five minutes later: it is listed as changed, revision 2.
    salute = item_id("Chào cờ")
    row = page.locator(f"#item-{salute}")
    row.locator("input[name=start]").fill("07:15")
    row.locator("input[name=end]").fill("07:20")
    row.locator(".times-form button").click()
    expect(row.locator(".times-result")).to_have_class(re.compile(r"\bok\b"))
    page.locator(f'.program-tabs a[href="{program}/changes"]').click()
    changed = page.locator(f"#changed-{salute}")
    expect(changed).to_contain_text("Chào cờ")
    expect(changed.locator(".badge")).to_contain_text("2")
    expect(changed).to_contain_text("07:10 10/08/2027")
    expect(changed).to_contain_text("→ 07:15 10/08/2027")
    expect(changed).to_contain_text("Đỗ Minh Tuấn")

    # A new item added after publishing is a draft until the next publishing.
    page.goto(f"{live_server}{program}/items/new?part=festivities")
    page.select_option("#kind", "exhibition")
    page.fill("#title", "Triển lãm ảnh phong trào")
    page.fill("#start", "11:00")
    page.fill("#end", "11:30")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(f"#item-{item_id('Triển lãm ảnh phong trào')} .status-draft")).to_be_visible()

    # The public page shows the published program with the moved time, and not the draft (a new visitor: the first
    # one's browser may keep the public page for its max-age).
    public = open_page()
    public.goto(f"{live_server}/festivals/{commune['festival'].id}")
    main = public.locator("main")
    expect(main).to_contain_text("Chào cờ")
    expect(main).to_contain_text("07:15")
    expect(main).to_contain_text("Văn nghệ quần chúng")
    expect(main).not_to_contain_text("Triển lãm ảnh phong trào")
    assert page.errors == [] and public.errors == []


def test_items_are_reordered_by_keyboard_and_by_dragging(live_server, open_page, commune, make):
    festival = commune["festival"]
    for n, (kind, minutes) in enumerate([("flag_salute", (0, 5)), ("opening", (5, 15)), ("results_report", (15, 35))]):
        make.agenda_item(festival, kind=kind, minutes=minutes, title=f"Mục {n + 1}", position=n + 1)
    page = open_page()
    log_in(page, live_server, "xasocson")
    page.goto(f"{live_server}/dashboard/festivals/{festival.id}/program")
    titles = page.locator("#part-ceremony ~ ol .item-title a")
    expect(titles).to_have_text(["Mục 1", "Mục 2", "Mục 3"])

    # Keyboard: focus "move down" of the first item and press Enter; the focus stays on the moved item.
    first = page.locator(".program-item").first
    first.locator("button[value=down]").focus()
    page.keyboard.press("Enter")
    expect(titles).to_have_text(["Mục 2", "Mục 1", "Mục 3"])
    focused = page.evaluate(
        "document.activeElement.closest('.program-item').querySelector('.item-title a').textContent"
    )
    assert focused == "Mục 1"
    page.keyboard.press("Enter")  # again: down to the end
    expect(titles).to_have_text(["Mục 2", "Mục 3", "Mục 1"])
    page.reload()
    expect(titles).to_have_text(["Mục 2", "Mục 3", "Mục 1"])

    # Drag "Mục 1" (last) onto the top of the list.
    with page.expect_response(lambda r: r.url.endswith("/reorder")) as answer:
        page.locator(".program-item").nth(2).locator(".drag-handle").drag_to(
            page.locator(".program-item").first, target_position={"x": 40, "y": 5}
        )
    assert answer.value.json()["ok"] is True
    page.reload()
    expect(titles).to_have_text(["Mục 1", "Mục 2", "Mục 3"])
    assert page.errors == []


def test_on_a_phone_the_program_does_not_overflow_and_the_grid_scrolls_in_its_box(
    live_server, open_page, commune, make
):
    festival = commune["festival"]
    for n in range(4):
        make.agenda_item(festival, kind="arts", minutes=(n * 20, n * 20 + 45), venue=commune["venue"],
                         title=f"Tiết mục văn nghệ số {n + 1} của các chi hội phụ nữ thôn")  # fmt: skip
    make.agenda_item(festival, kind="sports", minutes=(30, 90), title="Kéo co")
    page = open_page(PHONE)
    log_in(page, live_server, "xasocson")
    page.goto(f"{live_server}/dashboard/festivals/{festival.id}/program")
    expect(page.locator(".program-item")).to_have_count(5)
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) <= 0
    # The times stay editable on a phone.
    expect(page.locator(".program-item").first.locator("input[name=start]")).to_be_visible()

    page.goto(f"{live_server}/dashboard/festivals/{festival.id}/program/grid")
    assert page.evaluate(overflow) <= 0
    box = page.locator(".grid-scroll")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the grid scrolls sideways inside its box
    expect(page.locator("td.grid-item.has-conflict").first).to_be_visible()
    assert page.errors == []
