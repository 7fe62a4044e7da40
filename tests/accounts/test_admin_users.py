"""Administrators manage accounts through the web forms and the `flask users` commands."""

from __future__ import annotations

import unicodedata

import pytest
from flask_babel import gettext
from sqlalchemy import func, select

from festival.accounts.auth import hash_password
from festival.accounts.models import User
from festival.extensions import db
from tests.accounts.support import english_client, flashes, form_fields
from tests.conftest import csrf_token, login, post_form

NEW_PASSWORD = "mat-khau-moi-du-dai"


def user_form(**changes) -> dict:
    data = {
        "username": "nguyenvana",
        "full_name": "Nguyễn Văn An",
        "email": "An.Nguyen@Example.vn",
        "role": "organizer",
        "scope_name": "Xã Sóc Sơn",
        "scope_code": "00376",
        "organization_name": "",
        "organization_id": "",
        "password": NEW_PASSWORD,
        "active": "y",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def edit_form(user: User, **changes) -> dict:
    """The edit form as the page fills it for `user`, with some fields changed."""
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "scope_name": user.scope_locality.full_name if user.scope_locality else "",
        "scope_code": user.scope_locality.code if user.scope_locality else "",
        "organization_name": user.organization.name if user.organization else "",
        "organization_id": str(user.organization_id or ""),
        "password": "",
        "active": "y" if user.active else None,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def find_user(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- creating, editing, deactivating --------------------------------------------------------------------------


def test_admin_creates_an_organizer_with_a_commune_scope(admin_client, tree, app):
    page = admin_client.get("/admin/users/new")
    assert page.status_code == 200
    assert set(form_fields(page.get_data(as_text=True))) >= {
        "username",
        "full_name",
        "email",
        "role",
        "scope_name",
        "scope_code",
        "organization_name",
        "organization_id",
        "password",
        "active",
    }

    response = post_form(admin_client, "/admin/users/new", user_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"

    user = find_user("nguyenvana")
    assert user is not None
    assert user.role == "organizer"
    assert user.scope_locality.code == "00376"
    assert user.full_name == "Nguyễn Văn An"
    assert user.email == "an.nguyen@example.vn"
    assert user.active
    assert user.password_hash.startswith("$argon2id$")

    listing = admin_client.get("/admin/users").get_data(as_text=True)
    assert ("success", "Account nguyenvana created.") in flashes(listing)
    assert "Xã Sóc Sơn" in listing and "(00376)" in listing

    # The new account logs in with the password the admin typed and works in its scope.
    browser = english_client(app)
    assert login(browser, "nguyenvana", NEW_PASSWORD).status_code == 302
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    assert "Xã Sóc Sơn" in dashboard


def test_created_names_are_stored_in_nfc(admin_client, tree):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    assert decomposed != "Nguyễn Thị Hoà"
    response = post_form(admin_client, "/admin/users/new", user_form(full_name=f"  {decomposed} "))
    assert response.status_code == 302
    assert find_user("nguyenvana").full_name == "Nguyễn Thị Hoà"


def test_upper_case_username_is_stored_in_lower_case(admin_client, tree):
    response = post_form(admin_client, "/admin/users/new", user_form(username="NguyenVanB"))
    assert response.status_code == 302
    assert find_user("nguyenvanb") is not None


def test_admin_creates_an_organization_representative(admin_client, tree, make):
    organization = make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(role="org_rep", scope_code="", organization_id=str(organization.id)),
    )
    assert response.status_code == 302
    user = find_user("nguyenvana")
    assert user.organization_id == organization.id
    assert user.scope_locality is None
    assert "Công an xã Sóc Sơn" in admin_client.get("/admin/users").get_data(as_text=True)


def test_admin_creates_another_admin_without_scope(admin_client, tree):
    response = post_form(admin_client, "/admin/users/new", user_form(role="admin", scope_code=""))
    assert response.status_code == 302
    assert find_user("nguyenvana").role == "admin"


def test_edit_page_shows_the_account_without_its_password(admin_client, make, tree):
    user = make.user("organizer", scope=tree["00376"], username="orga", email="orga@example.vn")
    page = admin_client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200
    fields = form_fields(page.get_data(as_text=True))
    assert fields["username"].value == "orga"
    assert fields["email"].value == "orga@example.vn"
    assert fields["role"].value == "organizer"
    assert fields["scope_code"].value == "00376"
    # The scope by its name, the code in small print.
    assert fields["scope_name"].value == "Xã Sóc Sơn"
    assert "code 00376" in page.get_data(as_text=True)
    assert fields["password"].value in (None, "")
    assert fields["active"].value == "on"


def test_admin_changes_role_and_scope(admin_client, make, tree, app):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    response = post_form(
        admin_client, f"/admin/users/{user.id}", edit_form(user, role="checkin_staff", scope_code="38")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/users"

    user = find_user("orga")
    assert user.role == "checkin_staff"
    assert user.scope_locality.code == "38"
    # An empty password field keeps the password.
    assert login(english_client(app), "orga").status_code == 302


def test_promoting_to_admin_drops_the_scope(admin_client, make, tree):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, role="admin", scope_code=""))
    assert response.status_code == 302
    user = find_user("orga")
    assert user.role == "admin"
    assert user.scope_locality is None


def test_admin_deactivates_an_account_and_its_session_ends(admin_client, make, tree, app):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    browser = english_client(app)
    login(browser, "orga")
    assert browser.get("/dashboard").status_code == 200

    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, active=None))
    assert response.status_code == 302
    assert find_user("orga").active is False
    assert "Deactivated" in admin_client.get("/admin/users").get_data(as_text=True)

    assert browser.get("/dashboard").status_code == 302
    assert login(browser, "orga").status_code == 401


def test_admin_reactivates_an_account(admin_client, make, tree, app):
    user = make.user("organizer", scope=tree["00376"], username="orga", active=False)
    assert login(english_client(app), "orga").status_code == 401
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, active="y"))
    assert response.status_code == 302
    assert login(english_client(app), "orga").status_code == 302


def test_new_password_from_the_admin_ends_the_sessions(admin_client, make, tree, app):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    browser = english_client(app)
    login(browser, "orga")
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, password=NEW_PASSWORD))
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 302
    assert login(english_client(app), "orga", NEW_PASSWORD).status_code == 302


def test_admin_changing_their_own_password_stays_logged_in_here_only(admin_client, admin, app):
    elsewhere = english_client(app)
    login(elsewhere, "admin")
    response = post_form(admin_client, f"/admin/users/{admin.id}", edit_form(admin, password=NEW_PASSWORD))
    assert response.status_code == 302
    assert admin_client.get("/admin/users").status_code == 200
    assert elsewhere.get("/admin/users").status_code == 302
    assert login(english_client(app), "admin", NEW_PASSWORD).status_code == 302


def test_editing_an_unknown_account_is_404(admin_client):
    assert admin_client.get("/admin/users/999999").status_code == 404


def test_user_list_searches_username_and_name(admin_client, make, tree):
    make.user("organizer", scope=tree["00376"], username="socson1", full_name="Phạm Văn Bình")
    make.user("organizer", scope=tree["38"], username="thanhhoa1", full_name="Đỗ Thị Lan")
    body = admin_client.get("/admin/users?q=socson").get_data(as_text=True)
    assert "socson1" in body and "thanhhoa1" not in body
    body = admin_client.get("/admin/users?q=Lan").get_data(as_text=True)
    assert "thanhhoa1" in body and "socson1" not in body
    body = admin_client.get("/admin/users?q=zzz").get_data(as_text=True)
    assert "No account matches." in body


def test_user_list_is_paginated(admin_client, tree):
    # Rows straight into the table with one shared hash: 26 Argon2 hashes would only slow the listing test down.
    password_hash = hash_password("mat-khau-nhanh-01")
    for i in range(26):  # with the admin: 27 accounts
        db.session.add(
            User(
                username=f"u{i:02d}",
                full_name=f"Người {i}",
                role="organizer",
                scope_locality=tree["01"],
                password_hash=password_hash,
            )
        )
    db.session.commit()
    first = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = admin_client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert "u25" in second and "u25" not in first


# --- validation: 400, the typed values back, the message next to its field ---------------------------------------

INVALID_CREATIONS = [
    pytest.param(
        {"username": "taken"},
        "username",
        "This username is taken.",
        id="username-taken",
    ),
    pytest.param(
        {"username": "Bad Name!"},
        "username",
        "A username has 3 to 64 lower-case letters, digits, dots, dashes or underscores.",
        id="bad-username",
    ),
    pytest.param(
        {"username": "ab"},
        "username",
        None,
        id="username-too-short",
    ),
    pytest.param(
        {"scope_code": "", "scope_name": ""},
        "scope_code",
        "Choose the locality this account works in.",
        id="scope-missing",
    ),
    pytest.param(
        {"role": "checkin_staff", "scope_code": "", "scope_name": ""},
        "scope_code",
        "Choose the locality this account works in.",
        id="checkin-scope-missing",
    ),
    pytest.param(
        {"scope_code": "", "scope_name": "Xã Không Có"},
        "scope_code",
        "No administrative unit is called “Xã Không Có”.",
        id="scope-name-unknown",
    ),
    pytest.param(
        {"scope_code": "", "scope_name": "55555"},
        "scope_code",
        "No administrative unit has the code 55555.",
        id="scope-code-typed-unknown",
    ),
    pytest.param(
        {"scope_code": "", "scope_name": "thanh"},
        "scope_code",
        "Several units match “thanh”: Tỉnh Thanh Hoá (38); Thành phố Hà Nội (01). "
        "Choose one from the list or type its code.",
        id="scope-name-ambiguous",
    ),
    pytest.param(
        {"scope_code": "", "scope_name": "x" * 256},
        "scope_name",
        None,
        id="scope-name-too-long",
    ),
    pytest.param(
        {"scope_code": "0" * 21},
        "scope_code",
        None,
        id="scope-code-too-long",
    ),
    pytest.param(
        {"scope_code": "99999"},
        "scope_code",
        "No administrative unit has the code 99999.",
        id="unknown-scope",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_id": ""},
        "organization_id",
        "Choose the organization this account speaks for.",
        id="org-rep-without-organization",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_id": "999999"},
        "organization_id",
        "This organization does not exist. Choose one from the list.",
        id="org-rep-with-unknown-organization",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_name": "Hội Không Có"},
        "organization_id",
        "No organization is called “Hội Không Có”.",
        id="org-rep-organization-name-unknown",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_name": "cong an"},
        "organization_id",
        None,  # names both, see test_several_organizations_matching_are_named_with_their_place
        id="org-rep-organization-name-ambiguous",
    ),
    pytest.param(
        {"organization_id": "abc"},
        "organization_id",
        "This organization does not exist. Choose one from the list.",
        id="organization-not-a-number",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_id": "2147483648"},
        "organization_id",
        "This organization does not exist. Choose one from the list.",
        id="organization-id-out-of-range",
    ),
    pytest.param(
        {"role": "org_rep", "scope_code": "", "scope_name": "", "organization_id": "-1"},
        "organization_id",
        "This organization does not exist. Choose one from the list.",
        id="organization-id-negative",
    ),
    pytest.param(
        {"role": "", "scope_code": "", "scope_name": ""},
        "role",
        "Choose a role.",
        id="role-not-chosen",
    ),
    pytest.param(
        {"password": "short"},
        "password",
        "The password needs at least 10 characters.",
        id="short-password",
    ),
    pytest.param(
        {"password": ""},
        "password",
        "A password is required.",
        id="password-missing",
    ),
    pytest.param(
        {"username": "nguyenvana1", "password": "NguyenVanA1"},
        "password",
        "The password must differ from the username.",
        id="password-is-username",
    ),
    pytest.param(
        {"email": "not-an-address"},
        "email",
        None,
        id="bad-email",
    ),
    pytest.param(
        {"full_name": "   "},
        "full_name",
        None,
        id="full-name-blank",
    ),
    pytest.param(
        {"role": "emperor"},
        "role",
        None,
        id="unknown-role",
    ),
]


PICKERS = {
    "scope_code": {"scope_name", "scope_code"},
    "scope_name": {"scope_name", "scope_code"},
    "organization_id": {"organization_name", "organization_id"},
    "organization_name": {"organization_name", "organization_id"},
}


@pytest.mark.parametrize(("changes", "field", "message"), INVALID_CREATIONS)
def test_invalid_account_is_refused_with_the_typed_values_and_the_reason(
    admin_client, make, tree, changes, field, message
):
    make.user("organizer", scope=tree["01"], username="taken")
    make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    make.organization(tree["00004"], name="Công an phường Ba Đình")
    before = user_count()
    sent = user_form(**{"full_name": "Võ Thị Sáu", "email": "vts@example.vn", **changes})

    response = post_form(admin_client, "/admin/users/new", sent)
    assert response.status_code == 400
    assert user_count() == before

    fields = form_fields(response.get_data(as_text=True))
    assert fields[field].errors, f"no error shown next to {field}"
    assert fields[field].has_error and fields[field].invalid
    if message:
        assert message in fields[field].errors
    # Every other field is quiet (a picker's search box and hidden input are one field).
    assert {name for name, f in fields.items() if f.errors} == PICKERS.get(field, {field})
    # What the user typed comes back, except the password.
    for name in ("username", "full_name", "email", "scope_name", "scope_code", "organization_name", "organization_id"):
        assert (fields[name].value or "") == sent.get(name, ""), name
    if sent["role"] in {"organizer", "checkin_staff", "org_rep", "admin", ""}:
        assert (fields["role"].value or "") == sent["role"]
    assert fields["password"].value in (None, "")
    assert sent["password"] not in response.get_data(as_text=True) or sent["password"] == ""


def test_invalid_edit_keeps_the_typed_values_and_changes_nothing(admin_client, make, tree):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    response = post_form(
        admin_client,
        f"/admin/users/{user.id}",
        edit_form(user, full_name="Tên Mới", scope_code="12345", scope_name="Xã Mới", password="ngan"),
    )
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields["scope_code"].value == "12345"
    assert fields["scope_name"].value == "Xã Mới"
    assert "No administrative unit has the code 12345." in fields["scope_code"].errors
    assert fields["full_name"].value == "Tên Mới"
    assert fields["password"].value in (None, "")

    unchanged = find_user("orga")
    assert unchanged.full_name == "Nguyễn Văn An"
    assert unchanged.scope_locality.code == "00376"


def test_renaming_to_a_taken_username_is_refused(admin_client, make, tree):
    make.user("organizer", scope=tree["01"], username="taken")
    user = make.user("organizer", scope=tree["00376"], username="orga")
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, username="taken"))
    assert response.status_code == 400
    assert "This username is taken." in form_fields(response.get_data(as_text=True))["username"].errors
    assert find_user("orga") is not None


SELF_DEMOTION = "You cannot take away your own administrator rights or deactivate yourself."


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"role": "organizer", "scope_code": "01"}, id="demote"),
        pytest.param({"active": None}, id="deactivate"),
        pytest.param({"role": "checkin_staff", "scope_code": "01", "active": None}, id="both"),
    ],
)
def test_admin_cannot_demote_or_deactivate_themself(admin_client, admin, changes):
    response = post_form(admin_client, f"/admin/users/{admin.id}", edit_form(admin, **changes))
    assert response.status_code == 400
    assert ("error", SELF_DEMOTION) in flashes(response.get_data(as_text=True))

    me = find_user("admin")
    assert me.role == "admin" and me.active
    assert admin_client.get("/admin/users").status_code == 200


def test_admin_can_edit_their_own_name(admin_client, admin):
    response = post_form(admin_client, f"/admin/users/{admin.id}", edit_form(admin, full_name="Trần Thị Mới"))
    assert response.status_code == 302
    assert find_user("admin").full_name == "Trần Thị Mới"
    assert admin_client.get("/admin/users").status_code == 200


def test_admin_can_demote_another_admin(admin_client, make, tree):
    other = make.user("admin", username="admin2")
    response = post_form(admin_client, f"/admin/users/{other.id}", edit_form(other, role="organizer", scope_code="01"))
    assert response.status_code == 302
    assert find_user("admin2").role == "organizer"


# --- who may manage accounts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organizer", "checkin_staff", "org_rep"])
def test_non_admins_get_403(client, make, tree, admin, role):
    organization = make.organization(tree["00376"]) if role == "org_rep" else None
    make.user(role, scope=tree["00376"] if role != "org_rep" else None, organization=organization, username="someone")
    assert login(client, "someone").status_code == 302

    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{admin.id}"):
        assert client.get(url).status_code == 403, url
    before = user_count()
    response = client.post(
        "/admin/users/new", data={**user_form(role="admin", scope_code=""), "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/users/{admin.id}", data={**edit_form(admin, active=None), "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 403
    assert user_count() == before
    assert find_user("admin").active


def test_anonymous_is_sent_to_login(client, admin):
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{admin.id}", "/admin/users/999999"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next="), url


# --- the command line -------------------------------------------------------------------------------------------


def run_cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_cli_creates_an_account(app, tree):
    result = run_cli(
        app, "users", "create", "bob", "--full-name", "Bob", "--role", "organizer", "--scope", "01",
        "--password", NEW_PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert gettext("Account %(name)s created.", name="bob") in result.output
    user = find_user("bob")
    assert user.role == "organizer"
    assert user.scope_locality.code == "01"
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash


def test_cli_asks_for_the_password_twice_when_not_given(app, tree):
    result = run_cli(
        app,
        "users",
        "create",
        "carol",
        "--full-name",
        "Carol",
        "--role",
        "admin",
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert find_user("carol").role == "admin"


def test_cli_refuses_an_unknown_scope(app, tree):
    result = run_cli(
        app, "users", "create", "bob", "--full-name", "Bob", "--role", "organizer", "--scope", "99",
        "--password", NEW_PASSWORD,
    )  # fmt: skip
    assert result.exit_code != 0
    assert gettext("No administrative unit has the code %(code)s.", code="99") in result.output
    assert find_user("bob") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "organizer"], "Choose the locality this account works in."),
        (
            ["--role", "organizer", "--scope", "01", "--password", "short"],
            "The password needs at least %(n)s characters.",
        ),
        (["--role", "org_rep"], "Choose the organization this account speaks for."),
    ],
)
def test_cli_refuses_other_invalid_accounts(app, tree, args, message):
    if "--password" not in args:
        args = [*args, "--password", NEW_PASSWORD]
    result = run_cli(app, "users", "create", "bob", "--full-name", "Bob", *args)
    assert result.exit_code != 0
    assert gettext(message, n=10) in result.output
    assert find_user("bob") is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not an address"], "“%(email)s” is not a valid e-mail address."),
        (["--full-name", "A" * 201], "The full name can have at most %(n)s characters."),
    ],
)
def test_cli_checks_what_the_form_checks(app, tree, args, message):
    # The form refuses these before the service; the CLI relies on the service alone (PostgreSQL would
    # otherwise refuse the long name with a DataError, SQLite store it).
    result = run_cli(
        app, "users", "create", "bob", "--full-name", "Bob", "--role", "admin", "--password", NEW_PASSWORD, *args
    )
    assert result.exit_code != 0
    assert gettext(message, email="not an address", n=200) in result.output
    assert find_user("bob") is None


def test_cli_stores_the_email_normalised(app, tree):
    result = run_cli(
        app, "users", "create", "bob", "--full-name", "Bob", "--role", "admin", "--password", NEW_PASSWORD,
        "--email", " Bob@Example.VN ",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert find_user("bob").email == "bob@example.vn"


def test_cli_refuses_a_taken_username(app, make, tree):
    make.user("organizer", scope=tree["01"], username="bob")
    result = run_cli(
        app, "users", "create", "bob", "--full-name", "Bob 2", "--role", "admin", "--password", NEW_PASSWORD
    )
    assert result.exit_code != 0
    assert gettext("This username is taken.") in result.output
    assert user_count() == 1


def test_cli_refuses_an_unknown_role(app, tree):
    result = run_cli(app, "users", "create", "bob", "--full-name", "Bob", "--role", "king", "--password", NEW_PASSWORD)
    assert result.exit_code != 0
    assert find_user("bob") is None


def test_cli_sets_a_password_and_ends_the_sessions(app, make, tree):
    make.user("organizer", scope=tree["01"], username="bob")
    browser = english_client(app)
    login(browser, "bob")
    assert browser.get("/dashboard").status_code == 200

    result = run_cli(app, "users", "set-password", "bob", "--password", NEW_PASSWORD)
    assert result.exit_code == 0, result.output
    assert gettext("Password changed for %(name)s.", name="bob") in result.output

    assert browser.get("/dashboard").status_code == 302
    assert login(english_client(app), "bob").status_code == 401
    assert login(english_client(app), "bob", NEW_PASSWORD).status_code == 302


def test_cli_set_password_refuses_an_unknown_user_and_a_short_password(app, make, tree):
    make.user("organizer", scope=tree["01"], username="bob")
    old_hash = find_user("bob").password_hash

    result = run_cli(app, "users", "set-password", "ghost", "--password", NEW_PASSWORD)
    assert result.exit_code != 0
    assert gettext("No account is called %(name)s.", name="ghost") in result.output

    result = run_cli(app, "users", "set-password", "bob", "--password", "short")
    assert result.exit_code != 0
    assert gettext("The password needs at least %(n)s characters.", n=10) in result.output
    assert find_user("bob").password_hash == old_hash
