"""The account form: no role chosen for the administrator, scope and organization picked by name, races, odd input."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from festival.accounts import services
from festival.accounts.models import User
from festival.core.errors import DomainError
from festival.extensions import db
from tests.accounts.support import english_client, form_fields
from tests.accounts.test_admin_users import NEW_PASSWORD, edit_form, find_user, user_form
from tests.conftest import csrf_token, login, post_form


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


# --- the role -----------------------------------------------------------------------------------------------------


def test_the_new_account_form_preselects_no_role(admin_client):
    html = admin_client.get("/admin/users/new").get_data(as_text=True)
    role = form_fields(html)["role"]
    assert (role.value or "") == ""
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", html)
    assert options[0][1] == "Choose a role…"
    assert 'value=""' in options[0][0]
    # Nothing else is marked as chosen: the browser shows the empty first option.
    assert not any("selected" in attrs for attrs, _label in options[1:])


def test_saving_the_new_account_form_as_it_comes_creates_nobody(admin_client, tree):
    """Before, the role list started with Administrator: saving the form unchanged made a nationwide admin."""
    before = user_count()
    response = post_form(
        admin_client,
        "/admin/users/new",
        {"username": "newbie", "full_name": "Người Mới", "password": NEW_PASSWORD, "role": "", "active": "y"},
    )
    assert response.status_code == 400
    assert form_fields(response.get_data(as_text=True))["role"].errors == ["Choose a role."]
    assert user_count() == before
    assert find_user("newbie") is None


def test_the_service_also_requires_a_role(tree, database):
    with pytest.raises(DomainError) as caught:
        services.create_user(
            services.UserData(username="newbie", full_name="Người Mới", role="", password=NEW_PASSWORD)
        )
    assert caught.value.code == "role_required" and caught.value.field == "role"


# --- the scope, picked by name ------------------------------------------------------------------------------------


def picker_box(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no {name} input"
    return match.group(0)


def test_the_pickers_follow_the_scripts_contract(admin_client):
    html = admin_client.get("/admin/users/new").get_data(as_text=True)
    for box, hidden, kind in (
        ("scope_name", "scope_code", "data-locality-search"),
        ("organization_name", "organization_id", "data-organization-search"),
    ):
        tag = picker_box(html, box)
        assert 'type="search"' in tag and kind in tag
        list_id = re.search(r'data-results="([^"]+)"', tag).group(1)
        fill = re.search(r'data-fill="([^"]+)"', tag).group(1)
        # The suggestion list follows the box; the hidden input it fills is the one the form sends.
        after = html[html.index(tag) + len(tag) :].lstrip()
        assert after.startswith(f'<ul id="{list_id}" class="suggestions" role="listbox" hidden></ul>')
        hidden_tag = picker_box(html, hidden)
        assert 'type="hidden"' in hidden_tag and f'id="{fill}"' in hidden_tag


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("soc son", "00376"),
        ("Sóc Sơn", "00376"),
        ("XÃ SÓC SƠN", "00376"),
        ("00376", "00376"),
        ("Tuy Hoà", "22015"),
        ("Tuy Hòa", "22015"),
        ("dak lak", "66"),
        ("Hà Nội", "01"),
    ],
)
def test_without_the_script_the_typed_name_or_code_is_resolved(admin_client, tree, typed, code):
    response = post_form(admin_client, "/admin/users/new", user_form(scope_code="", scope_name=typed))
    assert response.status_code == 302, form_fields(response.get_data(as_text=True))["scope_code"].errors
    assert find_user("nguyenvana").scope_locality.code == code


def test_the_code_the_script_filled_in_wins_over_the_text(admin_client, tree):
    response = post_form(admin_client, "/admin/users/new", user_form(scope_code="38", scope_name="Tỉnh Thanh Hoá"))
    assert response.status_code == 302
    assert find_user("nguyenvana").scope_locality.code == "38"


def test_several_matching_units_are_named_with_their_codes_five_at_most(admin_client, tree):
    # "t" starts Thành phố Hà Nội, Tỉnh Thanh Hoá, Tỉnh Đắk Lắk, Phường Tuy Hoà, Thôn Đông, Thôn Tây.
    response = post_form(admin_client, "/admin/users/new", user_form(scope_code="", scope_name="t"))
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    (error,) = fields["scope_code"].errors
    assert error.startswith("Several units match “t”: ")
    assert len(re.findall(r"\(\d+\)", error)) == 5
    assert "Thôn Tây, Xã Sóc Sơn (00376002)" in error  # a match on the name ranks before one on the full name
    assert fields["scope_name"].value == "t"
    assert find_user("nguyenvana") is None


def test_the_edit_page_shows_the_scope_by_name_and_keeps_it_when_saved_unchanged(admin_client, make, tree):
    user = make.user("organizer", scope=tree["66"], username="daklak")
    html = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    fields = form_fields(html)
    assert fields["scope_name"].value == "Tỉnh Đắk Lắk"
    assert fields["scope_code"].value == "66"
    assert "<strong>Tỉnh Đắk Lắk</strong>" in html
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, full_name="Y Đơn"))
    assert response.status_code == 302
    assert find_user("daklak").scope_locality.code == "66"


# --- the organization, picked by name -----------------------------------------------------------------------------


@pytest.fixture
def police(make, tree):
    return make.organization(tree["00376"], name="Công an xã Sóc Sơn")


def test_a_representative_is_created_by_the_organizations_name(admin_client, tree, police, make):
    make.organization(tree["00004"], name="Đoàn thanh niên phường Ba Đình")
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(role="org_rep", scope_code="", scope_name="", organization_name="cong an xa soc son"),
    )
    assert response.status_code == 302
    assert find_user("nguyenvana").organization_id == police.id


def test_the_id_the_script_filled_in_is_used(admin_client, tree, police):
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(
            role="org_rep", scope_code="", organization_name="Công an xã Sóc Sơn", organization_id=str(police.id)
        ),
    )
    assert response.status_code == 302
    assert find_user("nguyenvana").organization_id == police.id


def test_several_organizations_matching_are_named_with_their_place(admin_client, make, tree, police):
    other = make.organization(tree["00004"], name="Công an phường Ba Đình")
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(role="org_rep", scope_code="", scope_name="", organization_name="công an"),
    )
    assert response.status_code == 400
    (error,) = form_fields(response.get_data(as_text=True))["organization_id"].errors
    assert error.startswith("Several organizations match “công an”: ")
    assert f"Công an xã Sóc Sơn, Xã Sóc Sơn (#{police.id})" in error
    assert f"Công an phường Ba Đình, Phường Ba Đình (#{other.id})" in error
    # The number it shows can be typed instead.
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(role="org_rep", scope_code="", scope_name="", organization_name=f"#{other.id}"),
    )
    assert response.status_code == 302
    assert find_user("nguyenvana").organization_id == other.id


def test_the_edit_page_shows_the_organization_by_name(admin_client, make, tree, police):
    user = make.user("org_rep", organization=police, username="rep")
    html = admin_client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    fields = form_fields(html)
    assert fields["organization_name"].value == "Công an xã Sóc Sơn"
    assert fields["organization_id"].value == str(police.id)
    assert "<strong>Công an xã Sóc Sơn, Xã Sóc Sơn</strong>" in html
    assert f'value="{police.id}"' in picker_box(html, "organization_id")


@pytest.mark.parametrize("value", ["2147483648", "abc", "99999999999999999999999", "1e3", "٣"])
def test_an_organization_id_that_is_not_an_id_is_a_field_error(admin_client, tree, police, value):
    response = post_form(
        admin_client,
        "/admin/users/new",
        user_form(role="org_rep", scope_code="", scope_name="", organization_id=value),
    )
    assert response.status_code == 400
    assert form_fields(response.get_data(as_text=True))["organization_id"].errors
    assert find_user("nguyenvana") is None


# --- two administrators creating the same username at once -------------------------------------------------------


class CommitGate:
    """Holds every commit that inserts or renames an account until `parties` requests have reached theirs: both
    have then passed the service's "is this username taken?" check, and race in the database."""

    def __init__(self, parties: int = 2):
        self.barrier = threading.Barrier(parties, timeout=20)

    def __enter__(self):
        event.listen(Session, "before_commit", self._wait)
        return self

    def __exit__(self, *exc):
        event.remove(Session, "before_commit", self._wait)

    def _wait(self, session):
        if any(isinstance(obj, User) for obj in (*session.new, *session.dirty)):
            self.barrier.wait()


def admin_browser(app, username: str):
    browser = english_client(app)
    assert login(browser, username).status_code == 302
    return browser


@pytest.mark.parametrize("kind", ["create", "rename"])
def test_two_administrators_racing_for_one_username_get_a_created_account_and_a_field_error(
    app, make, tree, admin, kind
):
    make.user("admin", username="admin2")
    browsers = [admin_browser(app, "admin"), admin_browser(app, "admin2")]
    if kind == "create":
        urls = ["/admin/users/new"] * 2
        forms = [user_form(username="racer", full_name=name) for name in ("Người Một", "Người Hai")]
    else:
        first = make.user("organizer", scope=tree["01"], username="first")
        second = make.user("organizer", scope=tree["01"], username="second")
        urls = [f"/admin/users/{first.id}", f"/admin/users/{second.id}"]
        forms = [edit_form(first, username="racer"), edit_form(second, username="racer")]
    tokens = [csrf_token(browser, url) for browser, url in zip(browsers, urls, strict=True)]
    before = user_count()

    def send(i):
        return browsers[i].post(urls[i], data={**forms[i], "csrf_token": tokens[i]})

    with CommitGate(2), ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(send, range(2)))

    codes = sorted(r.status_code for r in responses)
    assert codes == [302, 400]
    loser = next(r for r in responses if r.status_code == 400)
    fields = form_fields(loser.get_data(as_text=True))
    assert fields["username"].errors == ["This username is taken."]
    assert fields["username"].value == "racer"
    db.session.expire_all()
    assert user_count() == before + (1 if kind == "create" else 0)
    assert db.session.scalar(select(func.count(User.id)).where(User.username == "racer")) == 1


# --- odd input ----------------------------------------------------------------------------------------------------

FORM_FIELDS = ["username", "full_name", "email", "role", "scope_name", "scope_code", "organization_name",
               "organization_id", "password"]  # fmt: skip
# The fields whose value is used for the role (the other picker is ignored; a password is hashed, never stored).
USED = {
    "organizer": {"username", "full_name", "email", "role", "scope_code", "organization_id"},
    "org_rep": {"username", "full_name", "email", "role", "organization_name", "organization_id"},
}


@pytest.mark.parametrize("name", FORM_FIELDS)
@pytest.mark.parametrize("role", ["organizer", "org_rep"])
def test_a_nul_byte_in_any_field_of_the_account_form_is_never_a_server_error(admin_client, tree, police, name, role):
    base = user_form(role=role)
    if role == "org_rep":
        base.update(scope_code="", scope_name="", organization_name="Công an xã Sóc Sơn")
    sent = {**base, name: (base.get(name) or "x") + "\x00"}
    response = post_form(admin_client, "/admin/users/new", sent)
    assert response.status_code in (302, 400)
    user = find_user("nguyenvana")
    if name in USED[role]:
        assert response.status_code == 400, name
        assert user is None
    elif user is not None:
        assert "\x00" not in f"{user.username}{user.full_name}{user.email}{user.search_text}"


@pytest.mark.parametrize("name", ["username", "full_name", "scope_name", "scope_code", "organization_id"])
def test_a_nul_byte_in_the_edit_form_changes_nothing(admin_client, make, tree, name):
    user = make.user("organizer", scope=tree["00376"], username="orga")
    sent = edit_form(user)
    sent[name] = (sent[name] or "1") + "\x00"
    if name == "scope_name":
        sent["scope_code"] = ""  # as when the script is off: the typed text is what counts
    response = post_form(admin_client, f"/admin/users/{user.id}", sent)
    assert response.status_code == 400
    unchanged = find_user("orga")
    assert unchanged.full_name == "Nguyễn Văn An" and unchanged.scope_locality.code == "00376"


def test_the_cli_creates_an_organizer_with_a_scope_given_by_name(app, tree):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "bob", "--full-name", "Bob", "--role", "organizer", "--scope", "soc son",
              "--password", NEW_PASSWORD]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert find_user("bob").scope_locality.code == "00376"


def test_the_cli_creates_a_representative_by_organization_id(app, tree, police):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "rep", "--full-name", "Rep", "--role", "org_rep", "--organization", str(police.id),
              "--password", NEW_PASSWORD]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert find_user("rep").organization_id == police.id
