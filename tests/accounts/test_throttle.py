"""Login throttling: guessing is limited per address and per account, and nobody can lock anyone else out.

Every test runs with the counts in memory and in the real Redis at 127.0.0.1:6379 (a key prefix of its own,
removed afterwards), on both databases.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from festival.accounts.throttle import EXTENSION, LoginThrottle, address_key
from tests.accounts.support import english_client, flashes, form_fields
from tests.conftest import csrf_token, require
from tests.factories import Factory

REDIS_URL = "redis://127.0.0.1:6379/0"
WRONG = "not-the-password"


class Clock:
    """The throttle's clock, moved by hand: the tests never sleep."""

    def __init__(self):
        self.now = float(int(time.time()))  # whole seconds: waits come out exact

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> str:
    if request.param == "redis":
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.RedisError as error:
            require(False, f"Redis at {REDIS_URL} is not reachable: {error.__class__.__name__}")
        finally:
            client.close()
        return REDIS_URL
    return "memory://"


@pytest.fixture
def install_throttle(app, storage):
    """Install a throttle with these settings over the app's, counting under a key prefix of its own."""
    original = app.extensions[EXTENSION]
    installed: list[LoginThrottle] = []

    def install(**settings) -> LoginThrottle:
        config = {
            **app.config,
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": f"ngayhoi-test:{uuid.uuid4().hex}:",
            **settings,
        }
        throttle = LoginThrottle(config)
        throttle.clock = Clock()
        app.extensions[EXTENSION] = throttle
        installed.append(throttle)
        return throttle

    yield install
    app.extensions[EXTENSION] = original
    for throttle in installed:
        throttle.reset()
        if storage.startswith("redis"):
            assert not list(throttle.store.client.scan_iter(match=throttle.prefix + "*")), "keys left in Redis"
            throttle.store.client.close()


@pytest.fixture
def throttle(install_throttle) -> LoginThrottle:
    return install_throttle()


@pytest.fixture
def accounts(make, tree):
    return {name: make.user("organizer", scope=tree["00376"], username=name) for name in ("orga", "lan", "minh", "hoa")}


def attempt(app, address: str, password: str = WRONG, username: str = "orga", client=None):
    """One login from `address` in a fresh browser; returns the response."""
    client = client or english_client(app)
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def status(app, address: str, password: str = WRONG, username: str = "orga") -> int:
    return attempt(app, address, password, username).status_code


# --- exact under parallel requests --------------------------------------------------------------------------------


def test_fifty_parallel_wrong_passwords_get_exactly_five_checks(app, accounts, throttle):
    clients = [english_client(app) for _ in range(50)]
    tokens = [csrf_token(c, "/login") for c in clients]
    start = threading.Barrier(len(clients), timeout=30)

    def send(i: int) -> int:
        start.wait()
        response = clients[i].post(
            "/login",
            data={"username": "orga", "password": WRONG, "csrf_token": tokens[i]},
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
        )
        return response.status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = list(pool.map(send, range(len(clients))))
    # 401: the password was checked (and was wrong); 429: refused before any check.
    assert codes.count(401) == 5
    assert codes.count(429) == 45


# --- what a refusal looks like ------------------------------------------------------------------------------------


def test_the_refusal_says_how_long_to_wait_keeps_the_username_and_focuses_the_password(app, accounts, throttle):
    for _ in range(5):
        assert status(app, "203.0.113.9") == 401
    response = attempt(app, "203.0.113.9", username="orga")
    assert response.status_code == 429
    assert 55 <= int(response.headers["Retry-After"]) <= 60
    html = response.get_data(as_text=True)
    assert ("error", "Too many failed attempts. Wait 1 minute, then try again.") in flashes(html)
    assert form_fields(html)["username"].value == "orga"
    assert re.search(r'<input[^>]*\bautofocus\b[^>]*name="password"|<input[^>]*name="password"[^>]*\bautofocus', html)


def test_the_refusal_speaks_vietnamese_by_default(app, accounts, throttle):
    for _ in range(5):
        status(app, "203.0.113.9")
    client = english_client(app)
    client.set_cookie("lang", "vi")
    response = attempt(app, "203.0.113.9", client=client)
    assert response.status_code == 429
    (message,) = [text for category, text in flashes(response.get_data(as_text=True)) if category == "error"]
    assert message == "Nhập sai mật khẩu quá nhiều lần. Vui lòng đợi 1 phút rồi thử lại."


def test_the_wait_ends_when_the_window_has_passed(app, accounts, throttle):
    for _ in range(5):
        assert status(app, "203.0.113.9") == 401
    assert status(app, "203.0.113.9", Factory.PASSWORD) == 429
    throttle.clock.advance(30)
    assert status(app, "203.0.113.9", Factory.PASSWORD) == 429
    throttle.clock.advance(31)
    assert status(app, "203.0.113.9", Factory.PASSWORD) == 302


def test_the_hourly_pair_limit_holds_across_minutes(app, accounts, throttle):
    for _minute in range(6):
        for _ in range(5):
            assert status(app, "203.0.113.9") == 401
        throttle.clock.advance(61)
    # 30 failures in the last hour: the pair waits for the hour's oldest to leave it.
    response = attempt(app, "203.0.113.9")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60
    # The oldest failure is 6 × 61 s old: 3,234 s to wait, said as 54 minutes (rounded up, never shorter).
    assert int(response.headers["Retry-After"]) == 3234
    assert "Wait 54 minutes, then try again." in response.get_data(as_text=True)


# --- nobody can lock the owner out --------------------------------------------------------------------------------


def test_failures_from_other_addresses_never_stop_the_right_password_from_a_clean_address(app, accounts, throttle):
    attackers = [f"198.51.100.{i}" for i in range(1, 11)]
    for address in attackers:
        assert not throttle.under_attack("orga")
        for _ in range(5):
            assert status(app, address) == 401
        assert status(app, address) == 429
    # The account has 50 failures from 10 addresses: it is under attack, and slowed down for every new address
    # (one failure per address every five minutes) ...
    assert throttle.under_attack("orga")
    assert status(app, "198.51.100.50") == 401
    assert status(app, "198.51.100.50") == 429
    # ... but not locked: its owner, from an address that has not failed, gets in with the right password.
    assert status(app, "192.0.2.20", Factory.PASSWORD) == 302
    assert status(app, "192.0.2.21", Factory.PASSWORD) == 302
    # An attacker's address stays refused, even with the right password: it is over its own limit.
    assert status(app, "198.51.100.1", Factory.PASSWORD) == 429


def test_the_slowed_down_pair_waits_five_minutes(app, accounts, throttle):
    for i in range(10):
        for _ in range(5):
            status(app, f"198.51.100.{i}")
    assert status(app, "192.0.2.20") == 401  # the owner's typo, while the account is under attack
    response = attempt(app, "192.0.2.20", Factory.PASSWORD)
    assert response.status_code == 429
    assert "Wait 5 minutes, then try again." in response.get_data(as_text=True)
    throttle.clock.advance(5 * 60 + 1)
    assert status(app, "192.0.2.20", Factory.PASSWORD) == 302


def test_one_persons_typos_behind_a_shared_address_do_not_lock_out_colleagues(app, accounts, throttle):
    office = "203.0.113.77"  # a commune office: everyone behind one NAT address
    for _ in range(5):
        assert status(app, office, username="orga") == 401
    # orga must wait (their own typos) ...
    assert status(app, office, Factory.PASSWORD, username="orga") == 429
    for _ in range(20):
        assert status(app, office, Factory.PASSWORD, username="orga") == 429
    # ... but the colleagues log in, and even a colleague's typo is just a typo.
    assert status(app, office, Factory.PASSWORD, username="lan") == 302
    assert status(app, office, username="minh") == 401
    assert status(app, office, Factory.PASSWORD, username="minh") == 302
    assert status(app, office, Factory.PASSWORD, username="hoa") == 302


def test_refusals_and_successes_use_up_nothing_of_the_shared_address_allowance(app, accounts, install_throttle):
    install_throttle(LOGIN_ADDRESS_LIMIT="8 per hour")
    office = "203.0.113.77"
    for _ in range(5):
        assert status(app, office, username="orga") == 401
    for _ in range(30):  # refused: they take no place
        assert status(app, office, Factory.PASSWORD, username="orga") == 429
    for _ in range(20):  # successes give their place back
        assert status(app, office, Factory.PASSWORD, username="lan") == 302
    # 5 failures so far: three more fit, then the address is over its limit.
    for name in ("minh", "hoa", "lan"):
        assert status(app, office, username=name) == 401
    assert status(app, office, Factory.PASSWORD, username="hoa") == 429
    # Another address is not concerned.
    assert status(app, "192.0.2.20", Factory.PASSWORD, username="hoa") == 302


def test_one_address_spraying_many_accounts_is_stopped(app, accounts, install_throttle):
    install_throttle(LOGIN_ADDRESS_LIMIT="10 per hour")
    for i in range(10):
        assert status(app, "198.51.100.66", username=f"guess{i}") == 401
    assert status(app, "198.51.100.66", username="guess10") == 429
    assert status(app, "198.51.100.66", Factory.PASSWORD, username="orga") == 429


def test_a_success_forgives_the_pairs_failures(app, accounts, throttle):
    for _ in range(4):
        assert status(app, "203.0.113.9") == 401
    assert status(app, "203.0.113.9", Factory.PASSWORD) == 302
    for _ in range(5):
        assert status(app, "203.0.113.9") == 401
    assert status(app, "203.0.113.9") == 429


def test_the_username_is_counted_as_typed_case_and_spaces_aside(app, accounts, throttle):
    for name in ("orga", "ORGA", " orga ", "Orga", "orgA"):
        assert status(app, "203.0.113.9", username=name) == 401
    assert status(app, "203.0.113.9", username="orga") == 429


def test_an_ipv6_network_counts_as_one_address(app, accounts, throttle):
    for i in range(1, 6):
        assert status(app, f"2001:db8:1:2::{i}") == 401
    assert status(app, "2001:db8:1:2:ffff::99") == 429
    assert status(app, "2001:db8:1:3::1") == 401


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
        ("", "unknown"),
    ],
)
def test_addresses_are_counted_by_host_or_ipv6_network(address, key):
    assert address_key(address) == key


def test_the_right_password_is_counted_nowhere(app, accounts, throttle):
    for _ in range(50):
        assert status(app, "203.0.113.9", Factory.PASSWORD) == 302
    assert not throttle.under_attack("orga")
    assert status(app, "203.0.113.9") == 401


# --- Redis failing ------------------------------------------------------------------------------------------------


def test_when_redis_fails_logins_go_on_and_are_counted_in_memory(app, accounts, caplog):
    original = app.extensions[EXTENSION]
    # Nothing listens on port 1: every Redis call fails at once.
    app.extensions[EXTENSION] = LoginThrottle({**app.config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0"})
    try:
        assert status(app, "203.0.113.9", Factory.PASSWORD) == 302
        for _ in range(5):
            assert status(app, "203.0.113.9") == 401
        assert status(app, "203.0.113.9") == 429
    finally:
        app.extensions[EXTENSION] = original
    assert "Redis failed" in caplog.text


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("LOGIN_PAIR_LIMIT", "lots"),
        ("LOGIN_ADDRESS_LIMIT", "300 per fortnight"),
        ("LOGIN_ACCOUNT_SLOWDOWN", "20 per hour;40 per day"),
        ("RATELIMIT_STORAGE_URI", "memcached://127.0.0.1:11211"),
    ],
)
def test_a_wrong_setting_stops_the_start_with_its_name(app, setting, value):
    from festival.config import ConfigError

    with pytest.raises(ConfigError, match=setting):
        LoginThrottle({**app.config, setting: value})
