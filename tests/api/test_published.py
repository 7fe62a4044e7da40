"""/api/v1/festivals and /api/v1/agenda-items: published data only, filters, pages, bad parameters, bounds."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from festival.extensions import db
from tests.api.test_lists import assert_problem, links
from tests.conftest import count_queries
from tests.programs import DRAFT_TITLE, HIDDEN_TITLE, publish_program


@pytest.fixture
def program(make, world):
    return publish_program(make, world)


def items(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


# --- /api/v1/festivals --------------------------------------------------------------------------------------------


def test_festivals_of_published_editions_with_their_shape(client, world, program, make):
    draft_edition = make.edition(2028, status="draft")
    make.festival(draft_edition, world["tree"]["00376"], day=date(2028, 8, 1))
    listed = items(client.get("/api/v1/festivals"))
    assert [f["locality_code"] for f in listed] == ["00376", "00004", "14758"]
    first = listed[0]
    festival = world["festival"]
    assert first == {
        "id": festival.id,
        "edition": 2027,
        "locality_code": "00376",
        "locality_name": "Xã Sóc Sơn",
        "starts_at": "2027-08-10T08:00:00+07:00",
        "ends_at": "2027-08-10T11:00:00+07:00",
        "venue": {"id": world["venue"].id, "name": "Nhà văn hoá xã", "address": ""},
        "is_practice": False,
        "is_model_site": False,
        "status": "planned",
        "hosts": [{"id": world["organization"].id, "name": "Công an xã Sóc Sơn", "kind": "police"}],
        "program_published": True,
        "url": f"/festivals/{festival.id}",
    }
    assert listed[1]["program_published"] is False and listed[1]["venue"] is None


def test_festivals_by_year_and_subtree(client, world, program):
    assert [f["locality_code"] for f in items(client.get("/api/v1/festivals?year=2027&locality=01"))] == [
        "00376",
        "00004",
    ]
    assert [f["locality_code"] for f in items(client.get("/api/v1/festivals?locality=00376"))] == ["00376"]
    assert items(client.get("/api/v1/festivals?year=2026")) == []
    assert_problem(client.get("/api/v1/festivals?locality=99999"), 404, "locality_not_found")


def test_festivals_are_paged(client, world, program):
    response = client.get("/api/v1/festivals?per_page=2&page=2")
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (2, 2, 3, 1)
    assert set(links(response)) == {"first", "prev", "last"}
    assert client.get("/api/v1/festivals?limit=1").get_json()["per_page"] == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [("year=abc", "invalid_year"), ("year=0", "invalid_year"), ("year=99999999999999999999", "invalid_year"),
     ("year=%2B2027", "invalid_year"), ("page=0", "invalid_page"), ("per_page=51", "invalid_per_page"),
     ("locality=%00", "nul_character")],
)  # fmt: skip
def test_bad_festival_parameters_are_400_problems(client, world, query, code):
    body = assert_problem(client.get(f"/api/v1/festivals?{query}"), 400, code)
    assert body["detail"]


def test_a_festival_with_its_published_program_in_order(client, world, program):
    body = client.get(f"/api/v1/festivals/{world['festival'].id}").get_json()
    assert [i["id"] for i in body["program"]] == [
        program[name].id for name in ("flag", "commendations", "arts", "sports")
    ]
    assert [i["status"] for i in body["program"]] == ["published", "published", "cancelled", "published"]
    flag = body["program"][0]
    assert flag["part"] == "ceremony" and flag["kind"] == "flag_salute" and flag["revision"] == 1
    assert flag["starts_at"] == "2027-08-10T08:00:00+07:00" and flag["ends_at"] == "2027-08-10T08:10:00+07:00"
    commendations = body["program"][1]
    assert commendations["people"] == [{"full_name": "Nguyễn Văn Bình", "position": "Trưởng Công an xã"}]
    assert commendations["organizations"] == [
        {"id": world["organization"].id, "name": "Công an xã Sóc Sơn", "role": "host"}
    ]
    assert body["program"][2]["venue"] == {"id": program["stage"].id, "name": "Sân vận động xã", "address": "Thôn Đông"}
    assert DRAFT_TITLE not in str(body)


def test_an_unpublished_program_is_an_empty_list(client, world, program):
    body = client.get(f"/api/v1/festivals/{program['other'].id}").get_json()
    assert body["program"] == [] and body["program_published"] is False
    assert HIDDEN_TITLE not in str(body)


def test_a_festival_of_a_draft_edition_is_not_found(client, world, make):
    festival = make.festival(make.edition(2028, status="draft"), world["tree"]["00376"], day=date(2028, 8, 1))
    assert_problem(client.get(f"/api/v1/festivals/{festival.id}"), 404, "festival_not_found")
    assert_problem(client.get("/api/v1/festivals/2147483647"), 404, "festival_not_found")


# --- /api/v1/agenda-items -----------------------------------------------------------------------------------------


def test_agenda_items_are_the_published_ones_by_time(client, world, program):
    listed = items(client.get("/api/v1/agenda-items?year=2027"))
    assert [i["id"] for i in listed] == [program[n].id for n in ("flag", "commendations", "arts", "sports")]
    assert DRAFT_TITLE not in str(listed) and HIDDEN_TITLE not in str(listed)
    assert set(listed[0]) == {
        "id", "festival_id", "part", "kind", "title", "description", "starts_at", "ends_at", "venue", "capacity",
        "takes_registrations", "status", "revision", "updated_at", "organizations", "people",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("part=festivities", ["arts", "sports"]),
        ("kind=flag_salute", ["flag"]),
        ("locality=01", ["flag", "commendations", "arts", "sports"]),
        ("locality=00004", []),
        ("locality=38", []),
        ("year=2026", []),
        ("from=2027-08-10&to=2027-08-10", ["flag", "commendations", "arts", "sports"]),
        ("from=2027-08-11", []),
        ("to=2027-08-09", []),
        ("from=2027-08-10T09:00:00%2B07:00", ["arts", "sports"]),
        ("from=2027-08-10T09:00", ["arts", "sports"]),  # local time without an offset
        ("from=2027-08-10T02:00:00Z&to=2027-08-10T03:00:00Z", ["arts"]),
        ("to=2027-08-10T08:10:00%2B07:00", ["flag"]),
    ],
)
def test_agenda_item_filters(client, world, program, query, expected):
    assert [i["id"] for i in items(client.get(f"/api/v1/agenda-items?{query}"))] == [program[n].id for n in expected]


def test_updated_since(client, world, program):
    later = program["sports"].updated_at + timedelta(seconds=1)
    program["flag"].title = "Chào cờ (sửa)"
    db.session.commit()
    since = program["flag"].updated_at.isoformat()
    ids = [i["id"] for i in items(client.get("/api/v1/agenda-items", query_string={"updated_since": since}))]
    assert program["flag"].id in ids
    future = (later + timedelta(days=1)).isoformat()
    assert items(client.get("/api/v1/agenda-items", query_string={"updated_since": future})) == []


def test_agenda_items_are_paged(client, world, program):
    response = client.get("/api/v1/agenda-items?per_page=3")
    body = response.get_json()
    assert (body["total"], len(body["items"]), links(response)["next"]["page"]) == (4, 3, "2")
    assert len(items(client.get("/api/v1/agenda-items?per_page=3&page=2"))) == 1


@pytest.mark.parametrize(
    ("query", "code"),
    [("from=yesterday", "invalid_from"), ("from=2027-13-01", "invalid_from"), ("to=2027-02-30", "invalid_to"),
     ("to=10/08/2027", "invalid_to"), ("from=2027-08-11&to=2027-08-10", "invalid_to"),
     ("updated_since=2027-08-10", "invalid_updated_since"), ("updated_since=now", "invalid_updated_since"),
     ("part=both", "invalid_part"), ("kind=parade", "invalid_kind"), ("year=x", "invalid_year"),
     ("page=-1", "invalid_page"), ("limit=0", "invalid_limit"), ("from=" + "9" * 5000, "invalid_from")],
)  # fmt: skip
def test_bad_agenda_item_parameters_are_400_problems(client, world, query, code):
    body = assert_problem(client.get(f"/api/v1/agenda-items?{query}"), 400, code)
    assert code.removeprefix("invalid_") in body["detail"] or "page" in code or "limit" in code


def test_agenda_item_queries_are_bounded(client, world, program, make):
    festival = world["festival"]
    for n in range(40):
        make.agenda_item(festival, kind="arts", minutes=(150 + n, 151 + n), status="published", position=10 + n,
                         person=f"Người {n}", organization=world["organization"])  # fmt: skip
    client.get("/api/v1/agenda-items?per_page=2")
    with count_queries() as statements:
        body = client.get("/api/v1/agenda-items?per_page=50&locality=01&year=2027").get_json()
    assert len(body["items"]) == 44
    # The data version, the unit, the count, the page (venue joined), its people, its organizations.
    assert len(statements) <= 7, statements
    with count_queries() as statements:
        body = client.get(f"/api/v1/festivals/{festival.id}").get_json()
    assert len(body["program"]) == 44
    assert len(statements) <= 7, statements
