"""The public festival page: the published program only, printable, linked from the home and locality pages."""

from __future__ import annotations

import re
from datetime import date

import pytest

from festival.extensions import db
from tests.calendar.support import CALENDAR_LINK
from tests.conftest import count_queries
from tests.programs import DRAFT_TITLE, HIDDEN_TITLE, publish_program


@pytest.fixture
def program(make, world):
    return publish_program(make, world)


def page(client, festival_id: int, lang: str = "vi") -> str:
    client.set_cookie("lang", lang)
    response = client.get(f"/festivals/{festival_id}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_a_published_program_by_part_in_order(client, world, program):
    html = page(client, world["festival"].id)
    assert "Xã Sóc Sơn" in html and "10/08/2027" in html and "Thứ Ba" in html
    assert "08:00–11:00" in html and "Nhà văn hoá xã" in html and "Công an xã Sóc Sơn" in html
    ceremony, festivities = html.index("Phần lễ"), html.index("Phần hội")
    positions = [html.index(text) for text in ("08:00–08:10", "08:10–08:30", "09:00–10:00", "10:00–10:30")]
    assert ceremony < positions[0] < positions[1] < festivities < positions[2] < positions[3]
    # People with positions, organizations with roles, the other venue, the cancelled item struck through.
    assert "Nguyễn Văn Bình" in html and "Trưởng Công an xã" in html
    assert re.search(r"Công an xã Sóc Sơn\s*<span class=\"muted\">\(Chủ trì\)", html)
    assert "Sân vận động xã" in html
    assert re.search(r"<del>Văn nghệ</del>\s*<span class=\"status status-cancelled\">", html)
    # Commendations and signings.
    assert "Thành tích xuất sắc trong phong trào" in html and "Quy chế phối hợp" in html
    assert DRAFT_TITLE not in html and HIDDEN_TITLE not in html


def test_english_weekday_and_print_stylesheet(client, world, program):
    html = page(client, world["festival"].id, "en")
    assert "Tuesday, 10/08/2027" in html and "Ceremony" in html and "Festivities" in html
    assert "css/festival.css" in html
    css = client.get("/static/css/festival.css").get_data(as_text=True)
    assert "@media print" in css and "size: A4" in css and "break-inside: avoid" in css
    assert ".site-header" in css.split("@media print")[1]


def test_a_map_link_only_with_coordinates_and_nothing_loaded_from_elsewhere(client, world, program):
    html = page(client, world["festival"].id)
    assert "openstreetmap" not in html  # the festival's venue has no coordinates
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        if CALENDAR_LINK.fullmatch(attribute):
            continue  # "Add to Google Calendar": a link the visitor follows, nothing loaded
        assert not attribute.startswith(("http:", "https:", "//")), attribute
    world["festival"].venue = program["stage"]
    db.session.commit()
    html = page(client, world["festival"].id)
    assert "openstreetmap.org/?mlat=21.25" in html and "Thôn Đông" in html
    assert not re.search(r'(?:src)="(?:https?:)?//', html)


def test_a_draft_program_shows_the_day_but_no_item(client, world, make):
    item = world["item"]
    item.status = "published"  # published item, but the program itself was never published
    make.agenda_item(world["festival"], kind="arts", minutes=(60, 90), status="draft", title=DRAFT_TITLE)
    db.session.commit()
    html = page(client, world["festival"].id)
    assert "10/08/2027" in html and "Nhà văn hoá xã" in html
    assert "chưa được công bố" in html
    assert DRAFT_TITLE not in html and item.title not in html and "Nguyễn Văn Bình" not in html
    assert "Quy chế phối hợp" not in html


def test_a_cancelled_festival_says_so(client, world, program):
    world["festival"].status = "cancelled"
    db.session.commit()
    assert "Ngày hội này đã bị hủy." in page(client, world["festival"].id)
    assert "This festival day has been cancelled." in page(client, world["festival"].id, "en")


def test_a_festival_of_a_draft_edition_or_unknown_is_404(client, world, make):
    festival = make.festival(make.edition(2028, status="draft"), world["tree"]["00376"], day=date(2028, 8, 1))
    assert client.get(f"/festivals/{festival.id}").status_code == 404
    assert client.get("/festivals/2147483647").status_code == 404
    assert client.get("/festivals/99999999999999").status_code == 404


def test_the_page_is_public_and_cached(client, world, program):
    url = f"/festivals/{world['festival'].id}"
    response = client.get(url)
    assert response.headers["Cache-Control"].startswith("public")
    with count_queries() as statements:
        assert client.get(url).status_code == 200
    assert len(statements) == 1 and "data_versions" in statements[0]


def test_300_items_in_at_most_15_queries(client, world, program, make):
    festival = world["festival"]
    for n in range(296):
        make.agenda_item(
            festival, kind="arts" if n % 2 else "sports", minutes=(180 + n, 181 + n), status="published",
            position=10 + n, person=f"Người {n}", organization=world["organization"],
        )  # fmt: skip
    with count_queries() as statements:
        html = page(client, festival.id)
    assert html.count('class="program-item') == 300
    assert len(statements) <= 15, "\n".join(statements)


def test_home_and_locality_pages_link_to_it(client, world, program, make):
    href = f'href="/festivals/{world["festival"].id}"'
    assert href in client.get("/").get_data(as_text=True)
    older = make.edition(2026)
    make.festival(older, world["tree"]["00376"], day=date(2026, 8, 5))
    make.festival(make.edition(2029, status="draft"), world["tree"]["00376"], day=date(2029, 8, 5))
    html = client.get("/localities/01").get_data(as_text=True)
    assert href in html  # a festival of the subtree
    assert html.index("2027") < html.index("05/08/2026")  # newest edition first
    assert "2029" not in html
