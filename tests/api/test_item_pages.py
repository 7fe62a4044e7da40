"""Agenda items come up to 100 a page: an app keeping a copy of a province's program pages through hundreds of
items (the other lists stop at 50)."""

from __future__ import annotations

from tests.api.test_lists import assert_problem
from tests.conftest import count_queries
from tests.programs import publish_program


def test_a_portal_reads_agenda_items_100_a_page(client, make, world):
    publish_program(make, world)
    festival = world["festival"]
    for n in range(110):
        make.agenda_item(festival, kind="arts", minutes=(150 + n, 151 + n), status="published", position=10 + n)
    with count_queries() as statements:
        body = client.get("/api/v1/agenda-items?per_page=100").get_json()
    assert (body["per_page"], len(body["items"]), body["total"]) == (100, 100, 114)
    assert len(statements) <= 7, statements  # one page of 100 costs what a page of 20 does
    second = client.get("/api/v1/agenda-items?per_page=100&page=2").get_json()
    assert len(second["items"]) == 14
    assert not {item["id"] for item in body["items"]} & {item["id"] for item in second["items"]}


def test_more_than_100_a_page_is_a_400_problem(client, world):
    body = assert_problem(client.get("/api/v1/agenda-items?per_page=101"), 400, "invalid_per_page")
    assert "100" in body["detail"]
    assert_problem(client.get("/api/v1/festivals?per_page=51"), 400, "invalid_per_page")
