"""The attacks that gave 500s before the second foundation pass, each answered now with a 400/404/409 page.

A NUL byte (PostgreSQL cannot store one), integers beyond the columns' range, two requests creating the same
record at once, and an unexpected error after a failed commit: each gets a page of the app, in the reader's
language, with the security headers, and leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import threading
from datetime import date

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from festival import create_app
from festival.accounts.models import User
from festival.editions import services as editions
from festival.editions.models import Edition
from festival.extensions import db
from festival.organizations.models import Organization
from tests.accounts.support import english_client
from tests.conftest import csrf_token, login


@pytest.fixture
def client(app, database):
    return english_client(app)


def assert_refused(response, statuses=(400, 404)):
    assert response.status_code in statuses, response.status_code
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in response.headers


NUL_GETS = [
    "/localities/%00",
    "/localities/01%00",
    "/localities?q=%00",
    "/api/v1/localities/%00",
    "/api/v1/localities?within=%00",
    "/api/v1/localities?q=ha%00noi",
    "/api/v1/organizations?locality=%00",
    "/api/v1/organizations?q=%00",
    "/?page=%00",
]


@pytest.mark.parametrize("url", NUL_GETS)
def test_a_nul_byte_in_a_public_url_is_a_400(client, world, url):
    response = client.get(url)
    assert_refused(response)
    if url.startswith("/api/"):
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["status"] == response.status_code
    else:
        assert "NUL" in response.get_data(as_text=True) or response.status_code == 404


def test_a_nul_byte_in_the_login_form_is_a_400_in_the_readers_language(app, database, world):
    for lang, text in (("vi", "ký tự NUL"), ("en", "NUL character")):
        client = english_client(app)
        client.set_cookie("lang", lang)
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": "ad\x00min", "password": "x", "csrf_token": token})
        assert_refused(response, (400,))
        body = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in body and text in body


def test_a_nul_byte_in_admin_pages_is_a_400(client, world):
    login(client, "admin")
    assert_refused(client.get("/admin/users?q=%00"), (400,))
    token = csrf_token(client, "/admin/users/new")
    before = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        "/admin/users/new",
        data={"username": "new\x00user", "full_name": "Nguyễn\x00An", "role": "organizer", "scope_code": "01",
              "password": "mat-khau-rat-dai", "csrf_token": token},
    )  # fmt: skip
    assert_refused(response, (400,))
    assert db.session.scalar(select(func.count()).select_from(User)) == before


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard?edition=9223372036854775808",
        "/dashboard?edition=32768",
        "/dashboard?edition=-1",
        "/admin/editions/32768",
        "/admin/editions/9223372036854775808",
        "/admin/users/2147483648",
        "/admin/users/99999999999999999999999",
    ],
)
def test_integers_beyond_the_columns_range_find_nothing(client, world, url):
    login(client, "admin")
    response = client.get(url)
    assert_refused(response, (400, 404))
    assert '<html lang="en">' in response.get_data(as_text=True)


@pytest.fixture
def sneak_in(app):
    """Make a second writer commit `statement` just before the session's next flush: a real race, by construction.

    The service has already checked that no clash exists; the other writer's row lands between that check and
    the insert, as when two people press "Save" at the same moment.
    """
    armed: list = []

    def before_flush(session, _context, _instances):
        while armed:
            statement = armed.pop()
            with db.engine.begin() as other:
                other.execute(statement)

    # insert=True: before the app's own before_flush hook, which writes (the data version) and, on SQLite, takes
    # the write lock the other writer needs.
    event.listen(Session, "before_flush", before_flush, insert=True)
    yield armed.append
    event.remove(Session, "before_flush", before_flush)


def test_two_creations_of_the_same_edition_year_give_the_field_error_not_a_500(client, world, sneak_in):
    login(client, "admin")
    token = csrf_token(client, "/admin/editions/new")
    sneak_in(
        insert(Edition).values(
            year=2030, theme="", season_start=date(2030, 7, 1), season_end=date(2030, 8, 19),
            main_day=date(2030, 8, 19), status="draft",
        )
    )  # fmt: skip
    response = client.post(
        "/admin/editions/new",
        data={"year": "2030", "season_start": "01/07/2030", "season_end": "19/08/2030", "status": "draft",
              "theme": "Chủ đề của tôi", "csrf_token": token},
    )  # fmt: skip
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "The 2030 edition already exists." in body
    assert "Chủ đề của tôi" in body  # what the user typed is kept
    # The session was rolled back and the next request works.
    assert client.get("/admin/editions").status_code == 200
    assert db.session.scalar(select(func.count()).where(Edition.year == 2030)) == 1


def test_the_service_race_raises_the_same_domain_error_as_the_sequential_clash(world, sneak_in):
    tree = world["tree"]
    sneak_in(
        insert(Organization).values(locality_id=tree["01"].id, name="Công an phường", search_name="", kind="police")
    )
    from festival.core.errors import DomainError
    from festival.organizations import services as orgs

    data = orgs.OrganizationData(locality=tree["01"], name="Công an phường", kind="police")
    with pytest.raises(DomainError) as raced:
        orgs.save_organization(data)
    with pytest.raises(DomainError) as sequential:
        orgs.save_organization(data)
    assert raced.value.code == sequential.value.code == "organization_exists"
    assert raced.value.field == sequential.value.field == "name"


def test_threads_creating_the_same_edition_at_once_never_fail_with_a_500(app, world):
    """No forced interleaving here: eight threads race for real; one wins, the others get the field error."""
    results: list = []
    barrier = threading.Barrier(8)

    def create():
        with app.app_context():
            barrier.wait()
            try:
                editions.save_edition(
                    editions.EditionData(year=2031, season_start=date(2031, 7, 1), season_end=date(2031, 8, 19))
                )
                results.append("created")
            except Exception as error:  # noqa: BLE001 - the test inspects what came out
                results.append(getattr(error, "code", repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.count("created") == 1, results
    assert set(results) == {"created", "edition_exists"}, results


def test_an_unexpected_error_after_a_failed_commit_renders_the_apps_500_page(tmp_path, monkeypatch):
    """The error page itself queries (the current user): before the fix it met PendingRollbackError."""
    monkeypatch.setenv("FESTIVAL_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})

    @app.get("/boom")
    def boom():
        db.session.add(
            Edition(year=2040, season_start=date(2040, 8, 1), season_end=date(2040, 7, 1), main_day=date(2040, 8, 1))
        )
        # The flush breaks the season_order check: the session now needs a rollback. A careless view swallows
        # the error, then fails on something else.
        with contextlib.suppress(IntegrityError):
            db.session.flush()
        raise RuntimeError("boom")

    with app.app_context():
        db.create_all()
    client = english_client(app)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side." in body and '<html lang="en">' in body
    assert response.headers["X-Frame-Options"] == "DENY"
    assert client.get("/").status_code == 200  # the next request is served normally
