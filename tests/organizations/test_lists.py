"""Organizers find the organizations and venues of their scope: accent-insensitive search, filters, pages."""

from __future__ import annotations

import pytest

from tests.conftest import count_queries


@pytest.fixture
def listed(orgs_world, make):
    tree = orgs_world["tree"]
    make.organization(tree["00376"], "Ủy ban Mặt trận Tổ quốc xã Sóc Sơn", kind="fatherland_front")
    make.organization(tree["00376001"], "Ban công tác Mặt trận thôn Đông", kind="residential_board")
    make.organization(tree["01"], "Công an Thành phố Hà Nội", kind="police")
    make.organization(tree["00004"], "Công an phường Ba Đình", kind="police")
    make.venue(tree["00376001"], "Nhà văn hóa thôn Đông")
    make.venue(tree["00004"], "Sân vận động Ba Đình")
    return orgs_world


def body(response, status: int = 200) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[-2000:]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("q", ["cong an", "CÔNG AN", "congan", "Công  an"])
def test_search_ignores_accents_case_and_spaces(listed, as_user, q):
    html = body(as_user("orga").get("/dashboard/organizations", query_string={"q": q}))
    assert "Công an xã Sóc Sơn" in html
    assert "Mặt trận" not in html


def test_an_organizer_sees_only_their_scope(listed, as_user):
    html = body(as_user("orga").get("/dashboard/organizations"))
    assert "Công an xã Sóc Sơn" in html and "Ban công tác Mặt trận thôn Đông" in html
    for outside in ("Công an Thành phố Hà Nội", "Công an phường Ba Đình", "Công an tỉnh Thanh Hoá"):
        assert outside not in html


def test_an_administrator_filters_by_kind_and_by_a_units_subtree(listed, as_user):
    client = as_user("admin")
    html = body(client.get("/dashboard/organizations?kind=police&locality=01"))
    assert "Công an xã Sóc Sơn" in html and "Công an phường Ba Đình" in html and "Công an Thành phố Hà Nội" in html
    assert "Thanh Hoá" not in html and "Mặt trận" not in html
    html = body(client.get("/dashboard/organizations?locality=00376"))
    assert "Ban công tác Mặt trận thôn Đông" in html and "Công an phường Ba Đình" not in html
    # Without the script the typed name of the unit is enough.
    html = body(client.get("/dashboard/organizations", query_string={"locality_name": "xa soc son"}))
    assert "Ban công tác Mặt trận thôn Đông" in html and "Công an phường Ba Đình" not in html


def test_a_filter_outside_the_scope_shows_nothing_of_it(listed, as_user):
    html = body(as_user("orga").get("/dashboard/organizations?locality=00004"))
    assert "Công an phường Ba Đình" not in html and "Công an xã Sóc Sơn" not in html


@pytest.mark.parametrize("query", ["kind=bogus", "locality=99999", "locality_name=khong+co+dau+ca"])
def test_a_bad_filter_says_why(listed, as_user, query):
    html = body(as_user("admin").get(f"/dashboard/organizations?{query}"), 400)
    assert 'class="flash flash-error"' in html


def test_the_organization_list_is_paged_in_two_queries(orgs_world, make, as_user):
    for n in range(30):
        make.organization(orgs_world["tree"]["00376"], f"Chi hội {n:02d}", kind="mass_organization")
    client = as_user("orga")
    client.get("/dashboard/organizations")
    with count_queries() as few:
        first = body(client.get("/dashboard/organizations?q=chi+hoi"))
    assert "Chi hội 00" in first and "Chi hội 24" in first and "Chi hội 25" not in first
    with count_queries() as more:
        second = body(client.get("/dashboard/organizations?q=chi+hoi&page=2"))
    assert "Chi hội 25" in second and "Chi hội 29" in second
    page_queries = [s for s in few if "organizations" in s]
    assert len(page_queries) == 2, page_queries  # one COUNT, one page with each row's locality
    assert len(few) == len(more) <= 8, few


@pytest.mark.parametrize("q", ["nha van hoa", "NHÀ VĂN HOÁ", "nhavanhoa"])
def test_venue_search_is_accent_insensitive_and_scoped(listed, as_user, q):
    html = body(as_user("orga").get("/dashboard/venues", query_string={"q": q}))
    assert "Nhà văn hoá xã" in html and "Nhà văn hóa thôn Đông" in html
    assert "Sân vận động Ba Đình" not in html and "Lam Sơn" not in html


def test_venues_filter_by_locality(listed, as_user):
    client = as_user("admin")
    html = body(client.get("/dashboard/venues?locality=00376001"))
    assert "Nhà văn hóa thôn Đông" in html and "Nhà văn hoá xã" not in html
    html = body(client.get("/dashboard/venues?locality=01"))
    assert "Sân vận động Ba Đình" in html and "Lam Sơn" not in html


def test_the_venue_list_is_bounded(orgs_world, make, as_user):
    for n in range(30):
        make.venue(orgs_world["tree"]["00376"], f"Sân {n:02d}")
    client = as_user("orga")
    client.get("/dashboard/venues")
    with count_queries() as statements:
        body(client.get("/dashboard/venues"))
    assert len([s for s in statements if "venues" in s]) == 2
    assert len(statements) <= 8, statements


@pytest.mark.parametrize("url", ["/dashboard/organizations", "/dashboard/venues", "/dashboard/organizations/new"])
def test_the_lists_are_for_organizers(orgs_world, client, as_user, url):
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert as_user("rep").get(url).status_code == 403
