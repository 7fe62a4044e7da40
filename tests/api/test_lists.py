"""/api/v1 lists: pages, totals and Link headers; every parameter checked (a problem, never a 500)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from festival.localities.importer import import_bytes
from tests.conftest import count_queries
from tests.localities.conftest import commune_rows, csv_bytes, unit


def assert_problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    if code:
        assert body["code"] == code
    return body


LINK_RE = re.compile(r'<([^>]+)>; rel="(\w+)"')


def links(response) -> dict[str, dict[str, str]]:
    """The Link header as {rel: query arguments}."""
    found = {}
    for url, rel in LINK_RE.findall(response.headers["Link"]):
        parts = urlsplit(url)
        found[rel] = {k: v[0] for k, v in parse_qs(parts.query).items()} | {"_path": parts.path}
    return found


@pytest.fixture
def communes(make):
    tree = make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 45, start=101)))
    return tree


# --- /api/v1/localities ------------------------------------------------------------------------------------------


def test_locality_search_pages(client, communes):
    first = client.get("/api/v1/localities?q=thu+nghiem&per_page=20")
    body = first.get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (1, 20, 45, 20)
    rels = links(first)
    assert set(rels) == {"first", "next", "last"}
    assert rels["next"]["page"] == "2" and rels["last"]["page"] == "3"
    assert rels["next"]["q"] == "thu nghiem" and rels["next"]["per_page"] == "20"
    assert rels["next"]["_path"] == "/api/v1/localities"

    second = client.get("/api/v1/localities?q=thu+nghiem&per_page=20&page=2")
    assert set(links(second)) == {"first", "prev", "next", "last"}
    third = client.get("/api/v1/localities?q=thu+nghiem&per_page=20&page=3")
    assert len(third.get_json()["items"]) == 5
    assert set(links(third)) == {"first", "prev", "last"}

    codes = [item["code"] for r in (first, second, third) for item in r.get_json()["items"]]
    assert sorted(codes) == [f"01{n:03d}" for n in range(101, 146)]
    # Past the last page: an empty page that still says how many there are.
    past = client.get("/api/v1/localities?q=thu+nghiem&per_page=20&page=9").get_json()
    assert (past["items"], past["total"]) == ([], 45)


def test_limit_is_the_older_name_of_per_page(client, communes):
    body = client.get("/api/v1/localities?q=thu+nghiem&limit=7").get_json()
    assert (body["per_page"], len(body["items"])) == (7, 7)
    # The links use per_page.
    response = client.get("/api/v1/localities?q=thu+nghiem&limit=7")
    assert "limit" not in links(response)["next"] and links(response)["next"]["per_page"] == "7"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("page=0", "invalid_page"),
        ("page=-1", "invalid_page"),
        ("page=abc", "invalid_page"),
        ("page=1.5", "invalid_page"),
        ("page=99999999999999999999999", "invalid_page"),
        ("page=%00", "nul_character"),
        ("per_page=0", "invalid_per_page"),
        ("per_page=51", "invalid_per_page"),
        ("per_page=x", "invalid_per_page"),
        ("limit=51", "invalid_limit"),
        ("level=bogus", "invalid_level"),
        ("level=%00", "nul_character"),
        ("page=201&per_page=50", "page_out_of_window"),
    ],
)
def test_bad_parameters_are_400_problems(client, communes, query, code):
    assert_problem(client.get(f"/api/v1/localities?q=ha&{query}"), 400, code)


@pytest.mark.parametrize("within", ["%00", "01%0001"])
def test_a_nul_byte_anywhere_is_a_400_problem_before_any_query(client, communes, within):
    assert_problem(client.get(f"/api/v1/localities?q=ha&within={within}"), 400, "nul_character")
    assert_problem(client.get(f"/api/v1/organizations?locality={within}"), 400, "nul_character")
    assert_problem(client.get(f"/api/v1/localities?q={within}"), 400, "nul_character")


@pytest.mark.parametrize("within", ["0" * 10_000, "99999", "../01", "01 "])
def test_a_within_that_is_no_units_code_is_a_404_problem(client, communes, within):
    body = assert_problem(client.get(f"/api/v1/localities?q=ha&within={within}"), 404, "locality_not_found")
    assert len(body["detail"]) < 200  # the bad value is not echoed back whole


@pytest.mark.parametrize("q", ["a" * 10_000, "🙂", "%25", "_", "%0A", "%7F"])
def test_any_query_text_is_answered(client, communes, q):
    response = client.get(f"/api/v1/localities?q={q}")
    assert response.status_code == 200
    assert response.get_json()["items"] == []


def test_locality_search_is_one_query(client, communes):
    """One query for the search (two with `within`), after the data version that keys the cache; a repeated
    search is answered from the cache with the version's query alone."""
    client.get("/api/v1/localities?q=ha")
    for url, bound in (
        ("/api/v1/localities?q=h", 1),
        ("/api/v1/localities?q=th%C3%A0nh+ph%E1%BB%91&page=2&per_page=1", 1),
        ("/api/v1/localities?q=phuong&within=01", 2),  # the subtree's unit, then the search
    ):
        with count_queries() as statements:
            response = client.get(url)
            assert response.status_code == 200 and response.headers["X-Cache"] == "miss"
        assert "data_versions" in statements[0]
        assert len(statements) <= bound + 1, (url, statements)
        with count_queries() as statements:
            response = client.get(url)
            assert response.status_code == 200 and response.headers["X-Cache"] == "hit"
        assert len(statements) == 1 and "data_versions" in statements[0]


# --- /api/v1/organizations ---------------------------------------------------------------------------------------


@pytest.fixture
def organizations(make, tree):
    made = {
        "ha_noi_police": make.organization(tree["01"], "Công an Thành phố Hà Nội", kind="police"),
        "ba_dinh_police": make.organization(tree["00004"], "Công an phường Ba Đình", kind="police"),
        "ba_dinh_front": make.organization(
            tree["00004"], "Ủy ban Mặt trận Tổ quốc phường Ba Đình", kind="fatherland_front"
        ),
        "school": make.organization(tree["00376"], "Trường THCS Sóc Sơn", kind="school"),
        "thanh_hoa": make.organization(tree["38"], "Công an tỉnh Thanh Hoá", kind="police"),
    }
    return made


def names(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["name"] for item in response.get_json()["items"]]


def test_organizations_have_their_locality_name(client, organizations):
    body = client.get("/api/v1/organizations?q=truong").get_json()
    assert body["items"] == [
        {
            "id": organizations["school"].id,
            "name": "Trường THCS Sóc Sơn",
            "kind": "school",
            "locality_code": "00376",
            "locality_name": "Xã Sóc Sơn",
        }
    ]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 1)


@pytest.mark.parametrize("q", ["cong an", "Công An", "CÔNG AN", "congan", "công  an"])
def test_organization_search_ignores_accents_case_and_spaces(client, organizations, q):
    assert len(names(client.get("/api/v1/organizations", query_string={"q": q}))) == 3


def test_organizations_by_locality_and_kind(client, organizations):
    assert len(names(client.get("/api/v1/organizations?locality=01"))) == 4  # Hà Nội and below
    assert len(names(client.get("/api/v1/organizations?locality=00004"))) == 2
    assert names(client.get("/api/v1/organizations?locality=01&kind=fatherland_front")) == [
        "Ủy ban Mặt trận Tổ quốc phường Ba Đình"
    ]
    assert len(names(client.get("/api/v1/organizations?kind=police"))) == 3
    assert names(client.get("/api/v1/organizations?kind=police&q=thanh+hoa")) == ["Công an tỉnh Thanh Hoá"]


def test_organizations_are_paged(client, organizations):
    response = client.get("/api/v1/organizations?per_page=2&page=2")
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 5, 2)
    assert set(links(response)) == {"first", "prev", "next", "last"}
    assert links(response)["last"]["page"] == "3"
    everything = []
    for page in (1, 2, 3):
        everything += names(client.get(f"/api/v1/organizations?per_page=2&page={page}"))
    assert sorted(everything) == sorted(org.name for org in organizations.values())
    assert names(client.get("/api/v1/organizations?per_page=2&page=4")) == []


@pytest.mark.parametrize("locality", ["99999", "0" * 10_000, "01 "])
def test_organizations_of_a_unit_that_is_not_there_are_a_404_problem(client, organizations, locality):
    assert_problem(client.get(f"/api/v1/organizations?locality={locality}"), 404, "locality_not_found")


@pytest.mark.parametrize(
    ("query", "code"),
    [("kind=bogus", "invalid_kind"), ("kind=%00", "nul_character"), ("page=0", "invalid_page"),
     ("per_page=51", "invalid_per_page"), ("limit=abc", "invalid_limit")],
)  # fmt: skip
def test_bad_organization_parameters_are_400_problems(client, organizations, query, code):
    assert_problem(client.get(f"/api/v1/organizations?{query}"), 400, code)


def test_organization_list_queries_are_bounded(client, organizations):
    client.get("/api/v1/organizations")
    with count_queries() as statements:
        assert len(names(client.get("/api/v1/organizations?locality=01&q=cong+an"))) == 2
    assert len(statements) <= 4  # the data version, the unit, the count, the page (with its localities)


def test_a_unit_with_a_letter_code_is_found(client, make, tree):
    import_bytes(csv_bytes(unit("00376A1", "00376", "residential_area", "Xóm", "Chùa")))
    assert client.get("/api/v1/localities?q=chua&within=00376").get_json()["total"] == 1
