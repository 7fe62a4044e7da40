"""/api/v1/openapi.json: generated from the code, valid OpenAPI 3.1, and true to what the endpoints do."""

from __future__ import annotations

import re

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from tests.programs import publish_program


@pytest.fixture
def spec(client, database):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_description_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any error


def openapi_path(rule: str) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule)


def test_every_api_route_is_described_and_every_description_is_a_route(app, spec):
    rules = {
        openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json"
    }
    assert set(spec["paths"]) == rules
    for rule in app.url_map.iter_rules():
        path = openapi_path(rule.rule)
        if path in spec["paths"]:
            methods = set(rule.methods) - {"HEAD", "OPTIONS"}
            assert {m.upper() for m in spec["paths"][path] if m != "parameters"} == methods


def test_the_fixed_paths_are_there(spec):
    for path in ("/api/v1/localities", "/api/v1/localities/{code}", "/api/v1/organizations", "/api/v1/festivals",
                 "/api/v1/festivals/{festival_id}", "/api/v1/agenda-items"):  # fmt: skip
        assert "get" in spec["paths"][path]
    names = {p["name"] for p in spec["paths"]["/api/v1/agenda-items"]["get"]["parameters"]}
    assert {"year", "locality", "from", "to", "part", "kind", "updated_since", "page", "per_page"} <= names


def check(spec: dict, path: str, status: str, body, content_type: str = "application/json") -> None:
    """`body` validates against the schema the description gives for that answer."""
    schema = spec["paths"][path]["get"]["responses"][status]["content"][content_type]["schema"]
    OAS31Validator({**schema, "components": spec["components"]}).validate(body)


def test_answers_match_their_described_schemas(client, make, world, spec):
    program = publish_program(make, world)
    festival = program["festival"].id
    answers = [
        ("/api/v1/localities?q=soc", "/api/v1/localities"),
        ("/api/v1/localities/00376", "/api/v1/localities/{code}"),
        ("/api/v1/organizations", "/api/v1/organizations"),
        ("/api/v1/festivals", "/api/v1/festivals"),
        (f"/api/v1/festivals/{festival}", "/api/v1/festivals/{festival_id}"),
        (f"/api/v1/festivals/{program['other'].id}", "/api/v1/festivals/{festival_id}"),
        ("/api/v1/agenda-items", "/api/v1/agenda-items"),
    ]
    for url, path in answers:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_json()
        check(spec, path, "200", body)
        if "items" in body:
            assert "Link" in response.headers and "Link" in spec["paths"][path]["get"]["responses"]["200"]["headers"]
    problems = [
        ("/api/v1/agenda-items?from=x", "/api/v1/agenda-items", "400"),
        ("/api/v1/festivals?locality=99999", "/api/v1/festivals", "404"),
        ("/api/v1/festivals/2147483647", "/api/v1/festivals/{festival_id}", "404"),
        ("/api/v1/localities?level=x", "/api/v1/localities", "400"),
    ]
    for url, path, status in problems:
        response = client.get(url)
        assert str(response.status_code) == status and response.mimetype == "application/problem+json", url
        check(spec, path, status, response.get_json(), "application/problem+json")


def test_every_described_query_parameter_is_read(client, world, spec):
    """A parameter the description gives is one the endpoint checks: a bad value of each is refused."""
    bad = {"integer": "x", "string": "\x01" * 30}
    for path, operations in spec["paths"].items():
        if "{" in path:
            continue
        for parameter in operations.get("get", {}).get("parameters", []):  # POST bodies: tests/api/test_registrations
            if parameter["in"] != "query" or parameter["name"] == "q":
                continue
            schema = parameter["schema"]
            value = bad["integer"] if schema.get("type") == "integer" else "not-a-" + parameter["name"] * 10
            response = client.get(path, query_string={parameter["name"]: value})
            assert response.status_code in (400, 404), (path, parameter["name"], response.status_code)
