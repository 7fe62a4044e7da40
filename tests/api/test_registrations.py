"""POST /api/v1/registrations and GET /api/v1/keys: an app or a kiosk registers people through the same rules as
the form, and a scanner verifies the tickets offline with the published keys."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS31Validator
from sqlalchemy import func, select

from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration import quotas, services
from festival.registration.models import Registration, RegistrationQuota

URL = "/api/v1/registrations"
PROBLEM = "application/problem+json"


@pytest.fixture
def item(make, world):
    return make.registrable_item(world["festival"], capacity=2, venue=world["venue"])


def body(world, item=None, **kw) -> dict:
    values = {
        "festival_id": world["festival"].id,
        "full_name": "Nguyễn Thị Hoà",
        "phone": "0912 345 678",
        "consent": True,
    }
    if item is not None:
        values["item_id"] = item.id
    return values | kw


def registrations() -> int:
    return db.session.scalar(select(func.count(Registration.id)))


def spec_check(client, status: str, answer, content_type: str = "application/json") -> None:
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = spec["paths"][URL]["post"]["responses"][status]["content"][content_type]["schema"]
    OAS31Validator({**schema, "components": spec["components"]}).validate(answer)


def test_a_registrant_gets_a_confirmed_ticket_with_its_qr_text(client, world, item):
    response = client.post(URL, json=body(world, item, email="hoa@example.vn", locale="en"))
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    registration = db.session.get(Registration, answer["id"])
    assert answer["status"] == "confirmed"
    assert answer["qr_payload"] == services.ticket_text(registration)
    assert answer["ticket_url"].endswith("/t/" + registration.token)
    assert answer["admits"] == {
        "festival_id": world["festival"].id,
        "item_id": item.id,
        "title": item.title,
        "starts_at": "2027-08-10T09:00:00+07:00",  # the item, an hour into the day
    }
    assert "waiting_position" not in answer
    assert registration.phone == "+84912345678" and registration.locale == "en"
    spec_check(client, "201", answer)


def test_when_the_places_are_gone_registrants_wait_in_line_and_see_their_place(client, world, item):
    for n in range(2):
        assert client.post(URL, json=body(world, item, phone=f"091200010{n}")).get_json()["status"] == "confirmed"
    first = client.post(URL, json=body(world, item, phone="0912000200")).get_json()
    second = client.post(URL, json=body(world, item, phone="0912000201")).get_json()
    assert (first["status"], first["waiting_position"]) == ("waiting", 1)
    assert (second["status"], second["waiting_position"]) == ("waiting", 2)
    assert "qr_payload" not in first and first["ticket_url"]
    spec_check(client, "201", second)
    assert db.session.get(RegistrationQuota, quotas.quota_for(world["festival"], item).id).taken == 2


def test_the_festival_day_as_a_whole_once_its_organizers_open_it(client, world, make):
    make.registrable_item(world["festival"])  # publishes the program
    refused = client.post(URL, json=body(world))
    assert refused.status_code == 404 and refused.get_json()["code"] == "registration_not_found"
    quotas.ensure_quota(world["festival"])
    answer = client.post(URL, json=body(world)).get_json()
    assert answer["status"] == "confirmed"
    assert answer["admits"]["item_id"] is None and answer["admits"]["festival_id"] == world["festival"].id
    assert answer["admits"]["title"] == quotas.title_of(quotas.quota_for(world["festival"]))


def test_a_second_registration_of_a_phone_is_refused_without_revealing_the_ticket(client, world, item):
    first = client.post(URL, json=body(world, item)).get_json()
    token = db.session.get(Registration, first["id"]).token
    again = client.post(URL, json=body(world, item, phone="+84 912 345 678", full_name="Người khác"))
    assert again.status_code == 409 and again.mimetype == PROBLEM
    problem = again.get_json()
    assert problem["code"] == "duplicate_phone" and problem["field"] == "phone"
    assert token not in again.get_data(as_text=True) and first["qr_payload"] not in again.get_data(as_text=True)
    assert registrations() == 1
    spec_check(client, "409", problem, PROBLEM)


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"consent": None}, "consent_required", "consent"),
        ({"consent": False}, "consent_required", "consent"),
        ({"consent": "yes"}, "invalid_consent", "consent"),
        ({"phone": "12"}, "phone_invalid", "phone"),
        ({"phone": ""}, "phone_required", "phone"),
        ({"phone": 912345678}, "invalid_phone", "phone"),
        ({"full_name": "  \u200b "}, "name_required", "full_name"),
        ({"full_name": "A" * 201}, "name_too_long", "full_name"),
        ({"email": "not an address"}, "email_invalid", "email"),
        ({"festival_id": "x"}, "invalid_festival_id", "festival_id"),
        ({"festival_id": True}, "invalid_festival_id", "festival_id"),
        ({"festival_id": 2**31}, "invalid_festival_id", "festival_id"),
        ({"item_id": -1}, "invalid_item_id", "item_id"),
        ({"locale": "fr"}, "invalid_locale", "locale"),
        ({"seat": "A1"}, "invalid_seat", "seat"),
        ({"phone": "0912\x00345678"}, "phone_invalid", "phone"),
        ({"email": "hoa\x00@example.vn"}, "email_invalid", "email"),
    ],
)
def test_a_bad_field_is_a_400_problem_naming_it_and_nothing_is_saved(client, world, item, change, code, field):
    sent = {k: v for k, v in (body(world, item) | change).items() if v is not None}
    response = client.post(URL, json=sent)
    assert response.status_code == 400 and response.mimetype == PROBLEM
    problem = response.get_json()
    assert (problem["code"], problem.get("field")) == (code, field)
    assert problem["detail"]
    assert registrations() == 0
    spec_check(client, "400", problem, PROBLEM)


def test_problems_are_in_vietnamese_unless_the_body_asks_for_english(client, world, item):
    vietnamese = client.post(URL, json=body(world, item, consent=False)).get_json()
    english = client.post(URL, json=body(world, item, consent=False, locale="en")).get_json()
    assert english["detail"] == "Registration needs your consent to the processing of your personal data."
    assert english["title"] == "Bad request"
    assert vietnamese["title"] == "Yêu cầu không hợp lệ"  # (new details get their translation when merged)
    assert vietnamese["code"] == english["code"] == "consent_required"


@pytest.mark.parametrize(
    "send",
    [
        {"data": "festival_id=1&consent=true", "content_type": "application/x-www-form-urlencoded"},
        {"data": "{not json", "content_type": "application/json"},
        {"data": "[1, 2]", "content_type": "application/json"},
        {"data": "", "content_type": "application/json"},
    ],
)
def test_a_body_that_is_not_a_json_object_is_refused(client, world, send):
    response = client.post(URL, **send)
    assert response.status_code == 400 and response.get_json()["code"] == "invalid_body"
    assert registrations() == 0


def test_unknown_or_unpublished_festivals_and_items_are_404_problems(client, world, make, item):
    unpublished = make.agenda_item(world["festival"], status="draft", takes_registrations=True, capacity=5)
    no_registrations = world["item"]
    other_festival = db.session.scalars(
        select(LocalityFestival).where(LocalityFestival.id != world["festival"].id)
    ).first()
    cases = [
        ({"festival_id": 2**31 - 1}, "festival_not_found"),
        ({"item_id": unpublished.id}, "item_not_found"),
        ({"item_id": no_registrations.id}, "item_not_found"),
        ({"festival_id": other_festival.id}, "item_not_found"),
    ]
    for change, code in cases:
        response = client.post(URL, json=body(world, item) | change)
        assert response.status_code == 404 and response.mimetype == PROBLEM, change
        assert response.get_json()["code"] == code, change
    assert registrations() == 0
    assert db.session.scalar(select(func.count(RegistrationQuota.id))) == 0


def test_a_closed_or_stopped_registration_is_a_409_problem(client, world, item):
    quota = quotas.ensure_quota(world["festival"], item)
    quota.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    closed = client.post(URL, json=body(world, item))
    assert closed.status_code == 409 and closed.get_json()["code"] == "registration_closed"
    quota.closes_at, quota.opens_at = None, utcnow() + timedelta(days=1)
    db.session.commit()
    not_yet = client.post(URL, json=body(world, item))
    assert not_yet.status_code == 409 and not_yet.get_json()["code"] == "registration_not_open"
    assert registrations() == 0


def test_the_rate_limit_is_a_429_problem_with_retry_after(app, client, world, item):
    app.config["REGISTRATION_RATE_LIMIT"] = "2 per minute"
    try:
        answers = [client.post(URL, json=body(world, item, phone=f"09120003{n:02d}")) for n in range(3)]
    finally:
        app.config["REGISTRATION_RATE_LIMIT"] = "10000 per minute"
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].mimetype == PROBLEM and answers[2].get_json()["status"] == 429
    assert int(answers[2].headers["Retry-After"]) > 0
    assert registrations() == 2


def test_no_csrf_token_or_cookie_is_needed(app, world, item):
    """An app posts JSON without a session: the API is exempt from the CSRF check that guards the forms."""
    fresh = app.test_client(use_cookies=False)
    response = fresh.post(URL, json=body(world, item))
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def b32(text: str) -> bytes:
    return base64.b32decode(text + "=" * (-len(text) % 8))


def test_a_scanner_verifies_a_ticket_offline_with_the_published_keys(client, world, item):
    payload = client.post(URL, json=body(world, item)).get_json()["qr_payload"]
    keys = client.get("/api/v1/keys")
    assert keys.status_code == 200
    published = keys.get_json()
    form = published["ticket_format"]
    assert form["characters"] == len(payload) == 120 and form["bytes"] == 75
    raw = b32(payload)
    claims_size = sum(claim["bytes"] for claim in form["claims"])
    assert claims_size == 11
    key = next(k for k in published["keys"] if int(k["id"], 16) == raw[1])
    assert key["algorithm"] == "Ed25519" and key["current"] is True
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(key["public_key"] + "=="))
    public.verify(raw[claims_size:], raw[:claims_size])  # raises when forged
    forged = bytearray(raw)
    forged[5] ^= 1  # another registration id
    with pytest.raises(InvalidSignature):
        public.verify(bytes(forged[claims_size:]), bytes(forged[:claims_size]))


def test_the_keys_are_publicly_cacheable_and_revalidated_with_their_etag(client, database):
    first = client.get("/api/v1/keys")
    assert first.headers["Cache-Control"].startswith("public") and first.headers["ETag"]
    again = client.get("/api/v1/keys", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    spec = client.get("/api/v1/openapi.json").get_json()
    schema = spec["paths"]["/api/v1/keys"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    OAS31Validator({**schema, "components": spec["components"]}).validate(first.get_json())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)
FIELDS = ["festival_id", "item_id", "full_name", "phone", "email", "affiliation", "consent", "locale"]


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_json_body_gets_a_registration_or_a_problem_never_a_server_error(client, world, item, data):
    sent = body(world, item, phone=f"0913{data.draw(st.integers(0, 999999)):06d}")
    for name in data.draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        sent[name] = data.draw(JSON_VALUES)
    response = client.post(URL, json=sent)
    if response.status_code == 201:
        assert response.get_json()["status"] in ("confirmed", "waiting")
        return
    assert response.status_code in (400, 404, 409), (sent, response.status_code)
    assert response.mimetype == PROBLEM and response.get_json()["code"]


def test_invisible_characters_are_dropped_from_the_name_and_it_is_stored_as_nfc(client, world, item):
    decomposed = "Nguye\u0302\u0303n\x00 Thi\u0323 \u200bHoa\u0300"  # NFD, a NUL, a zero-width space
    answer = client.post(URL, json=body(world, item, full_name=decomposed))
    assert answer.status_code == 201, answer.get_json()
    assert db.session.get(Registration, answer.get_json()["id"]).full_name == "Nguyễn Thị Hoà"


def test_the_description_explains_the_request_body_with_an_example_that_registers(client, world, item):
    spec = client.get("/api/v1/openapi.json").get_json()
    content = spec["paths"][URL]["post"]["requestBody"]["content"]["application/json"]
    request_schema = spec["components"]["schemas"]["RegistrationRequest"]
    assert set(request_schema["required"]) == {"festival_id"}
    assert all(field.get("description") for field in request_schema["properties"].values())
    OAS31Validator({**content["schema"], "components": spec["components"]}).validate(content["example"])
    example = content["example"] | {"festival_id": world["festival"].id, "item_id": item.id}
    assert client.post(URL, json=example).status_code == 201
