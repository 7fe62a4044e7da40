"""Every route that changes data refuses those it does not belong to.

The routes come from `app.url_map`: every rule that accepts POST, PUT, PATCH or DELETE, whoever added it. Each is
called with ids of records in Hà Nội (the shared world's festival day of Xã Sóc Sơn "00376", its program item,
commendation, signing, venue, organization, …) and with the fields of the form an administrator sees for it, so
that a view without a scope check would really write. Then:

1. an organizer of another province (Thanh Hoá "38") gets 403 or 404 and every table stays as it was; so does the
   representative of another organization (role org_rep);
2. an anonymous visitor is sent to the login page (under /api/: 401);
3. a route meant for everyone is named in PUBLIC_WRITES, and one that acts on the caller's own account only in
   OWN_ACCOUNT_WRITES, each with the reason. Nothing else is exempt: a new data-changing route is checked as soon
   as it exists, and fails here unless it refuses strangers.

A CSRF token is sent with every request (read from a page, as a browser would), so that it is the scope check,
not the CSRF check, that refuses. A path parameter without a sample below fails the test, asking for one.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Blueprint, redirect
from sqlalchemy import select

from festival import create_app
from festival.accounts import api_tokens
from festival.accounts.auth import role_required
from festival.accounts.models import Role, UserSession
from festival.agenda.models import Commendation, Signing
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.organizations.models import Contact
from tests.accounts.support import english_client
from tests.checkin.samples import poster_samples
from tests.conftest import CSRF_RE, login
from tests.sweep.support import fill_rule, form_for, snapshot

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

# Routes anyone may call, with the reason.
PUBLIC_WRITES: dict[str, str] = {
    "public.set_language": "anyone chooses the language of the pages (a cookie; no record changes)",
    "accounts.login": "logging in is what an anonymous visitor does",
    "registration.register_day": "residents register for a festival day without an account (consent, rate limit)",
    "registration.register_item": "residents register for a program item without an account (consent, rate limit)",
    "registration.find_ticket": "anyone asks for their ticket links by mail; the answer never says who registered",
    "registration.ticket_cancel": "the holder of a ticket's secret link cancels it (the link is the credential)",
    "registration.ticket_erase": "the holder of a ticket's secret link erases their personal data (Law 91/2025)",
    "registration.ticket_replace": "the holder of a ticket's secret link replaces it with a new one",
    "registration.ticket_feed": "the holder of a ticket's secret link starts, replaces or stops its calendar feed",
    "api_checkin.enrol": "a phone trades a one-time enrolment code (the credential an organizer shows) for a token",
    "api_registrations.register": "anyone registers for a festival day from an app or a kiosk (rate-limited, JSON)",
    "checkin_self.tap": "an attendee at the venue poster checks in the ticket their phone holds (the signed ticket "
    "is the credential; the poster's secret address names the list)",
    "checkin_self.find": "an attendee at the venue poster checks in by phone number and the ticket code's last 4 "
    "characters (rate-limited, a neutral answer when nothing matches)",
}
# Routes that act only on the caller's own account: there is no record of someone else to protect.
OWN_ACCOUNT_WRITES: dict[str, str] = {
    "accounts.logout": "ends the caller's own session",
    "accounts.change_password": "changes the caller's own password",
    "accounts.end_session": "ends one of the caller's own sessions (another's id is not found: tests/accounts)",
    "accounts.end_other_sessions": "ends the caller's own other sessions",
    "accounts.create_api_token": "makes an API token for the caller's own account",
    "accounts.revoke_api_token": "revokes one of the caller's own tokens (another's id is not found: tests/accounts)",
    "organizations.mine": "a representative edits the profile of their own organization (no id in the path)",
}
# Query arguments sent with every form page fetched: pages that create a record under a unit read them.
CONTEXT_QUERY = "?edition=2027&locality=00376"
# 401: an API route that takes a token, never the login cookie, does not know the logged-in stranger at all.
REFUSED = {401, 403, 404}
# The test app's settings a second app needs to share its database (tests/conftest.py `app`).
APP_SETTINGS = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "SERVER_NAME", "TESTING_FAST_HASHING",
                "DATA_VERSION_TTL")  # fmt: skip


@pytest.fixture
def samples(world, make) -> dict[str, str]:
    """A value for each path parameter a data-changing route may take, naming a record in Hà Nội."""
    item = world["item"]
    contact = Contact(organization=world["organization"], full_name="Lê Thị Hoa", position_title="Cán bộ")
    db.session.add(contact)
    db.session.commit()
    client = english_client(make.app)
    login(client, "orga")  # a session of a Hà Nội organizer, for routes that name sessions
    session_id = db.session.scalar(select(UserSession.id).order_by(UserSession.id.desc()).limit(1))
    signing = db.session.scalar(select(Signing).where(Signing.item_id == item.id))
    tickets = make.tickets(world)
    values = {
        **tickets["samples"],
        **make.checkin(world, tickets)["samples"],
        **poster_samples(world["festival"]),
        "festival_id": world["festival"].id,
        "item_id": item.id,
        "agenda_item_id": item.id,
        "person_id": item.people[0].id,
        "participant_id": item.participants[0].id,
        "commendation_id": db.session.scalar(select(Commendation.id).where(Commendation.item_id == item.id)),
        "signing_id": signing.id,
        "party_id": signing.parties[0].id,
        "venue_id": world["venue"].id,
        "organization_id": world["organization"].id,
        "contact_id": contact.id,
        "user_id": world["organizer"].id,
        "session_id": session_id,
        "token_id": api_tokens.create(world["organizer"], "Kịch bản của Hà Nội").record.id,
        "year": world["edition"].year,
        "code": "00376",
        "locality_code": "00376",
    }
    return {name: str(value) for name, value in values.items()}


STRANGERS = ("thanhhoa", "other_rep")


@pytest.fixture
def strangers(world, make) -> tuple[str, ...]:
    """The accounts of people who must not touch Hà Nội's records: an organizer of Thanh Hoá and the
    representative of a Thanh Hoá organization."""
    thanh_hoa = world["tree"]["38"]
    make.user("organizer", scope=thanh_hoa, username="thanhhoa")
    other = make.organization(thanh_hoa, name="Công an tỉnh Thanh Hoá")
    make.user("org_rep", organization=other, username="other_rep")
    return STRANGERS


def _token(client) -> str:
    for page in ("/dashboard", "/login", "/"):
        match = CSRF_RE.search(client.get(page).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no page gave a CSRF token")


def write_rules(app) -> list:
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    return [r for r in rules if r.methods & WRITE_METHODS]


def _url(rule, samples: dict[str, str]) -> str:
    missing = [name for name in rule.arguments if name not in samples]
    assert not missing, (
        f"{rule.endpoint} ({rule.rule}) takes {missing}: add a sample to tests/test_permissions.py `samples` "
        "(a record in Hà Nội's subtree)"
    )
    return fill_rule(rule, samples)


# Required text boxes, filled so that a form is refused for its scope, not for an empty box.
TEXT_SAMPLES = {"name": "Bản ghi thử nghiệm", "title": "Mục thử nghiệm", "full_name": "Nguyễn Văn Thử"}


def _form_data(admin, url: str, samples: dict[str, str]) -> dict[str, str]:
    """The fields of the form an administrator sees for `url` (on its own page, or on a page above it: a form
    whose action is …/import sits on the page …), its empty boxes filled so that the request names Hà Nội's
    records: a field named like a sample takes it, a locality picker takes Xã Sóc Sơn."""
    path = urlsplit(url).path
    page = path
    fields: dict[str, str] = {}
    while page:
        response = admin.get(page + CONTEXT_QUERY)
        if response.status_code == 200:
            form = form_for(response.get_data(as_text=True), path)
            if form is not None:
                fields = {k: v for k, v in form.fields.items() if k != "csrf_token"}
                break
        page = page.rsplit("/", 1)[0]
    for name, value in fields.items():
        if value:
            continue
        if name in samples:
            fields[name] = samples[name]
        elif "locality" in name or "scope" in name:
            fields[name] = samples["code"]
        elif name in TEXT_SAMPLES:
            fields[name] = TEXT_SAMPLES[name]
    return fields


def test_the_allow_lists_name_real_data_changing_routes(app):
    endpoints = {r.endpoint for r in write_rules(app)}
    for listed in (PUBLIC_WRITES, OWN_ACCOUNT_WRITES):
        assert set(listed) <= endpoints, set(listed) - endpoints
        assert all(reason.strip() for reason in listed.values())


def test_every_data_changing_route_has_a_sample_for_its_parameters(app, samples):
    for rule in write_rules(app):
        _url(rule, samples)


def stranger_failures(app, samples: dict[str, str], only: set[str] | None = None) -> list[str]:
    """What the strangers got through on the app's data-changing routes (`only`: these endpoints)."""
    admin = english_client(app)
    assert login(admin, "admin").status_code == 302
    clients = {}
    for username in STRANGERS:
        client = english_client(app)
        assert login(client, username).status_code == 302
        clients[username] = (client, _token(client))
    failures = []
    for rule in write_rules(app):
        if rule.endpoint in PUBLIC_WRITES or rule.endpoint in OWN_ACCOUNT_WRITES:
            continue
        if only is not None and rule.endpoint not in only:
            continue
        url = _url(rule, samples)
        data = _form_data(admin, url, samples)
        for method in sorted(rule.methods & WRITE_METHODS):
            for username, (client, token) in clients.items():
                before = snapshot()
                response = client.open(url, method=method, data={**data, "csrf_token": token})
                after = snapshot()
                if response.status_code not in REFUSED:
                    failures.append(f"{username} {method} {url} ({rule.endpoint}) -> {response.status_code}")
                if after != before:
                    failures.append(f"{username} {method} {url} ({rule.endpoint}) changed the database")
    return failures


def test_strangers_are_refused_and_nothing_changes(app, samples, strangers):
    failures = stranger_failures(app, samples)
    assert not failures, "routes that let strangers in:\n" + "\n".join(failures)


def test_a_new_route_without_a_scope_check_fails_this_test(app, samples, strangers):
    """The check itself: an app with one more route, behind the organizer role but with no scope check, is
    caught (the route writes a festival day of Hà Nội for anyone with the role)."""
    leaky = create_app({key: app.config[key] for key in APP_SETTINGS})
    blueprint = Blueprint("leaky", __name__)

    @blueprint.post("/dashboard/festivals/<int:festival_id>/leak")
    @role_required(Role.ORGANIZER)
    def leak(festival_id: int):
        db.session.get(LocalityFestival, festival_id).notes = "leaked"
        db.session.commit()
        return redirect("/dashboard")

    leaky.register_blueprint(blueprint)
    with leaky.app_context():
        failures = stranger_failures(leaky, samples, only={"leaky.leak"})
        leaky_engine = db.engine
    leaky_engine.dispose()
    assert any("thanhhoa POST" in f and "-> 302" in f for f in failures), failures
    assert any("changed the database" in f for f in failures), failures


def test_anonymous_visitors_are_sent_to_log_in(app, samples):
    failures = []
    for rule in write_rules(app):
        if rule.endpoint in PUBLIC_WRITES:
            continue
        url = _url(rule, samples)
        for method in sorted(rule.methods & WRITE_METHODS):
            client = english_client(app)
            token = _token(client)
            before = snapshot()
            response = client.open(url, method=method, data={"csrf_token": token})
            if url.startswith("/api/"):
                if response.status_code != 401:
                    failures.append(f"{method} {url} -> {response.status_code}, not 401")
            elif response.status_code != 302 or not urlsplit(response.headers["Location"]).path.startswith("/login"):
                failures.append(f"{method} {url} -> {response.status_code} {response.headers.get('Location')}")
            if snapshot() != before:
                failures.append(f"{method} {url} changed the database")
    assert not failures, "routes open to anonymous visitors:\n" + "\n".join(failures)
