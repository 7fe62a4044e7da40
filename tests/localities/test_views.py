"""The locality pages and the /api/v1/localities endpoints."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, gettext

from festival.localities.importer import import_bytes
from tests.conftest import count_queries
from tests.localities.conftest import commune_rows, csv_bytes, unit

# A unit's page: the unit, its trail, its children (count + page), the current edition. With an edition, its
# festival days add a count, a page and their eager loads (hosts, localities, parents, venues).
PAGE_QUERY_BOUND = 8
PAGE_WITH_FESTIVALS_BOUND = 12


def html_lang(body: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', body)
    assert match, "no <html lang>"
    return match.group(1)


def link_positions(body: str, codes: list[str]) -> list[int]:
    positions = [body.find(f'href="/localities/{code}"') for code in codes]
    assert all(pos >= 0 for pos in positions), dict(zip(codes, positions, strict=True))
    return positions


def switch_language(client, lang: str):
    response = client.post("/language", data={"lang": lang, "next": "/localities"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/localities")
    return response


# --- /localities/<code> ------------------------------------------------------------------------------------------


def test_a_province_page_lists_its_communes_in_vietnamese_order(make, client):
    make.tree()
    response = client.get("/localities/01")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<h1>Thành phố Hà Nội</h1>" in body
    communes = ["00004", "00070", "00376"]  # Ba Đình, Hoàn Kiếm, Sóc Sơn
    for name in ("Phường Ba Đình", "Phường Hoàn Kiếm", "Xã Sóc Sơn"):
        assert name in body
    positions = link_positions(body, communes)
    assert positions == sorted(positions)
    # The breadcrumb leads to the nation; other provinces' communes are not listed.
    assert 'href="/localities/VN"' in body
    assert "Hàm Rồng" not in body and "Thôn Đông" not in body


def test_a_commune_page_shows_its_trail_and_hamlets(make, client):
    make.tree()
    body = client.get("/localities/00376").get_data(as_text=True)
    assert "<h1>Xã Sóc Sơn</h1>" in body
    link_positions(body, ["VN", "01", "00376001", "00376002"])
    assert "Thôn Đông" in body and "Thôn Tây" in body


def test_a_long_list_of_children_is_paginated(make, client):
    make.tree()
    import_bytes(csv_bytes(unit("02", "", "province", "Tỉnh", "Thử"), *commune_rows("02", 60)))
    first = client.get("/localities/02").get_data(as_text=True)
    second = client.get("/localities/02?page=2").get_data(as_text=True)
    on_first = set(re.findall(r'href="/localities/(02\d{3})"', first))
    on_second = set(re.findall(r'href="/localities/(02\d{3})"', second))
    assert len(on_first) == 50 and len(on_second) == 10
    assert on_first.isdisjoint(on_second)
    assert on_first | on_second == {f"02{n:03d}" for n in range(1, 61)}
    assert 'rel="next"' in first and 'rel="prev"' in second


def test_an_unknown_code_is_a_vietnamese_404_by_default(make, client, app):
    make.tree()
    response = client.get("/localities/99999")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert html_lang(body) == "vi"
    assert "99999" in body
    with app.test_request_context(), force_locale("vi"):
        title_vi = gettext("Not found")
    assert title_vi in body
    if title_vi != "Not found":  # the Vietnamese catalog is compiled: no English title left
        assert "Not found" not in body


def test_the_404_page_is_english_after_switching_and_the_choice_sticks(make, client):
    make.tree()
    response = switch_language(client, "en")
    assert "lang=en" in response.headers["Set-Cookie"]

    body = client.get("/localities/99999").get_data(as_text=True)
    assert html_lang(body) == "en"
    assert "Not found" in body
    assert "No administrative unit has the code 99999." in body

    # Later requests keep the choice; switching back returns to Vietnamese.
    later = client.get("/localities/01")
    assert later.status_code == 200 and html_lang(later.get_data(as_text=True)) == "en"
    switch_language(client, "vi")
    assert html_lang(client.get("/localities/99999").get_data(as_text=True)) == "vi"


def test_an_unknown_language_is_ignored(make, client):
    make.tree()
    response = client.post("/language", data={"lang": "fr"})
    assert response.status_code == 302
    assert "lang=" not in response.headers.get("Set-Cookie", "")
    assert html_lang(client.get("/localities/01").get_data(as_text=True)) == "vi"


# --- /localities?q= ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", ["ha noi", "Hà Nội", "hanoi"])
def test_the_search_page_lists_ha_noi(make, client, q):
    make.tree()
    response = client.get("/localities", query_string={"q": q})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Thành phố Hà Nội" in body
    assert 'href="/localities/01"' in body
    assert 'href="/localities/38"' not in body


def test_the_search_page_without_a_query_lists_nothing(make, client):
    make.tree()
    body = client.get("/localities").get_data(as_text=True)
    assert 'href="/localities/01"' not in body
    assert 'name="q"' in body


def test_the_search_page_keeps_the_query_escaped(make, client):
    make.tree()
    body = client.get("/localities", query_string={"q": '<script>"x"'}).get_data(as_text=True)
    assert '<script>"x"' not in body
    assert "&lt;script&gt;" in body


# --- /api/v1/localities ------------------------------------------------------------------------------------------


def test_api_search_returns_ha_noi_first_as_utf8(make, client):
    make.tree()
    response = client.get("/api/v1/localities?q=ha+noi")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    items = response.get_json()["items"]
    assert items[0]["code"] == "01"
    assert items[0] == {
        "code": "01",
        "level": "province",
        "unit_type": "Thành phố",
        "name": "Hà Nội",
        "full_name": "Thành phố Hà Nội",
        "name_en": "Hanoi",
        "full_name_en": "Hanoi City",
        "parent_code": "VN",
        "path": "/VN/01/",
    }
    # Non-ASCII as UTF-8 bytes, not \u escapes.
    assert "Thành phố Hà Nội".encode() in response.data
    assert b"\\u" not in response.data


def test_api_search_within_a_subtree_and_by_level(make, client):
    make.tree()
    everywhere = {item["code"] for item in client.get("/api/v1/localities?q=phuong").get_json()["items"]}
    assert everywhere == {"00004", "00070", "14758", "22015"}
    within = client.get("/api/v1/localities?q=phuong&within=01").get_json()["items"]
    assert [item["code"] for item in within] == ["00004", "00070"]
    assert all(item["path"].startswith("/VN/01/") for item in within)
    hamlets = client.get("/api/v1/localities?q=00376&level=residential_area").get_json()["items"]
    assert [item["code"] for item in hamlets] == ["00376001", "00376002"]
    assert all(item["parent_code"] == "00376" for item in hamlets)


def test_api_limit(make, client):
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 30)))
    assert len(client.get("/api/v1/localities?q=xa&limit=5").get_json()["items"]) == 5
    assert len(client.get("/api/v1/localities?q=xa&limit=50").get_json()["items"]) == 31


def test_api_empty_query_is_an_empty_list(make, client):
    make.tree()
    response = client.get("/api/v1/localities")
    assert response.status_code == 200
    assert response.get_json() == {"items": [], "page": 1, "per_page": 20, "total": 0}


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    if code:
        assert body["code"] == code
    return body


@pytest.mark.parametrize("limit", ["0", "51", "-1", "abc", "1.5"])
def test_api_refuses_a_bad_limit(make, client, limit):
    make.tree()
    assert_problem(client.get(f"/api/v1/localities?q=ha&limit={limit}"), 400, "invalid_limit")


def test_api_refuses_an_unknown_level(make, client):
    make.tree()
    assert_problem(client.get("/api/v1/localities?q=ha&level=bogus"), 400, "invalid_level")


def test_api_unknown_codes_are_404_problems(make, client):
    make.tree()
    body = assert_problem(client.get("/api/v1/localities/99999"), 404, "locality_not_found")
    assert "99999" in body["detail"]
    assert_problem(client.get("/api/v1/localities?q=ha&within=99999"), 404, "locality_not_found")


def test_api_shows_one_unit(make, client):
    make.tree()
    response = client.get("/api/v1/localities/00376001")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["code"], body["parent_code"], body["path"]) == ("00376001", "00376", "/VN/01/00376/00376001/")
    assert body["full_name"] == "Thôn Đông"


# --- query counts ------------------------------------------------------------------------------------------------


def page_queries(client, code: str) -> int:
    client.get(f"/localities/{code}")  # warm up: the first request may load things once per process
    with count_queries() as statements:
        response = client.get(f"/localities/{code}")
    assert response.status_code == 200
    return len(statements)


def add_province(code: str, children: int) -> None:
    import_bytes(csv_bytes(unit(code, "", "province", "Tỉnh", f"Thử {code}"), *commune_rows(code, children)))


def test_a_unit_page_runs_a_bounded_number_of_queries(make, client):
    make.tree()
    add_province("02", 2)
    add_province("03", 50)
    small, large = page_queries(client, "02"), page_queries(client, "03")
    assert small == large <= PAGE_QUERY_BOUND


def test_the_bound_holds_with_festival_days_listed(make, client):
    tree = make.tree()
    edition = make.edition()
    add_province("02", 2)
    add_province("03", 50)
    for code in ("02001", "02002"):
        make.festival(edition, make_get(code))
    for n in range(1, 21):
        make.festival(edition, make_get(f"03{n:03d}"))
    make.festival(edition, tree["00004"])  # elsewhere: not listed
    small, large = page_queries(client, "02"), page_queries(client, "03")
    body = client.get("/localities/03").get_data(as_text=True)
    assert body.count('href="/localities/03001"') == 2  # in the festival table and among the communes
    assert small == large <= PAGE_WITH_FESTIVALS_BOUND


def make_get(code: str):
    from festival.localities.services import get_by_code

    return get_by_code(code)


# --- /localities?q=: totals, pages, everyday abbreviations ------------------------------------------------------


def test_the_search_page_says_how_many_and_pages_them(make, client):
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 120, start=101)))
    first = client.get("/localities", query_string={"q": "thu nghiem"}).get_data(as_text=True)
    assert "120 kết quả" in first
    on_first = set(re.findall(r'href="/localities/(01\d{3})"', first))
    assert len(on_first) == 50
    assert re.search(r'href="/localities\?q=thu\+nghiem&amp;page=2" rel="next"', first)
    third = client.get("/localities", query_string={"q": "thu nghiem", "page": 3}).get_data(as_text=True)
    on_third = set(re.findall(r'href="/localities/(01\d{3})"', third))
    assert len(on_third) == 20 and on_first.isdisjoint(on_third)
    assert 'rel="prev"' in third and 'rel="next"' not in third
    # A page past the last shows the last; a bad page the first.
    assert (
        set(
            re.findall(
                r'href="/localities/(01\d{3})"', client.get("/localities?q=thu+nghiem&page=99").get_data(as_text=True)
            )
        )
        == on_third
    )
    assert client.get("/localities?q=thu+nghiem&page=abc").status_code == 200
    assert client.get("/localities?q=thu+nghiem&page=99999999999999999999999").status_code == 200


@pytest.mark.parametrize("q", ["TP Hà Nội", "tp.ha noi", "HN"])
def test_the_search_page_knows_the_everyday_forms(make, client, q):
    make.tree()
    body = client.get("/localities", query_string={"q": q}).get_data(as_text=True)
    assert 'href="/localities/01"' in body
    assert "1 kết quả" in body


def test_the_search_page_runs_one_query(make, client):
    make.tree()
    client.get("/localities?q=ha")
    for q in ("ha", "Hà Nội", "tp.hcm", "00376", "x. ba đình"):
        with count_queries() as statements:
            assert client.get("/localities", query_string={"q": q, "page": 1}).status_code == 200
        assert len(statements) == 1, (q, statements)
    with count_queries() as statements:
        client.get("/localities")
    assert statements == []


@pytest.mark.parametrize("code", ["0" * 10_000, "..", "01 02", "%0A", "01%7F"])
def test_a_unit_page_for_something_that_is_no_code_is_a_404(make, client, code):
    make.tree()
    response = client.get(f"/localities/{code}")
    assert response.status_code == 404
    assert "Đây không phải là mã của một đơn vị hành chính." in response.get_data(as_text=True)
    assert client.get(f"/api/v1/localities/{code}").status_code == 404
