"""Sessions kept on the server: logging out ends them for good, the account page lists and ends them, they
expire when idle and after a fixed lifetime, and a new password ends the others."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from flask_babel import force_locale, ngettext
from sqlalchemy import func, select, text, update

from festival.accounts import services
from festival.accounts.models import User, UserSession
from festival.config import ConfigError, load_config
from festival.core.time import utcnow
from festival.extensions import db
from tests.accounts.support import english_client, flashes, form_fields
from tests.conftest import count_queries, login, post_form
from tests.factories import Factory

CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Mobile/15E148 Safari/604.1"
)
COCCOC_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 coc_coc_browser/117.0.0"
)
NEW_PASSWORD = "mot-mat-khau-moi-dai"
ACCOUNT = "/dashboard/account"


@pytest.fixture
def organizer(make, tree):
    return make.user("organizer", scope=tree["00376"], username="orga", full_name="Lê Văn Tổ Chức")


def browser(app, address: str = "127.0.0.1", agent: str = CHROME_WINDOWS):
    client = english_client(app)
    client.environ_base.update({"REMOTE_ADDR": address, "HTTP_USER_AGENT": agent})
    return client


def logged_in_browser(app, username: str = "orga", **kwargs):
    client = browser(app, **kwargs)
    assert login(client, username).status_code == 302
    return client


def is_logged_in(client) -> bool:
    response = client.get("/dashboard")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def records(user: User | None = None) -> list[UserSession]:
    db.session.expire_all()
    stmt = select(UserSession).order_by(UserSession.id)
    if user is not None:
        stmt = stmt.where(UserSession.user_id == user.id)
    return list(db.session.scalars(stmt))


def age(record_id: int, **changes: timedelta) -> None:
    """Move a session's timestamps into the past, as if time had passed (tests never sleep)."""
    now = utcnow()
    db.session.execute(
        update(UserSession).where(UserSession.id == record_id).values({k: now - v for k, v in changes.items()})
    )
    db.session.commit()


# --- logging out ends the session, wherever its cookie was copied -------------------------------------------------


def test_a_copied_session_cookie_stops_working_when_its_owner_logs_out(app, organizer):
    owner = logged_in_browser(app)
    thief = browser(app, address="198.51.100.7")
    thief.set_cookie("session", owner.get_cookie("session").value)
    assert is_logged_in(thief)  # the copy works while the session lives ...

    assert post_form(owner, "/logout", {}, page="/dashboard").status_code == 302
    assert not is_logged_in(owner)
    # ... and not a moment after: the copied cookie meets the login page.
    response = thief.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert records(organizer) == []


def test_the_cookie_holds_only_a_random_token_whose_hash_the_server_keeps(app, organizer):
    client = logged_in_browser(app)
    cookie = client.get_cookie("session").value
    payload = app.session_interface.get_signing_serializer(app).loads(cookie)
    token = payload["_user_id"]
    assert len(token) >= 40 and str(organizer.id) != token
    (record,) = records(organizer)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The token itself is nowhere in the database.
    for row in db.session.execute(text("SELECT * FROM user_sessions")).mappings():
        assert token not in [str(v) for v in row.values()]


def test_a_login_records_the_device_the_address_and_the_times(app, organizer):
    before = utcnow()
    logged_in_browser(app, address="203.0.113.5", agent=SAFARI_IPHONE)
    (record,) = records(organizer)
    assert record.address == "203.0.113.5"
    assert record.user_agent == SAFARI_IPHONE
    with force_locale("en"):
        assert record.device == "Mobile Safari 17 on iOS 17 (iPhone)"
    with force_locale("vi"):
        assert record.device == "Mobile Safari 17 trên iOS 17 (iPhone)"
    assert before <= record.created_at == record.last_seen_at <= utcnow()


@pytest.mark.parametrize(
    ("agent", "device"),
    [
        (CHROME_WINDOWS, "Chrome 120 on Windows 10"),
        (COCCOC_MAC, "Coc Coc 117 on Mac OS X 10"),
        ("curl/8.0", "curl 8"),
        ("", "Unknown device"),
        ("\x00garbage", "Unknown device"),
    ],
)
def test_devices_are_named_as_people_say_them(app, organizer, agent, device):
    logged_in_browser(app, agent=agent)
    with force_locale("en"):
        assert records(organizer)[0].device == device


# --- the account page ---------------------------------------------------------------------------------------------


def session_rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr")[1:]]


def test_the_account_page_lists_the_sessions_and_marks_this_device(app, organizer):
    phone = logged_in_browser(app, address="203.0.113.5", agent=SAFARI_IPHONE)
    office = logged_in_browser(app, address="192.0.2.10", agent=CHROME_WINDOWS)
    page = office.get(ACCOUNT)
    assert page.status_code == 200
    rows = session_rows(page.get_data(as_text=True))
    assert len(rows) == 2
    mine = next(r for r in rows if "This device" in r)
    other = next(r for r in rows if "This device" not in r)
    assert "Chrome 120 on Windows 10" in mine and "192.0.2.10" in mine
    assert "Mobile Safari 17 on iOS 17 (iPhone)" in other and "203.0.113.5" in other
    # The other one can be ended; this one is ended by logging out.
    assert "End this session" in other and "End this session" not in mine
    assert is_logged_in(phone)


def test_ending_another_session_from_the_account_page_logs_that_device_out(app, organizer):
    phone = logged_in_browser(app, agent=SAFARI_IPHONE)
    office = logged_in_browser(app)
    phone_record = next(r for r in records(organizer) if r.user_agent == SAFARI_IPHONE)

    response = post_form(office, f"{ACCOUNT}/sessions/{phone_record.id}/end", {}, page=ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT
    assert ("success", "The session has ended.") in flashes(office.get(ACCOUNT).get_data(as_text=True))
    assert not is_logged_in(phone)
    assert is_logged_in(office)
    assert len(records(organizer)) == 1


def test_ending_all_other_sessions_keeps_this_one(app, organizer, make, tree):
    others = [logged_in_browser(app, address=f"192.0.2.{i}") for i in range(3)]
    someone_else = make.user("organizer", scope=tree["01"], username="other")
    stranger = logged_in_browser(app, "other")
    me = logged_in_browser(app)

    response = post_form(me, f"{ACCOUNT}/sessions/end-others", {}, page=ACCOUNT)
    assert response.status_code == 302
    assert ("success", "3 other sessions have ended.") in flashes(me.get(ACCOUNT).get_data(as_text=True))
    assert all(not is_logged_in(c) for c in others)
    assert is_logged_in(me)
    assert len(records(organizer)) == 1
    # Nobody else's sessions are touched.
    assert is_logged_in(stranger) and len(records(someone_else)) == 1


def test_ending_this_very_session_from_the_form_logs_out(app, organizer):
    me = logged_in_browser(app)
    (record,) = records(organizer)
    response = post_form(me, f"{ACCOUNT}/sessions/{record.id}/end", {}, page=ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert not is_logged_in(me)
    assert records(organizer) == []


@pytest.mark.parametrize("session_id", ["other", 999999, 2**31, 2**63])
def test_a_session_that_is_not_ones_own_cannot_be_ended(app, organizer, make, tree, session_id):
    make.user("organizer", scope=tree["01"], username="other")
    victim = logged_in_browser(app, "other")
    me = logged_in_browser(app)
    if session_id == "other":
        session_id = records(db.session.scalar(select(User).where(User.username == "other")))[0].id
    response = post_form(me, f"{ACCOUNT}/sessions/{session_id}/end", {}, page=ACCOUNT)
    if isinstance(session_id, int) and session_id >= 2**31:
        assert response.status_code == 404  # not an id at all: the route does not match
    else:
        assert response.status_code == 302
        assert ("info", "This session has already ended.") in flashes(me.get(ACCOUNT).get_data(as_text=True))
    assert is_logged_in(victim)
    assert is_logged_in(me)


def test_the_account_page_needs_a_login(client):
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


# --- changing one's own password ----------------------------------------------------------------------------------


def change_password(client, current: str, new: str, confirm: str | None = None):
    return post_form(
        client,
        f"{ACCOUNT}/password",
        {"current_password": current, "password": new, "confirm": new if confirm is None else confirm},
        page=ACCOUNT,
    )


def test_changing_ones_password_ends_the_other_sessions_and_keeps_this_one(app, organizer):
    phone = logged_in_browser(app, agent=SAFARI_IPHONE)
    me = logged_in_browser(app)
    response = change_password(me, Factory.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == ACCOUNT
    assert ("success", "Your password has been changed. Your other sessions have ended.") in flashes(
        me.get(ACCOUNT).get_data(as_text=True)
    )
    assert is_logged_in(me)
    assert not is_logged_in(phone)
    assert login(browser(app), "orga", Factory.PASSWORD).status_code == 401
    assert login(browser(app), "orga", NEW_PASSWORD).status_code == 302


def test_a_nul_byte_in_the_password_form_is_refused_and_changes_nothing(app, organizer):
    me = logged_in_browser(app)
    response = change_password(me, Factory.PASSWORD + "\x00", NEW_PASSWORD)
    assert response.status_code == 400  # refused before any view by the app-wide guard (festival.core.web)
    assert is_logged_in(me)
    assert login(browser(app), "orga", Factory.PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("current", "new", "confirm", "field", "message"),
    [
        ("not-the-password", NEW_PASSWORD, None, "current_password", "The current password is not right."),
        (Factory.PASSWORD, "short", None, "password", "The password needs at least 10 characters."),
        (Factory.PASSWORD, NEW_PASSWORD, "something-else-123", "confirm", "The two new passwords differ."),
        (Factory.PASSWORD, Factory.PASSWORD, None, "password", "The new password must differ from the current one."),
        (Factory.PASSWORD, "ORGA", None, "password", "The password needs at least 10 characters."),
        ("", NEW_PASSWORD, None, "current_password", None),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, organizer, current, new, confirm, field, message):
    phone = logged_in_browser(app, agent=SAFARI_IPHONE)
    me = logged_in_browser(app)
    response = change_password(me, current, new, confirm)
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields[field].errors
    if message:
        assert message in fields[field].errors
    assert all(fields[name].value in (None, "") for name in ("current_password", "password", "confirm"))
    assert is_logged_in(phone) and is_logged_in(me)
    assert login(browser(app), "orga", Factory.PASSWORD).status_code == 302


def test_guessing_the_current_password_from_an_open_session_is_throttled(app, organizer):
    me = logged_in_browser(app)
    for _ in range(5):
        assert change_password(me, "wrong-guess-1234", NEW_PASSWORD).status_code == 400
    response = change_password(me, Factory.PASSWORD, NEW_PASSWORD)
    assert response.status_code == 429
    (error,) = form_fields(response.get_data(as_text=True))["current_password"].errors
    assert error.startswith("Too many failed attempts. Wait ")
    assert login(browser(app, address="192.0.2.99"), "orga", Factory.PASSWORD).status_code == 302


# --- expiry -------------------------------------------------------------------------------------------------------


def test_an_idle_session_ends_after_the_idle_timeout(app, organizer):
    client = logged_in_browser(app)
    (record,) = records(organizer)
    age(record.id, last_seen_at=timedelta(hours=12) - timedelta(minutes=1))
    assert is_logged_in(client)  # 11 h 59 min idle: still open, and now seen again
    age(record.id, last_seen_at=timedelta(hours=12, seconds=1))
    assert not is_logged_in(client)
    assert records(organizer) == []


def test_a_busy_session_still_ends_after_its_lifetime(app, organizer):
    client = logged_in_browser(app)
    (record,) = records(organizer)
    age(record.id, created_at=timedelta(days=14) - timedelta(minutes=1), last_seen_at=timedelta(seconds=5))
    assert is_logged_in(client)
    age(record.id, created_at=timedelta(days=14, seconds=1), last_seen_at=timedelta(seconds=5))
    assert not is_logged_in(client)
    assert records(organizer) == []


def test_the_timeouts_come_from_the_configuration(app, organizer, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT", 600)
    monkeypatch.setitem(app.config, "SESSION_LIFETIME", 3600)
    client = logged_in_browser(app)
    (record,) = records(organizer)
    age(record.id, last_seen_at=timedelta(seconds=590))
    assert is_logged_in(client)
    age(record.id, created_at=timedelta(seconds=3601), last_seen_at=timedelta(seconds=5))
    assert not is_logged_in(client)
    assert "10 minutes without use, or 1 hour after logging in" in logged_in_browser(app).get(ACCOUNT).get_data(
        as_text=True
    )


def test_expired_sessions_are_not_listed(app, organizer):
    me = logged_in_browser(app)
    logged_in_browser(app, agent=SAFARI_IPHONE)
    phone = next(r for r in records(organizer) if r.user_agent == SAFARI_IPHONE)
    age(phone.id, last_seen_at=timedelta(hours=13))
    rows = session_rows(me.get(ACCOUNT).get_data(as_text=True))
    assert len(rows) == 1 and "This device" in rows[0]


def test_last_seen_is_written_at_most_once_a_minute(app, organizer):
    client = logged_in_browser(app)
    (record,) = records(organizer)
    with count_queries() as statements:
        for _ in range(5):
            assert client.get("/dashboard").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")], "a write on every request"

    age(record.id, last_seen_at=timedelta(minutes=2))
    with count_queries() as statements:
        for _ in range(5):
            assert client.get("/dashboard").status_code == 200
    updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1 and "user_sessions" in updates[0]
    (record,) = records(organizer)
    assert utcnow() - record.last_seen_at < timedelta(seconds=30)


def test_expired_sessions_are_purged_when_someone_logs_in(app, organizer, make, tree):
    make.user("organizer", scope=tree["01"], username="other")
    logged_in_browser(app, "other")
    logged_in_browser(app, "other", agent=SAFARI_IPHONE)
    stale, live = (r.id for r in records())
    age(stale, last_seen_at=timedelta(days=2))
    logged_in_browser(app)  # orga logs in
    remaining = {r.id for r in records()}
    assert stale not in remaining and live in remaining and len(remaining) == 2


def test_the_prune_sessions_command_removes_expired_sessions(app, organizer):
    logged_in_browser(app)
    logged_in_browser(app, agent=SAFARI_IPHONE)
    logged_in_browser(app, agent=COCCOC_MAC)
    first, second, third = records(organizer)
    age(first.id, last_seen_at=timedelta(hours=13))
    age(second.id, created_at=timedelta(days=15), last_seen_at=timedelta(minutes=1))
    result = app.test_cli_runner().invoke(args=["users", "prune-sessions"])
    assert result.exit_code == 0, result.output
    assert ngettext("%(num)d expired session removed.", "%(num)d expired sessions removed.", 2) in result.output
    assert [r.id for r in records(organizer)] == [third.id]


# --- administrators ending sessions -------------------------------------------------------------------------------


def test_deactivation_by_an_administrator_deletes_the_sessions(app, organizer, admin):
    logged_in_browser(app)
    logged_in_browser(app, agent=SAFARI_IPHONE)
    assert len(records(organizer)) == 2
    services.update_user(
        organizer,
        services.UserData(username="orga", full_name=organizer.full_name, role="organizer", scope_code="00376",
                          active=False),
        acting=admin,
    )  # fmt: skip
    assert records(organizer) == []


def test_a_new_password_from_an_administrator_deletes_the_sessions(app, organizer, admin):
    logged_in_browser(app)
    services.update_user(
        organizer,
        services.UserData(username="orga", full_name=organizer.full_name, role="organizer", scope_code="00376",
                          password=NEW_PASSWORD),
        acting=admin,
    )  # fmt: skip
    assert records(organizer) == []


def test_other_changes_by_an_administrator_leave_the_sessions_alone(app, organizer, admin):
    client = logged_in_browser(app)
    services.update_user(
        organizer,
        services.UserData(username="orga", full_name="Tên Mới", role="checkin_staff", scope_code="01"),
        acting=admin,
    )
    assert is_logged_in(client)


def test_a_deleted_account_takes_its_sessions_with_it(app, organizer):
    logged_in_browser(app)
    db.session.execute(text("DELETE FROM users WHERE username = 'orga'"))
    db.session.commit()
    assert db.session.scalar(select(func.count(UserSession.id))) == 0


# --- configuration ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(None, None), ("", None), ("600", 600), ("90m", 5400), ("12h", 43200), ("14d", 1209600), (" 2H ", 7200)],
)
def test_session_durations_are_read_from_the_environment(monkeypatch, tmp_path, value, seconds):
    for name in ("SESSION_IDLE_TIMEOUT", "SESSION_LIFETIME"):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    config = load_config(str(tmp_path))
    assert config["SESSION_IDLE_TIMEOUT"] == (seconds or 12 * 3600)
    assert config["SESSION_LIFETIME"] == (seconds or 14 * 86400)


@pytest.mark.parametrize("value", ["soon", "-5", "0", "1.5h", "12 hours"])
def test_a_session_duration_that_is_not_one_stops_the_start_with_its_name(monkeypatch, tmp_path, value):
    monkeypatch.setenv("SESSION_IDLE_TIMEOUT", value)
    with pytest.raises(ConfigError, match="SESSION_IDLE_TIMEOUT"):
        load_config(str(tmp_path))
