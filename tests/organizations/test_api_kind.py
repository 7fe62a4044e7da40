"""GET /api/v1/organizations gives each organization's kind and filters by it."""

from __future__ import annotations

import pytest


@pytest.fixture
def kinds(make, tree):
    make.organization(tree["00376"], "Công an xã Sóc Sơn", kind="police")
    make.organization(tree["00376"], "Trường Tiểu học Sóc Sơn", kind="school")


def test_every_item_has_its_kind(client, kinds):
    items = client.get("/api/v1/organizations").get_json()["items"]
    assert sorted((item["name"], item["kind"]) for item in items) == [
        ("Công an xã Sóc Sơn", "police"),
        ("Trường Tiểu học Sóc Sơn", "school"),
    ]
    assert [i["name"] for i in client.get("/api/v1/organizations?kind=school").get_json()["items"]] == [
        "Trường Tiểu học Sóc Sơn"
    ]


@pytest.mark.parametrize("kind", ["bogus", "POLICE", "police "])
def test_an_unknown_kind_is_a_400_problem(client, kinds, kind):
    response = client.get("/api/v1/organizations", query_string={"kind": kind})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "invalid_kind"
