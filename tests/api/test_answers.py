"""What every answer under /api/ shares: an ETag honoured by If-None-Match, and RFC 9457 problems for every error
(unknown path, wrong method, bad parameter, missing token)."""

from __future__ import annotations

import pytest

from tests.api.test_lists import assert_problem, links
from tests.programs import publish_program

READS = [
    "/api/v1/localities?q=soc",
    "/api/v1/localities/00376",
    "/api/v1/organizations",
    "/api/v1/festivals",
    "/api/v1/agenda-items",
    "/api/v1/editions",
    "/api/v1/editions/2027",
    "/api/v1/keys",
    "/api/v1/openapi.json",
]


@pytest.mark.parametrize("url", READS)
def test_a_client_that_has_the_answer_gets_304_until_it_changes(client, world, url):
    first = client.get(url)
    assert first.status_code == 200 and first.headers["ETag"]

    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304 and again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers.get("Cache-Control") == first.headers.get("Cache-Control")  # kept as long as the 200
    stale = client.get(url, headers={"If-None-Match": '"not-the-tag"'})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_the_tag_changes_with_the_data(client, world):
    before = client.get("/api/v1/festivals")
    festival = world["festival"]
    festival.notes = "không công khai"  # a change the answer does not show keeps the tag
    from festival.extensions import db

    db.session.commit()
    same = client.get("/api/v1/festivals", headers={"If-None-Match": before.headers["ETag"]})
    assert same.status_code == 304
    festival.is_model_site = True
    db.session.commit()
    changed = client.get("/api/v1/festivals", headers={"If-None-Match": before.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != before.headers["ETag"]
    assert changed.get_json()["items"][0]["is_model_site"] is True


def test_an_unknown_path_is_a_404_problem(client, world):
    assert_problem(client.get("/api/v1/nothing"), 404)
    assert_problem(client.get("/api/v2/festivals"), 404)


def test_a_wrong_method_is_a_405_problem_naming_the_allowed_ones(client, world):
    response = client.post("/api/v1/festivals", json={})
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}
    assert "POST" not in response.headers["Allow"]
    delete = client.delete("/api/v1/registrations")
    assert_problem(delete, 405)
    assert "POST" in delete.headers["Allow"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/agenda-items?from=31/12/2027", "invalid_from"),
        ("/api/v1/agenda-items?updated_since=yesterday", "invalid_updated_since"),
        ("/api/v1/festivals?year=20x7", "invalid_year"),
        ("/api/v1/editions?per_page=500", "invalid_per_page"),
        ("/api/v1/localities?level=village", "invalid_level"),
    ],
)
def test_a_malformed_filter_is_a_400_problem_naming_the_parameter(client, world, url, code):
    body = assert_problem(client.get(url), 400, code)
    assert body["parameter"] == code.removeprefix("invalid_") and body["detail"]


def test_a_missing_token_is_a_401_problem(client, world):
    response = client.get("/api/v1/me")
    assert_problem(response, 401, "token_required")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


LISTS = [
    "/api/v1/localities?q=xa",
    "/api/v1/localities?parent=01",
    "/api/v1/organizations",
    "/api/v1/festivals",
    "/api/v1/agenda-items",
    "/api/v1/editions",
]


@pytest.mark.parametrize("url", LISTS)
def test_every_list_pages_the_same_way(client, make, world, url):
    """One shape for a client's pager: page, per_page, total in the body, RFC 8288 links, `limit` as the older
    name of per_page, and a page past the end empty (not an error, not the last page again)."""
    publish_program(make, world)
    whole = client.get(url).get_json()
    assert whole["total"] >= 1, url
    first = client.get(url + "&per_page=1" if "?" in url else url + "?per_page=1")
    body = first.get_json()
    assert set(body) == {"items", "page", "per_page", "total"}
    assert (body["page"], body["per_page"], body["total"], len(body["items"])) == (1, 1, whole["total"], 1)
    rels = links(first)
    assert rels["first"]["page"] == "1" and rels["last"]["page"] == str(whole["total"])
    assert ("next" in rels) == (whole["total"] > 1) and "prev" not in rels
    older = client.get(url + "&limit=1" if "?" in url else url + "?limit=1").get_json()
    assert older["per_page"] == 1
    past = client.get(url + "&page=99" if "?" in url else url + "?page=99")
    assert past.status_code == 200 and past.get_json()["items"] == [] and "next" not in links(past)


def test_the_description_promises_the_etag_and_the_304_on_every_get(client, world):
    spec = client.get("/api/v1/openapi.json").get_json()
    gets = [(path, ops["get"]) for path, ops in spec["paths"].items() if "get" in ops]
    assert len(gets) >= 11
    for path, operation in gets:
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "304" in operation["responses"], path
