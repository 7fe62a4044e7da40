"""/api/v1/me and /api/v1/festivals/{id}/quotas: an organizer's script reads its own counts with a personal token,
and nothing else does (no cookie, no token in the address, no other province)."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS31Validator

from festival.accounts import api_tokens
from festival.core.errors import DomainError
from tests.api.test_lists import assert_problem
from tests.conftest import login


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {api_tokens.create(user, 'Kịch bản thống kê').secret}"}


def test_me_says_who_the_token_is_and_where_they_work(client, world):
    body = client.get("/api/v1/me", headers=bearer(world["organizer"])).get_json()
    assert body == {
        "username": "orga",
        "full_name": world["organizer"].full_name,
        "role": "organizer",
        "scope": {"code": "00376", "full_name": "Xã Sóc Sơn", "level": "commune"},
    }
    admin = client.get("/api/v1/me", headers=bearer(world["admin"])).get_json()
    assert admin["role"] == "admin" and admin["scope"] is None  # the whole country


def test_an_organizer_reads_the_registration_counts_of_their_festival_day(client, world, tickets):
    festival = world["festival"]

    response = client.get(f"/api/v1/festivals/{festival.id}/quotas", headers=bearer(world["organizer"]))

    assert response.status_code == 200
    body = response.get_json()
    assert body["festival_id"] == festival.id
    line = next(q for q in body["items"] if q["quota_id"] == tickets["quota"].id)
    # tests/factories.py `tickets`: one place, taken by Lan; Nam waits; one invitation.
    assert (line["capacity"], line["taken"], line["confirmed"], line["waiting"], line["invitations"]) == (1, 1, 1, 1, 1)
    assert line["item_id"] == tickets["item"].id and line["attended"] == 0 and line["title"]
    assert "Phạm Thị Lan" not in response.get_data(as_text=True)  # counts only, no personal data
    assert response.headers["Cache-Control"] == "no-store" and "Authorization" in response.headers["Vary"]


def test_another_provinces_organizer_is_refused(client, world, make, tickets):
    stranger = make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    response = client.get(f"/api/v1/festivals/{world['festival'].id}/quotas", headers=bearer(stranger))
    assert_problem(response, 403, "forbidden")
    rep = make.user("org_rep", organization=world["organization"], username="rep")
    with pytest.raises(DomainError) as refused:  # a representative cannot make a token at all
        api_tokens.create(rep, "x")
    assert refused.value.code == "tokens_not_allowed"


def test_an_unknown_festival_day_is_a_404_problem(client, world):
    response = client.get("/api/v1/festivals/999999/quotas", headers=bearer(world["admin"]))
    assert_problem(response, 404, "festival_not_found")


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nh_not-a-real-token-at-all",
        "Bearer nh_" + "A" * 43,  # the right shape, unknown
        "Basic b3JnYTptYXQta2hhdQ==",
        "Bearer nh_" + "Á" * 43,
    ],
)
def test_a_missing_or_bad_token_is_a_401_problem(client, world, header):
    headers = {"Authorization": header} if header else {}
    for url in ("/api/v1/me", f"/api/v1/festivals/{world['festival'].id}/quotas"):
        response = client.get(url, headers=headers)
        assert_problem(response, 401, "invalid_token" if header else "token_required")
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_token_counts_only_in_the_authorization_header(client, world):
    secret = api_tokens.create(world["organizer"], "Kịch bản").secret
    for query in ({"access_token": secret}, {"token": secret}, {"bearer": secret}):
        assert_problem(client.get("/api/v1/me", query_string=query), 401, "token_required")


def test_the_login_cookie_does_not_open_these_endpoints(client, world):
    login(client, "orga")
    assert_problem(client.get("/api/v1/me"), 401, "token_required")
    assert_problem(client.get(f"/api/v1/festivals/{world['festival'].id}/quotas"), 401, "token_required")


def test_the_description_names_the_bearer_scheme_on_these_operations(client, world, tickets):
    spec = client.get("/api/v1/openapi.json").get_json()
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer") and "/dashboard/account" in scheme["description"]
    for path in ("/api/v1/me", "/api/v1/festivals/{festival_id}/quotas"):
        operation = spec["paths"][path]["get"]
        assert operation["security"] == [{"bearer": []}]
        assert "401" in operation["responses"]
    assert "security" not in spec["paths"]["/api/v1/festivals"]["get"]  # the public API needs none
    headers = bearer(world["organizer"])
    for url, path in (
        ("/api/v1/me", "/api/v1/me"),
        (f"/api/v1/festivals/{world['festival'].id}/quotas", "/api/v1/festivals/{festival_id}/quotas"),
    ):
        schema = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        OAS31Validator({**schema, "components": spec["components"]}).validate(
            client.get(url, headers=headers).get_json()
        )
