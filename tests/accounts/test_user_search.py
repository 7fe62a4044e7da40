"""The administrators' account search ignores accents and case, as the locality search does."""

from __future__ import annotations

import flask_migrate
import pytest
from sqlalchemy import inspect, text

from festival.accounts import services
from festival.accounts.models import User
from festival.extensions import db
from tests.accounts.test_admin_users import edit_form
from tests.conftest import count_queries, post_form


@pytest.fixture
def people(make, tree):
    return {
        "an": make.user("organizer", scope=tree["00376"], username="socson1", full_name="Nguyễn Văn An"),
        "hoa": make.user("organizer", scope=tree["38"], username="thanhhoa1", full_name="Trần Thị Hoà"),
        "dung": make.user("checkin_staff", scope=tree["66"], username="daklak1", full_name="Đặng Dũng"),
    }


def found(client, q: str) -> set[str]:
    response = client.get("/admin/users", query_string={"q": q})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return {name for name in ("socson1", "thanhhoa1", "daklak1", "admin") if f">{name}</a>" in body}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("nguyen", {"socson1"}),
        ("NGUYỄN", {"socson1"}),
        ("Nguyen Van An", {"socson1"}),
        ("an nguyen", {"socson1"}),  # every word, in any order
        ("Hoà", {"thanhhoa1"}),  # the tone mark on the a ...
        ("Hòa", {"thanhhoa1"}),  # ... or on the o, as people write it both ways
        ("hoa", {"thanhhoa1"}),
        ("dang dung", {"daklak1"}),  # đ is d
        ("Đặng", {"daklak1"}),
        ("socson", {"socson1"}),
        ("1", {"socson1", "thanhhoa1", "daklak1"}),
        ("zzz", set()),
        ("%", set()),  # LIKE's wildcards are plain characters
        ("_", set()),
    ],
)
def test_the_account_search_ignores_accents_case_and_word_order(admin_client, people, q, expected):
    assert found(admin_client, q) == expected


def test_a_renamed_account_is_found_by_its_new_name(admin_client, people):
    user = people["an"]
    response = post_form(admin_client, f"/admin/users/{user.id}", edit_form(user, full_name="Lê Thị Mỹ"))
    assert response.status_code == 302
    assert found(admin_client, "my") == {"socson1"}
    assert found(admin_client, "nguyen") == set()


@pytest.mark.parametrize("q", ["nguyen\x00", "\x00", "a" * 10_000, "%\x00%", "\ud7ff", "\u202e", "\t\n"])
def test_odd_or_huge_queries_are_answered_not_failed(admin_client, people, q):
    response = admin_client.get("/admin/users", query_string={"q": q})
    # A NUL is refused by the app-wide guard (festival.core.web); everything else is searched.
    assert response.status_code == (400 if "\x00" in q else 200)
    assert "\x00" not in response.get_data(as_text=True)


def test_the_query_is_cut_to_a_sane_length_and_a_few_words():
    assert services.search_words("a" * 10_000) == ["a" * services.SEARCH_QUERY_MAX]
    assert services.search_words("một hai ba bốn năm sáu bảy") == ["mot", "hai", "ba", "bon", "nam"]
    assert services.search_words("Nguyễn\x00Văn") == ["nguyenvan"]


def test_the_search_column_is_indexed(database):
    indexes = {tuple(ix["column_names"]) for ix in inspect(db.engine).get_indexes("users")}
    assert ("search_text",) in indexes


def test_the_migration_fills_the_search_column_of_existing_accounts(database):
    flask_migrate.downgrade(revision="3af50a46865d")
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO users (username, full_name, email, password_hash, role, active, session_token, created_at)"
                " VALUES ('hoa', 'Trần Thị Hòa', '', 'x', 'admin', :yes, 'token', CURRENT_TIMESTAMP)"
            ),
            {"yes": True},
        )
    flask_migrate.upgrade()
    db.session.remove()
    user = db.session.query(User).filter_by(username="hoa").one()
    assert user.search_text == "hoa tran thi hoa"
    assert [u.username for u in services.list_users("Hoà").items] == ["hoa"]


def test_the_account_list_costs_the_same_few_queries_however_many_units_it_shows(admin_client, make, tree):
    """Each row shows the account's unit or organization: they come with the page, not one query per row."""
    police = make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    for i, code in enumerate(("01", "38", "66", "00004", "00070", "00376", "14758", "22015")):
        make.user("organizer", scope=tree[code], username=f"scope{i}")
    make.user("org_rep", organization=police, username="police")
    admin_client.get("/admin/users")
    with count_queries() as statements:
        body = admin_client.get("/admin/users").get_data(as_text=True)
    assert "Phường Tuy Hoà" in body and "Công an xã Sóc Sơn" in body
    assert len(statements) <= 3, statements  # the session, the count, the page with units and organizations
