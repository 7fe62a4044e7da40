"""Logging in and out: generic failures, focus, open redirects, CSRF and password storage.

The throttling of failed attempts is in test_throttle.py, server-side sessions in test_sessions.py.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from festival.accounts import services
from festival.accounts.models import User, UserSession
from festival.extensions import db
from tests.accounts.support import flashes, form_fields
from tests.conftest import csrf_token, login, post_form
from tests.factories import Factory

GENERIC_FAILURE = ("error", "Wrong username or password.")


@pytest.fixture
def organizer(make, tree):
    return make.user("organizer", scope=tree["00376"], username="orga", full_name="Lê Văn Tổ Chức")


def session_count(user: User) -> int:
    return db.session.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def is_logged_in(client) -> bool:
    response = client.get("/dashboard")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_right_password_redirects_to_dashboard_and_the_session_works(client, organizer):
    response = login(client, "orga")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"

    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Lê Văn Tổ Chức" in page.get_data(as_text=True)
    db.session.refresh(organizer)
    assert organizer.last_login_at is not None


def test_username_is_matched_case_insensitively_after_trimming(client, organizer):
    response = login(client, "  ORGA ")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_wrong_password_and_unknown_user_get_the_same_generic_answer(client, organizer):
    wrong_password = login(client, "orga", "not-the-password")
    unknown_user = login(client, "nobody", "not-the-password")

    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert flashes(response.get_data(as_text=True)) == [GENERIC_FAILURE]
    # Nothing tells the two apart but the username typed back into the form.
    assert form_fields(wrong_password.get_data(as_text=True))["username"].value == "orga"
    assert form_fields(unknown_user.get_data(as_text=True))["username"].value == "nobody"
    assert form_fields(wrong_password.get_data(as_text=True))["password"].value in (None, "")
    assert not is_logged_in(client)


def test_empty_fields_are_refused_with_400(client, organizer):
    response = post_form(client, "/login", {"username": "orga", "password": ""})
    assert response.status_code == 400
    assert form_fields(response.get_data(as_text=True))["password"].errors
    assert not is_logged_in(client)


def test_deactivated_user_cannot_log_in(client, organizer, admin):
    services.update_user(
        organizer,
        services.UserData(
            username="orga", full_name=organizer.full_name, role="organizer", scope_code="00376", active=False
        ),
        acting=admin,
    )
    response = login(client, "orga")
    assert response.status_code == 401
    assert flashes(response.get_data(as_text=True)) == [GENERIC_FAILURE]
    assert not is_logged_in(client)


def test_user_deactivated_by_an_admin_loses_the_session_on_the_next_request(client, organizer, admin):
    login(client, "orga")
    assert is_logged_in(client)

    services.update_user(
        organizer,
        services.UserData(
            username="orga", full_name=organizer.full_name, role="organizer", scope_code="00376", active=False
        ),
        acting=admin,
    )
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_user_deactivated_in_the_database_loses_the_session(client, organizer):
    login(client, "orga")
    assert is_logged_in(client)

    organizer.active = False  # without rotating the session token: the check on `active` alone must suffice
    db.session.commit()
    assert not is_logged_in(client)


def test_password_change_ends_the_sessions_and_the_new_password_works(client, organizer, app):
    login(client, "orga")
    assert is_logged_in(client)
    assert session_count(organizer) == 1

    services.set_password("orga", "mot-mat-khau-moi-dai")
    assert session_count(organizer) == 0
    assert not is_logged_in(client)

    assert login(client, "orga", Factory.PASSWORD).status_code == 401
    assert login(client, "orga", "mot-mat-khau-moi-dai").status_code == 302
    assert is_logged_in(client)


def test_another_browser_keeps_its_session_when_one_logs_out(client, organizer, app):
    from tests.accounts.support import english_client

    other = english_client(app)
    login(client, "orga")
    login(other, "orga")
    post_form(client, "/logout", {}, page="/dashboard")
    assert not is_logged_in(client)
    assert is_logged_in(other)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example/dashboard",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "/\t/evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "dashboard",
    ],
)
def test_next_pointing_off_site_is_ignored(client, organizer, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "orga", "password": Factory.PASSWORD, "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


@pytest.mark.parametrize("target", ["/localities/01", "/localities/01?page=2"])
def test_next_on_this_site_is_honoured(client, organizer, target):
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "orga", "password": Factory.PASSWORD, "csrf_token": csrf_token(client, "/login")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == target


def test_login_required_page_sends_back_after_login(client, organizer):
    response = client.get("/dashboard")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/login?next=")

    response = client.post(
        login_url,
        data={"username": "orga", "password": Factory.PASSWORD, "csrf_token": csrf_token(client, login_url)},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_logged_in_user_visiting_login_is_sent_on(client, organizer):
    login(client, "orga")
    response = client.get("/login?next=https://evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_logout_with_csrf_token_ends_the_session(client, organizer):
    login(client, "orga")
    response = post_form(client, "/logout", {}, page="/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not is_logged_in(client)


def test_logout_without_csrf_token_is_refused(client, organizer):
    login(client, "orga")
    response = client.post("/logout")
    assert response.status_code == 400
    assert "Your form expired or was sent from elsewhere." in response.get_data(as_text=True)
    assert is_logged_in(client)


def test_logout_with_a_wrong_csrf_token_is_refused(client, organizer):
    login(client, "orga")
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert is_logged_in(client)


def test_logout_by_get_is_not_allowed(client, organizer):
    login(client, "orga")
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_login_form_without_csrf_token_is_refused(client, organizer):
    response = client.post("/login", data={"username": "orga", "password": Factory.PASSWORD})
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_csrf_token_of_another_session_is_refused(client, organizer, app):
    from tests.accounts.support import english_client

    token_of_another_browser = csrf_token(english_client(app), "/login")
    response = client.post(
        "/login", data={"username": "orga", "password": Factory.PASSWORD, "csrf_token": token_of_another_browser}
    )
    assert response.status_code == 400
    assert not is_logged_in(client)


def test_get_of_the_login_page_is_not_limited(client, organizer):
    for _ in range(5):
        login(client, "orga", "wrong-password")
    assert client.get("/login").status_code == 200


def test_passwords_are_stored_as_argon2id_hashes(organizer, make):
    assert organizer.password_hash.startswith("$argon2id$")
    assert Factory.PASSWORD not in organizer.password_hash

    other = make.user("organizer", scope=organizer.scope_locality, username="orgb", password="mat-khau-rieng-2")
    assert other.password_hash.startswith("$argon2id$")
    # Two accounts with distinct passwords, and the same password twice, never share a hash (random salt).
    third = make.user("organizer", scope=organizer.scope_locality, username="orgc")
    assert third.password_hash != organizer.password_hash

    rows = db.session.execute(text("SELECT * FROM users")).mappings().all()
    for row in rows:
        for value in row.values():
            assert value not in (Factory.PASSWORD, "mat-khau-rieng-2")


def test_password_set_through_the_cli_is_hashed(organizer):
    services.set_password("orga", "mat-khau-moi-qua-cli")
    stored = db.session.scalar(select(User.password_hash).where(User.username == "orga"))
    assert stored.startswith("$argon2id$")
    assert "mat-khau-moi-qua-cli" not in stored


def autofocused(html: str) -> list[str]:
    """The names of the controls that take the focus when the page opens."""
    return re.findall(
        r'<input[^>]*\bautofocus\b[^>]*\bname="([^"]+)"|<input[^>]*\bname="([^"]+)"[^>]*\bautofocus\b', html
    )


def focused_names(html: str) -> list[str]:
    return [a or b for a, b in autofocused(html)]


def test_the_login_page_opens_with_the_cursor_in_the_username_box(client, organizer):
    assert focused_names(client.get("/login").get_data(as_text=True)) == ["username"]


def test_after_a_wrong_password_the_username_stays_and_the_cursor_waits_in_the_password_box(client, organizer):
    response = login(client, "orga", "not-the-password")
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert form_fields(html)["username"].value == "orga"
    assert focused_names(html) == ["password"]


def test_without_a_username_the_cursor_goes_back_to_the_username_box(client, organizer):
    response = post_form(client, "/login", {"username": "", "password": "x"})
    assert response.status_code == 400
    assert focused_names(response.get_data(as_text=True)) == ["username"]


@pytest.mark.parametrize(
    "data",
    [
        {"username": "orga\x00", "password": Factory.PASSWORD},
        {"username": "\x00", "password": "x"},
        {"username": "orga", "password": "mat\x00khau"},
        {"username": "o" * 64 + "\x00", "password": "x"},
    ],
    ids=["nul-after-username", "nul-username", "nul-password", "long-with-nul"],
)
def test_a_nul_byte_in_the_login_form_is_a_failed_login_not_a_server_error(client, organizer, data):
    response = post_form(client, "/login", data)
    assert response.status_code in (400, 401)
    assert not is_logged_in(client)
