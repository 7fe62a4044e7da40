"""/api/v1/editions and /api/v1/localities?parent=: what a client needs to walk the festival from the top."""

from __future__ import annotations

from datetime import date

from tests.api.test_lists import assert_problem, links


def test_editions_list_the_public_ones_newest_first_with_their_festival_days(client, world, make):
    make.edition(2026, status="archived")
    make.edition(2028, status="draft")  # the organizers' work in progress: never shown

    response = client.get("/api/v1/editions")

    assert response.status_code == 200
    body = response.get_json()
    assert [e["year"] for e in body["items"]] == [2027, 2026]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 2)
    current = body["items"][0]
    assert current["status"] == "published" and current["theme"] == "Chủ đề 2027"
    assert current["festival_days"] == 3  # the world's three festival days
    assert current["main_day"] == "2027-08-19" and current["season_start"] == "2027-07-01"
    assert current["url"] == "/api/v1/festivals?year=2027"
    assert body["items"][1]["festival_days"] == 0
    assert set(links(response)) == {"first", "last"}


def test_editions_are_paged_like_every_list(client, world, make):
    make.edition(2026, status="archived")
    first = client.get("/api/v1/editions?per_page=1")
    assert [e["year"] for e in first.get_json()["items"]] == [2027]
    rels = links(first)
    assert rels["next"]["page"] == "2" and rels["last"]["page"] == "2" and rels["next"]["per_page"] == "1"
    second = client.get("/api/v1/editions?per_page=1&page=2")
    assert [e["year"] for e in second.get_json()["items"]] == [2026]
    past_the_end = client.get("/api/v1/editions?per_page=1&page=9").get_json()
    assert past_the_end["items"] == [] and past_the_end["total"] == 2
    assert_problem(client.get("/api/v1/editions?per_page=0"), 400, "invalid_per_page")
    assert_problem(client.get("/api/v1/editions?page=x"), 400, "invalid_page")


def test_one_edition_by_year(client, world, make):
    make.edition(2028, status="draft", main_day=date(2028, 8, 19))

    body = client.get("/api/v1/editions/2027").get_json()

    assert body["year"] == 2027 and body["festival_days"] == 3
    assert_problem(client.get("/api/v1/editions/2028"), 404, "edition_not_found")  # a draft is not public
    assert_problem(client.get("/api/v1/editions/1999"), 404, "edition_not_found")
    assert_problem(client.get("/api/v1/editions/abc"), 404)


def test_parent_lists_a_units_direct_children_in_code_order(client, tree):
    hanoi = client.get("/api/v1/localities?parent=01")

    assert hanoi.status_code == 200
    body = hanoi.get_json()
    # Its communes, not the hamlets below Sóc Sơn (the subtree is what `within` is for).
    assert [u["code"] for u in body["items"]] == ["00004", "00070", "00376"]
    assert body["total"] == 3 and all(u["parent_code"] == "01" for u in body["items"])
    assert links(hanoi)["first"]["parent"] == "01"

    provinces = client.get("/api/v1/localities?parent=VN&per_page=2").get_json()
    assert [u["code"] for u in provinces["items"]] == ["01", "38"] and provinces["total"] == 3
    assert client.get("/api/v1/localities?parent=00376001").get_json()["items"] == []


def test_parent_with_a_search_finds_among_the_children_without_accents(client, tree):
    body = client.get("/api/v1/localities?parent=01&q=soc+son").get_json()
    assert [u["code"] for u in body["items"]] == ["00376"]
    assert client.get("/api/v1/localities?parent=01&q=ham+rong").get_json()["items"] == []  # in Thanh Hoá
    assert client.get("/api/v1/localities?parent=01&level=residential_area").get_json()["items"] == []


def test_parent_is_checked(client, tree):
    assert_problem(client.get("/api/v1/localities?parent=99999"), 404, "locality_not_found")
    assert_problem(client.get("/api/v1/localities?parent=01&within=01"), 400, "invalid_within")
    assert_problem(client.get("/api/v1/localities?parent=01&level=x"), 400, "invalid_level")


def test_within_still_searches_a_subtree(client, tree):
    body = client.get("/api/v1/localities?q=thon&within=00376").get_json()
    assert {u["code"] for u in body["items"]} == {"00376001", "00376002"}
