"""The route sweep: every route of the URL map, every method, anonymous and as each role, with hostile values in
every path parameter, the query parameters and every form field.

For every answer: no status ≥ 500; under /api/ an error is `application/problem+json` (RFC 9457) with its status;
an HTML error page is in the reader's language, with its translated title and the security headers; and a
refused request (≥ 400) leaves every table as it was. A route added later is swept without being listed here;
a route the sweep cannot exercise must be named in NOT_SWEPT with the reason.

Then Hypothesis sends values nobody thought of (any Unicode text, integers of any size) to random routes.
The totals are printed at the end of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.accounts.support import english_client
from tests.checkin.samples import poster_samples
from tests.conftest import SWEEP_STATS, login
from tests.sweep.support import (
    HOSTILE,
    RAW_ENCODED,
    SHARPEST,
    SHARPEST_ALONE,
    existing_value,
    expected_title,
    fill_rule,
    form_for,
    lang_of,
    query_arg_names,
    read_arg_names,
    shortened,
    snapshot,
    with_query,
    writes,
)

IGNORED_METHODS = {"HEAD", "OPTIONS"}
ROLES = ["anonymous", "admin", "organizer", "org_rep", "checkin_staff"]
# Each role reads in a language of its own, so that "the error page is in the reader's language" is checked
# in both.
LANGUAGE = {"anonymous": "vi", "admin": "en", "organizer": "vi", "org_rep": "en", "checkin_staff": "vi"}
# Who logs in for each role: the shared world's administrator and organizer, and sweep_world's others.
USERNAMES = {"admin": "admin", "organizer": "orga", "org_rep": "org_rep", "checkin_staff": "checkin_staff"}
# Endpoints the sweep cannot exercise, with the reason. Empty today: every route is swept.
NOT_SWEPT: dict[str, str] = {}
# Endpoints that end the session of the one who calls them: the role logs in again afterwards.
SESSION_ENDING = {"accounts.logout"}


@pytest.fixture
def sweep_world(world, make):
    """The shared world (tests/conftest.py), plus one account of each other role and one the sweep may edit."""
    make.user("org_rep", organization=world["organization"], username="org_rep")
    make.user("checkin_staff", scope=world["tree"]["00376"], username="checkin_staff")
    # The account the user form edits: not one the sweep logs in with (a hostile but valid password would
    # end its sessions).
    target = make.user("organizer", scope=world["tree"]["00376"], username="target")
    tickets = make.tickets(world)
    return {
        "samples": {
            **tickets["samples"],
            **make.checkin(world, tickets)["samples"],
            **poster_samples(world["festival"]),
            "code": "01",
            "year": str(world["edition"].year),
            "user_id": str(target.id),
            "organization_id": str(world["organization"].id),
            "venue_id": str(world["venue"].id),
            "filename": "css/app.css",
        }
    }


@dataclass
class Sweep:
    app: object
    clients: dict
    samples: dict
    stats: dict = field(default_factory=lambda: {"requests": 0, "routes": set(), "roles": set(), "values": set()})
    failures: list = field(default_factory=list)
    address: int = 0
    state: str = ""

    def client(self, role: str):
        if role not in self.clients:
            client = english_client(self.app)
            client.set_cookie("lang", LANGUAGE[role])
            if role != "anonymous":
                assert login(client, USERNAMES[role]).status_code == 302, role
                self.state = ""  # a login writes a session record: take a new snapshot before the next check
            self.clients[role] = client
        return self.clients[role]

    def relogin(self, role: str) -> None:
        self.clients.pop(role, None)

    def token(self, role: str) -> str:
        from tests.conftest import CSRF_RE

        client = self.client(role)
        for page in ("/login", "/", "/dashboard"):
            match = CSRF_RE.search(client.get(page).get_data(as_text=True))
            if match:
                return match.group(1)
        return ""

    def send(self, role: str, method: str, url: str, data: dict | None, value: str, rule, *, check_db: bool):
        client = self.client(role)
        if check_db and not self.state:
            self.state = snapshot()
        before = self.state if check_db else None
        # A new address for every request: the sweep is not a password guesser, and the login limits (counted
        # per address) must not turn its later requests into 429s.
        self.address += 1
        address = f"10.{self.address >> 16 & 255}.{self.address >> 8 & 255}.{self.address & 255}"
        written = writes()
        response = client.open(url, method=method, data=data, environ_base={"REMOTE_ADDR": address})
        self.stats["requests"] += 1
        self.stats["routes"].add((rule.rule, method))
        self.stats["roles"].add(role)
        self.stats["values"].add(value)
        problem = self.check(role, url, response)
        if not check_db:
            self.state = ""  # an unchecked request may write (a baseline form accepted): snapshot again
        elif writes() != written:  # no statement that writes ran: the database is as the last snapshot saw it
            self.state = snapshot()
            if problem is None and response.status_code >= 400 and self.state != before:
                problem = "a refused request changed the database"
        if problem:
            sent = {k: v[:40] for k, v in (data or {}).items() if k != "csrf_token"}
            self.failures.append(f"{role} {method} {url[:200]!r} {sent} -> {response.status_code}: {problem}")
        return response

    def check(self, role: str, url: str, response) -> str | None:
        status = response.status_code
        if status >= 500:
            return "server error"
        if status < 400:
            return None
        if url.startswith("/api/"):
            if response.mimetype != "application/problem+json":
                return f"API error as {response.mimetype}"
            body = response.get_json(silent=True) or {}
            if body.get("status") != status or not body.get("title"):
                return f"problem body {body!r}"
            return None
        if response.headers.get("X-Frame-Options") != "DENY" or "Content-Security-Policy" not in response.headers:
            return "security headers missing"
        if response.mimetype == "text/html":
            html = response.get_data(as_text=True)
            lang = LANGUAGE[role]
            if lang_of(html) != lang:
                return f"error page in {lang_of(html)!r}, reader reads {lang!r}"
            # A form sent back with its errors (400) is the form page; an error page has its translated title.
            title = expected_title(self.app, status, lang)
            if 'class="error-page"' in html and title not in html:
                return f"error page without its title {title!r}"
        return None


@pytest.fixture
def sweep(app, sweep_world):
    return Sweep(app=app, clients={}, samples=sweep_world["samples"])


def sweepable_rules(app) -> list:
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))
    return [r for r in rules if r.endpoint not in NOT_SWEPT]


def converters(rule) -> dict[str, str]:
    return {name: type(conv).__name__ for name, conv in rule._converters.items()}


def base_values(sweep: Sweep, rule) -> dict[str, str]:
    return {name: existing_value(name, conv, sweep.samples) for name, conv in converters(rule).items()}


def test_not_swept_names_only_real_endpoints(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert set(NOT_SWEPT) <= endpoints, set(NOT_SWEPT) - endpoints
    assert all(reason.strip() for reason in NOT_SWEPT.values())


def test_every_route_and_method_survives_hostile_input(app, database_url, sweep):
    args = query_arg_names()
    for rule in sweepable_rules(app):
        for method in sorted(rule.methods - IGNORED_METHODS):
            for role in ROLES:
                sweep_rule(sweep, rule, method, role, args)
    kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    SWEEP_STATS[kind] = {
        "routes": len({r for r, _m in sweep.stats["routes"]}),
        "route_methods": len(sweep.stats["routes"]),
        "roles": len(sweep.stats["roles"]),
        "values": len(sweep.stats["values"]),
        "requests": sweep.stats["requests"],
    }
    assert sweep.failures == [], f"{len(sweep.failures)} failures:\n" + "\n".join(sweep.failures[:40])
    assert len(sweep.stats["routes"]) >= len([r for r in sweepable_rules(app)])


def sweep_rule(sweep: Sweep, rule, method: str, role: str, args: list[str]) -> None:
    values = base_values(sweep, rule)
    url = fill_rule(rule, values)
    is_write = method not in ("GET",)
    token = sweep.token(role) if is_write else ""
    form = None
    if is_write and "GET" in rule.methods:
        page = sweep.client(role).get(url)
        if page.status_code == 200:
            form = form_for(page.get_data(as_text=True), url)
    baseline = dict(form.fields) if form else {}
    baseline["csrf_token"] = token

    # The role's first answer tells whether the view is reached at all: behind a login or a role wall, the
    # sharpest values suffice to show that nothing leaks past it.
    first = sweep.send(role, method, url, baseline if is_write else None, "baseline", rule, check_db=False)
    walled = first.status_code in (302, 401, 403) and not rule.endpoint.startswith("accounts.login")
    if rule.endpoint in SESSION_ENDING:
        sweep.relogin(role)
        token = sweep.token(role)
        baseline["csrf_token"] = token
    values_for = SHARPEST if walled else HOSTILE

    for name in values:
        for value in values_for:
            hostile = fill_rule(rule, {**values, name: value})
            sweep.send(role, method, hostile, baseline if is_write else None, value, rule, check_db=is_write)
        if not walled:
            for raw in RAW_ENCODED:
                hostile = fill_rule(rule, {**values, name: raw}, raw=True)
                sweep.send(role, method, hostile, baseline if is_write else None, raw, rule, check_db=is_write)

    for value in values_for:
        hostile = with_query(url, {arg: shortened(value) for arg in args})
        sweep.send(role, method, hostile, baseline if is_write else None, value, rule, check_db=is_write)
    if not walled:
        for arg in read_arg_names() if method == "GET" else ():
            for value in SHARPEST_ALONE:
                sweep.send(role, method, with_query(url, {arg: value}), baseline if is_write else None, value, rule,
                           check_db=is_write)  # fmt: skip
        for raw in RAW_ENCODED:
            sweep.send(role, method, with_query(url, {arg: raw for arg in args}, raw=True),
                       baseline if is_write else None, raw, rule, check_db=is_write)  # fmt: skip

    if is_write and not walled:
        for name in sorted(set(baseline) | {"csrf_token"}):
            for value in HOSTILE:
                data = {**baseline, name: value}
                sweep.send(role, method, url, data, value, rule, check_db=True)
                if rule.endpoint in SESSION_ENDING:
                    sweep.relogin(role)
                    baseline["csrf_token"] = sweep.token(role)


# --- values nobody thought of -----------------------------------------------------------------------------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
INTEGERS = st.integers(min_value=-(2**80), max_value=2**80).map(str)
VALUES = st.one_of(TEXT, INTEGERS, st.sampled_from(HOSTILE))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_values_in_random_places_never_break_a_route(app, sweep, data):
    rules = sweepable_rules(app)
    rule = data.draw(st.sampled_from(rules), label="rule")
    method = data.draw(st.sampled_from(sorted(rule.methods - IGNORED_METHODS)), label="method")
    role = data.draw(st.sampled_from(ROLES), label="role")
    value = data.draw(VALUES, label="value")
    values = base_values(sweep, rule)
    where = data.draw(st.sampled_from(["path", "query", "form"] if values else ["query", "form"]), label="where")
    url = fill_rule(rule, values)
    form = None
    if where == "path":
        name = data.draw(st.sampled_from(sorted(values)), label="param")
        url = fill_rule(rule, {**values, name: value})
    elif where == "query":
        arg = data.draw(st.sampled_from(query_arg_names()), label="arg")
        url = with_query(url, {arg: value})
    if method != "GET":
        form = {"csrf_token": sweep.token(role)}
        if where == "form":
            field_name = data.draw(st.sampled_from(["username", "password", "q", "name", "year", "lang", "next"]))
            form[field_name] = value
    sweep.send(role, method, url, form, value, rule, check_db=method != "GET")
    if rule.endpoint in SESSION_ENDING:
        sweep.relogin(role)
    assert sweep.failures == [], sweep.failures
