"""Personal API tokens on the account page: made (shown once, stored only as a hash), listed, revoked; a token
opens the API as its owner and nothing else."""

from __future__ import annotations

import hashlib
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from festival.accounts import api_tokens
from festival.accounts.api_tokens import ApiToken
from festival.core.errors import DomainError
from festival.extensions import db
from tests.accounts.support import english_client, flashes
from tests.conftest import login, post_form
from tests.factories import Factory

ACCOUNT = "/dashboard/account"
MAKE = "/dashboard/account/api-tokens"
TOKEN_RE = re.compile(r'id="new-token-value"[^>]*value="(nh_[A-Za-z0-9_-]+)"')


@pytest.fixture
def organizer(make, tree):
    return make.user("organizer", scope=tree["00376"], username="orga", full_name="Lê Văn Tổ Chức")


@pytest.fixture
def orga(client, organizer):
    assert login(client, "orga").status_code == 302
    return client


def make_token(client, name: str = "Bảng điều khiển xã") -> str:
    response = post_form(client, MAKE, {"name": name}, page=ACCOUNT)
    assert response.status_code == 200
    found = TOKEN_RE.search(response.get_data(as_text=True))
    assert found, "the new token is shown"
    return found.group(1)


def test_an_organizer_makes_a_token_and_sees_it_once(orga, organizer):
    token = make_token(orga)

    assert len(token) == len("nh_") + 43  # 32 random bytes, URL-safe base64
    record = db.session.scalars(select(ApiToken)).one()
    assert record.user_id == organizer.id and record.name == "Bảng điều khiển xã"
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (record.prefix, record.name) and token.startswith(record.prefix)
    page = orga.get(ACCOUNT).get_data(as_text=True)
    assert token not in page  # never again
    assert record.prefix in page and "Bảng điều khiển xã" in page and "Never" in page


def test_a_token_opens_the_api_as_its_owner_and_records_its_use(orga):
    token = make_token(orga)
    api = english_client(orga.application)  # a script: no cookie

    response = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200
    assert response.get_json()["username"] == "orga"
    assert db.session.scalars(select(ApiToken)).one().last_used_at is not None
    assert response.headers["Cache-Control"] == "no-store"


def test_a_token_without_a_name_is_refused_and_keeps_the_page(orga):
    response = post_form(orga, MAKE, {"name": "   "}, page=ACCOUNT)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Give the token a name" in html and not TOKEN_RE.search(html)
    too_long = post_form(orga, MAKE, {"name": "x" * 101}, page=ACCOUNT)
    assert too_long.status_code == 400 and 'value="' + "x" * 101 in too_long.get_data(as_text=True)
    assert db.session.scalars(select(ApiToken)).all() == []


def test_revoking_a_token_closes_the_api_to_it(orga):
    token = make_token(orga)
    record = db.session.scalars(select(ApiToken)).one()

    response = post_form(orga, f"{MAKE}/{record.id}/revoke", {}, page=ACCOUNT)

    assert response.status_code == 302
    page = orga.get(response.headers["Location"]).get_data(as_text=True)
    assert ("success", f"The token {record.prefix}… is revoked: it no longer opens the API.") in flashes(page)
    api = english_client(orga.application)
    refused = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401 and refused.get_json()["code"] == "invalid_token"


def test_one_cannot_revoke_another_accounts_token(client, make, tree, organizer):
    made = api_tokens.create(organizer, "Của người khác")
    make.user("organizer", scope=tree["38"], username="thanhhoa")
    login(client, "thanhhoa")

    response = post_form(client, f"{MAKE}/{made.record.id}/revoke", {}, page=ACCOUNT)

    assert response.status_code == 302
    assert db.session.get(ApiToken, made.record.id).revoked_at is None
    assert api_tokens.authenticate(f"Bearer {made.secret}").username == "orga"


def test_a_token_is_no_login_for_the_pages(client, organizer):
    made = api_tokens.create(organizer, "Kịch bản")
    response = client.get(ACCOUNT, headers={"Authorization": f"Bearer {made.secret}"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_only_organizers_make_tokens(client, make, tree):
    make.user("checkin_staff", scope=tree["00376"], username="soat_ve")
    login(client, "soat_ve")
    assert "API tokens" not in client.get(ACCOUNT).get_data(as_text=True)
    assert post_form(client, MAKE, {"name": "x"}, page=ACCOUNT).status_code == 403


def test_a_deactivated_account_s_tokens_stop_working(organizer):
    made = api_tokens.create(organizer, "Kịch bản")
    organizer.active = False
    db.session.commit()
    assert api_tokens.authenticate(f"Bearer {made.secret}") is None


def test_an_account_that_is_no_longer_an_organizer_loses_its_tokens(organizer):
    made = api_tokens.create(organizer, "Kịch bản")
    assert api_tokens.authenticate(f"Bearer {made.secret}").id == organizer.id
    organizer.role = "checkin_staff"
    db.session.commit()
    assert api_tokens.authenticate(f"Bearer {made.secret}") is None


# --- in a real browser, on a phone ----------------------------------------------------------------------------


def call_api(base: str, path: str, token: str) -> int:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the test's own server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.browser
def test_on_a_phone_an_organizer_makes_copies_uses_and_revokes_a_token(live_server, chromium, organizer):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_server + "/login")
        page.fill("#username", "orga")
        page.fill("#password", Factory.PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.goto(live_server + ACCOUNT)

        page.fill("#name", "Bảng tổng hợp của xã")
        page.locator('form[action="/dashboard/account/api-tokens"] button').click()

        shown = page.locator("#new-token-value")
        expect(shown).to_be_visible()
        token = shown.input_value()
        assert token.startswith("nh_") and page.get_attribute("#new-token-value", "readonly") is not None
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
        assert call_api(live_server, "/api/v1/me", token) == 200

        page.goto(live_server + ACCOUNT)
        expect(page.locator("#new-token-value")).to_have_count(0)  # shown once
        expect(page.locator("table.tokens")).to_contain_text("Bảng tổng hợp của xã")
        page.locator("table.tokens form button").click()
        expect(page.locator("table.tokens tr.revoked")).to_have_count(1)
        assert call_api(live_server, "/api/v1/me", token) == 401
    finally:
        context.close()


def test_an_account_keeps_a_reviewable_number_of_live_tokens(organizer):
    made = [api_tokens.create(organizer, f"Kịch bản {n}") for n in range(api_tokens.TOKENS_MAX)]
    with pytest.raises(DomainError) as refused:
        api_tokens.create(organizer, "Một cái nữa")
    assert refused.value.code == "too_many_tokens" and refused.value.field == "name"
    api_tokens.revoke(organizer, made[0].record.id)
    assert api_tokens.create(organizer, "Một cái nữa").record.name == "Một cái nữa"


def test_a_token_name_is_kept_as_nfc_without_control_characters(organizer):
    decomposed = api_tokens.create(organizer, "Thô\u0301ng ke\u0302\x07")
    assert decomposed.record.name == "Thống kê"
