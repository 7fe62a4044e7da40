"""Shared fixtures: the app on each database, a clean database per test, factories, helpers.

Every test that touches the database runs twice: on SQLite (a temporary file) and on PostgreSQL (a schema of
its own in TEST_DATABASE_URL, dropped at the end). Without TEST_DATABASE_URL the PostgreSQL half is skipped
with the reason; under CI=true it fails instead, like every test whose tool is missing.
"""

from __future__ import annotations

import contextvars
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import date

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from festival import create_app
from festival.accounts.throttle import login_throttle
from festival.checkin.scanning import forget_facts
from festival.config import normalise_database_url
from festival.core.cache import store as cache_store
from festival.core.limits import limiter
from festival.extensions import db
from tests.factories import Factory

# The browser fixtures (chromium, live_server, served, page), usable from any folder with one Playwright per session.
pytest_plugins = ["tests.browser.fixtures"]

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
# Filled by tests/sweep: what the route sweep tried on each database, printed at the end of the run.
SWEEP_STATS: dict[str, dict[str, int]] = {}


def pytest_terminal_summary(terminalreporter):
    for database, stats in sorted(SWEEP_STATS.items()):
        terminalreporter.write_line(
            f"route sweep on {database}: {stats['routes']} routes ({stats['route_methods']} route × method) × "
            f"{stats['roles']} roles × {stats['values']} hostile values = {stats['requests']} requests"
        )


def require(condition: bool, reason: str) -> None:
    """Skip when a tool is missing; under CI=true, fail: CI must have every tool."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this tool is required)")
    pytest.skip(reason)


def require_program(path_or_name: str) -> str:
    found = shutil.which(path_or_name)
    require(found is not None, f"{path_or_name} is not installed")
    return found


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    require(bool(base), "TEST_DATABASE_URL is not set: the PostgreSQL half of the suite is skipped")
    base = normalise_database_url(base)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "no PostgreSQL here"
        admin.dispose()
        require(False, f"PostgreSQL at TEST_DATABASE_URL is not reachable: {error.__class__.__name__}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    os.environ["FESTIVAL_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SERVER_NAME": None,
            "TESTING_FAST_HASHING": True,
            # Read the data version on every request: the tests empty tables behind the ORM's back.
            "DATA_VERSION_TTL": 0,
            # Tests register many times from one address; tests/registration check the limits themselves.
            "REGISTRATION_RATE_LIMIT": "10000 per minute",
            "TICKET_LOOKUP_RATE_LIMIT": "10000 per minute",
        }
    )
    with application.app_context():
        flask_migrate.upgrade()
        db.session.remove()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def database(app):
    """An app context over an empty database; every row is deleted afterwards."""
    ctx = app.app_context()
    ctx.push()
    try:
        yield db
    finally:
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if "depth" in table.c:  # a self-referencing tree: leaves first
                    for depth in (3, 2, 1, 0):
                        conn.execute(table.delete().where(table.c.depth == depth))
                conn.execute(table.delete())
        login_throttle().reset()
        limiter.reset()
        cache_store().clear()
        forget_facts()
        ctx.pop()


@pytest.fixture
def make(database, app) -> Factory:
    return Factory(app)


class IsolatedClient(FlaskClient):
    """Each request runs in a fresh context, as in production.

    Flask reuses an application context that is already pushed (the `database` fixture's), and with it `g`:
    Flask-Babel's locale and Flask-Login's user would then leak from one request into the next.
    """

    def open(self, *args, **kwargs):
        return contextvars.Context().run(FlaskClient.open, self, *args, **kwargs)


@pytest.fixture
def client(app, database):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def tree(make):
    return make.tree()


@pytest.fixture
def tickets(make, world) -> dict:
    """An item with 1 place: Phạm Thị Lan confirmed, Đỗ Văn Nam waiting, Hoàng Văn Đức invited
    (tests/factories.py `tickets`)."""
    return make.tickets(world)


@pytest.fixture
def world(make):
    """Enough data for every page to show something: the tree, an edition with festivals, users."""
    tree = make.tree()
    edition = make.edition(2027)
    venue = make.venue(tree["00376"], name="Nhà văn hoá xã")
    host = make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    festival = make.festival(edition, tree["00376"], day=date(2027, 8, 10), venue=venue, hosts=[host])
    make.festival(edition, tree["00004"], day=date(2027, 8, 12), is_model_site=True, model_site_level="nation")
    make.festival(edition, tree["14758"], day=date(2027, 8, 14))
    item = make.agenda_item(festival, venue=venue, person="Nguyễn Văn Bình", organization=host)
    admin = make.user("admin", username="admin")
    organizer = make.user("organizer", scope=tree["00376"], username="orga")
    return {
        "tree": tree,
        "edition": edition,
        "festival": festival,
        "item": item,
        "admin": admin,
        "organizer": organizer,
        "organization": host,
        "venue": venue,
    }


@pytest.fixture
def admin(make):
    return make.user("admin", username="admin", full_name="Trần Thị Quản Trị")


@pytest.fixture
def admin_client(client, admin):
    """The `client` of the test's folder, logged in as an administrator."""
    assert login(client, "admin").status_code == 302
    return client


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, url: str = "/") -> str:
    """The CSRF token of the client's session, read from a page's form as a browser would."""
    body = client.get(url).get_data(as_text=True)
    match = CSRF_RE.search(body)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def post_form(client, url: str, data: dict, page: str | None = None, **kwargs):
    """POST a form with the CSRF token the page at `page` (default: url) gave."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)}, **kwargs)


def login(client, username: str, password: str = Factory.PASSWORD):
    return post_form(client, "/login", {"username": username, "password": password})


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block (on the app's engine)."""
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)
