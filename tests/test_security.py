"""Security properties of every page: headers, login and role walls, CSRF, cookies, and no external resources.

The route tests enumerate app.url_map, so a new route is covered the day it is added.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.routing import IntegerConverter

from festival.agenda.models import Commendation, Signing
from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration.models import Registration, RegistrationQuota
from tests.accounts.support import english_client, linked_urls
from tests.calendar.support import CALENDAR_LINK
from tests.checkin.samples import poster_samples
from tests.conftest import csrf_token, login

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture
def client(app, database):
    return english_client(app)


SAMPLES = {"code", "year", "user_id", "filename", "organization_id"}


@pytest.fixture
def world(world, make):
    """The shared world with registrations, an invitation and a queued e-mail (tests/factories.py `tickets`)."""
    world["tickets"] = make.tickets(world)
    world["checkin"] = {**make.checkin(world, world["tickets"])["samples"], **poster_samples(world["festival"])}
    return world


def sample_values(rule, world, existing: bool = True) -> dict:
    """Arguments for a rule: those of existing records, or ones that match nothing."""
    known = {
        "code": "01" if existing else "zz999",
        "year": world["edition"].year if existing else 1999,
        "user_id": world["admin"].id if existing else 999999,
        "filename": "css/app.css" if existing else "nothing/here.css",
        "organization_id": world["organization"].id if existing else 999999,
        "festival_id": world["festival"].id if existing else 999999,
        "item_id": world["item"].id if existing else 999999,
        "venue_id": world["venue"].id if existing else 999999,
        "commendation_id": first_id(Commendation) if existing else 999999,
        "signing_id": first_id(Signing) if existing else 999999,
        "registration_id": first_id(Registration) if existing else 999999,
        "quota_id": first_id(RegistrationQuota) if existing else 999999,
        "mail_id": first_id(OutgoingMail) if existing else 999999,
        "change": "start",  # one of the three steps: the unknown ticket token is what matches nothing
        "list_id": int(world["checkin"]["list_id"]) if existing else 999999,
        "device_id": int(world["checkin"]["device_id"]) if existing else 999999,
        "poster_token": world["checkin"]["poster_token"] if existing else "x" * 43,
        "token": (
            db.session.scalar(select(Registration.token).order_by(Registration.id).limit(1)) if existing else "x" * 43
        ),
    }
    values = {}
    for name in rule.arguments:
        if name in known:
            values[name] = known[name]
        elif isinstance(rule._converters[name], IntegerConverter):
            values[name] = 1 if existing else 999999
        else:
            values[name] = "01" if existing else "zz999"
    return values


def first_id(model) -> int:
    return db.session.scalar(select(func.min(model.id)))


def build(app: Flask, rule, values: dict) -> str:
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=next(iter(rule.methods)))


def all_rules(app: Flask) -> list:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def protected_rules(app: Flask) -> list:
    return [r for r in all_rules(app) if r.rule.startswith(("/admin", "/dashboard"))]


def bearer_rules(app: Flask) -> list:
    """The API routes read with a token only, never the login cookie: a personal token (festival/api/private.py)
    or a scanner's device token (festival/api/checkin.py)."""
    return [
        r
        for r in all_rules(app)
        if r.endpoint.startswith("api_private.") or (r.endpoint.startswith("api_checkin.") and "GET" in r.methods)
    ]


def html_post_rules(app: Flask) -> list:
    return [r for r in all_rules(app) if "POST" in r.methods and not r.rule.startswith("/api/")]


# Refused by their Sec-Fetch-Site / Origin headers instead of a token (a token needs a session cookie, which the
# language switch must not give every visitor): see test_the_language_switch_refuses_cross_site_posts.
TOKENLESS = {"/language"}


def methods(rule) -> list[str]:
    return sorted(rule.methods - IGNORED_METHODS)


def test_the_map_has_the_routes_these_tests_rely_on(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert {"/", "/login", "/logout", "/dashboard", "/admin/users", "/admin/editions"} <= rules
    assert len(protected_rules(app)) >= 7
    assert {"/login", "/logout", "/language"} <= {r.rule for r in html_post_rules(app)}


# --- headers ----------------------------------------------------------------------------------------------------


def check_headers(response, url):
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"no CSP on {url}"
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["default-src"] == ["'self'"], url
    assert directives["frame-ancestors"] == ["'none'"], url
    assert directives["object-src"] == ["'none'"], url
    for name, sources in directives.items():
        for source in sources:
            assert source.startswith("'") or source == "data:", f"{name} allows {source} on {url}"
        assert "'unsafe-eval'" not in sources and "'unsafe-inline'" not in sources, f"{name} on {url}"
    assert not re.search(r"https?:|//|\*", csp), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff", url
    assert response.headers.get("X-Frame-Options") == "DENY", url


def test_every_route_answers_with_the_security_headers(app, client, world):
    for rule in all_rules(app):
        for existing in (True, False):
            url = build(app, rule, sample_values(rule, world, existing))
            check_headers(client.get(url), url)


def test_error_and_redirect_responses_carry_the_headers_too(app, client, world):
    responses = {
        "404": client.get("/no/such/page"),
        "405": client.get("/logout"),
        "400 csrf": client.post("/login", data={"username": "admin", "password": "x"}),
        "400 cross-site": client.post("/language", data={"lang": "en"}, headers={"Sec-Fetch-Site": "cross-site"}),
        "302 login wall": client.get("/dashboard"),
        "api 404": client.get("/api/v1/localities/zz999"),
        "static": client.get("/static/css/app.css"),
    }
    for name, response in responses.items():
        check_headers(response, name)
    login(client, "orga")
    check_headers(client.get("/admin/users"), "403")


# --- anonymous visitors -----------------------------------------------------------------------------------------


def test_anonymous_get_of_every_route_never_fails_with_a_server_error(app, client, world):
    for rule in all_rules(app):
        for existing in (True, False):
            url = build(app, rule, sample_values(rule, world, existing))
            response = client.get(url)
            assert response.status_code < 500, f"{url}: {response.status_code}"
            if not any("GET" in other.methods for other in all_rules(app) if other.rule == rule.rule):
                assert response.status_code == 405, url


def test_public_pages_with_existing_arguments_answer_200(app, client, world):
    for rule in all_rules(app):
        if rule in protected_rules(app) or "GET" not in rule.methods or not rule.arguments <= set(SAMPLES):
            continue
        if rule in bearer_rules(app):
            continue
        url = build(app, rule, sample_values(rule, world))
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", [None, "admin", "orga"])
def test_token_only_api_routes_answer_401_without_a_token_even_to_a_logged_in_browser(app, client, world, who):
    if who:
        assert login(client, who).status_code == 302
    rules = bearer_rules(app)
    assert rules
    for rule in rules:
        for existing in (True, False):
            url = build(app, rule, sample_values(rule, world, existing))
            response = client.get(url)
            assert response.status_code == 401, f"{url}: {response.status_code}"
            assert response.mimetype == "application/problem+json" and response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("existing", [True, False], ids=["existing", "unknown"])
def test_every_admin_and_dashboard_route_sends_anonymous_users_to_login(app, client, world, existing):
    token = csrf_token(client, "/login")
    for rule in protected_rules(app):
        url = build(app, rule, sample_values(rule, world, existing))
        for method in methods(rule):
            data = {"csrf_token": token} if method == "POST" else None
            response = client.open(url, method=method, data=data)
            assert response.status_code == 302, f"{method} {url}: {response.status_code}"
            location = urlsplit(response.headers["Location"])
            assert location.path == "/login", f"{method} {url} -> {response.headers['Location']}"
            assert not location.netloc


# --- roles ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["organizer", "checkin_staff", "org_rep"])
def test_every_admin_route_is_forbidden_to_other_roles(app, client, make, world, role):
    tree = world["tree"]
    if role == "org_rep":
        make.user(role, organization=world["organization"], username="someone")
    else:
        make.user(role, scope=tree["01"], username="someone")
    assert login(client, "someone").status_code == 302
    token = csrf_token(client, "/")
    admin_rules = [r for r in protected_rules(app) if r.rule.startswith("/admin")]
    assert admin_rules
    for rule in admin_rules:
        for existing in (True, False):
            url = build(app, rule, sample_values(rule, world, existing))
            for method in methods(rule):
                data = {"csrf_token": token} if method == "POST" else None
                response = client.open(url, method=method, data=data)
                assert response.status_code == 403, f"{role} {method} {url}: {response.status_code}"
    # The dashboard is theirs.
    assert client.get("/dashboard").status_code == 200


# Pages of one role's own record, which an administrator does not have: a representative's own organization.
OWN_RECORD_PAGES = {"organizations.mine"}


def test_admin_reaches_every_admin_page(app, client, world):
    login(client, "admin")
    for rule in protected_rules(app):
        if "GET" in rule.methods and rule.endpoint not in OWN_RECORD_PAGES:
            url = build(app, rule, sample_values(rule, world))
            assert client.get(url).status_code == 200, url


# --- CSRF -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "admin", "orga"])
def test_every_html_post_route_refuses_a_request_without_csrf_token(app, client, world, who):
    if who:
        assert login(client, who).status_code == 302
    rules = [r for r in html_post_rules(app) if r.rule not in TOKENLESS]
    assert rules
    for rule in rules:
        url = build(app, rule, sample_values(rule, world))
        for data in ({}, {"csrf_token": ""}, {"csrf_token": "not-a-token"}):
            response = client.post(url, data={**data, "lang": "en", "username": "admin", "password": "x"})
            assert response.status_code == 400, f"{who} POST {url} {data}: {response.status_code}"
            assert "Your form expired or was sent from elsewhere." in response.get_data(as_text=True), url
    if who:
        assert client.get("/dashboard").status_code == 200  # the refused logout left the session alone


@pytest.mark.parametrize("who", [None, "admin"])
@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    ],
)
def test_the_language_switch_refuses_cross_site_posts(client, world, who, headers):
    if who:
        assert login(client, who).status_code == 302
    for url in TOKENLESS:
        response = client.post(url, data={"lang": "en", "next": "/"}, headers=headers)
        assert response.status_code == 400, f"{url} {headers}"
        assert "Your form expired or was sent from elsewhere." in response.get_data(as_text=True)
        assert not any(c.startswith("lang=") for c in response.headers.getlist("Set-Cookie"))


def test_a_post_refused_for_csrf_changes_nothing(app, client, world):
    response = client.post("/language", data={"lang": "vi", "next": "/"}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    assert all("lang=vi" not in c for c in response.headers.getlist("Set-Cookie"))

    login(client, "admin")
    user = world["organizer"]
    response = client.post(
        f"/admin/users/{user.id}",
        data={"username": "orga", "full_name": "X", "role": "admin", "password": "", "active": "y"},
    )
    assert response.status_code == 400
    from festival.accounts.services import get_by_username
    from festival.extensions import db

    db.session.expire_all()
    assert get_by_username("orga").role == "organizer"


# --- cookies ----------------------------------------------------------------------------------------------------


def test_session_cookie_is_http_only_and_same_site_lax(client, world):
    response = login(client, "admin")
    assert response.status_code == 302
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1
    attributes = {part.strip().split("=")[0].lower(): part.strip() for part in cookies[0].split(";")[1:]}
    assert "httponly" in attributes
    assert attributes["samesite"].lower() == "samesite=lax"
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_language_cookie_is_same_site_lax(client, world):
    response = client.post("/language", data={"lang": "vi", "next": "/"}, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "SameSite=Lax" in cookie


# --- no external resources --------------------------------------------------------------------------------------

PAGES = [
    (None, "/"),
    (None, "/login"),
    (None, "/localities/01"),
    (None, "/localities"),
    ("admin", "/dashboard"),
    ("orga", "/dashboard"),
    ("admin", "/admin/users"),
    ("admin", "/admin/users/new"),
    ("admin", "/admin/editions"),
    ("admin", "/admin/editions/new"),
    ("admin", "/admin/editions/2027"),
]


def assert_local(url: str, where: str):
    parts = urlsplit(url.strip())
    assert not parts.scheme or parts.scheme == "data", f"{where} links to {url}"
    assert not parts.netloc, f"{where} links to {url}"
    assert not url.strip().startswith("//"), f"{where} links to {url}"


@pytest.mark.parametrize(("who", "page"), PAGES)
def test_pages_reference_no_external_url(app, client, world, who, page):
    if who:
        assert login(client, who).status_code == 302
    response = client.get(page)
    assert response.status_code == 200, page
    body = response.get_data(as_text=True)
    urls = linked_urls(body)
    assert urls, f"{page} links to nothing?"
    for tag, attribute, url in urls:
        if (tag, attribute) == ("a", "href") and CALENDAR_LINK.fullmatch(url):
            continue
        assert_local(url, f"{page} <{tag} {attribute}>")
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", CALENDAR_LINK.sub("", body), re.I)
    # The stylesheets and scripts it loads come from this server and load nothing from elsewhere themselves.
    for tag, attribute, url in urls:
        if (tag, attribute) in {("script", "src"), ("link", "href")} and url.startswith("/static/"):
            asset = client.get(url)
            assert asset.status_code == 200, url
            text = asset.get_data(as_text=True)
            assert not re.search(r"@import|url\(\s*['\"]?(?:https?:)?//", text), url
            assert not re.search(r"""(?:fetch|importScripts|import)\s*\(\s*['"](?:https?:)?//""", text), url
