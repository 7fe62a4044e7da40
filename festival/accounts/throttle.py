"""Login throttling that slows guessing down without letting anyone lock another person out.

What is counted (sliding windows: an attempt counts for exactly its window, no burst at a window's edge):

- per (account, address) pair, `LOGIN_PAIR_LIMIT` (5 a minute, 30 an hour): the guesses one address may make
  at one account. This is the limit that stops an attacker, and it concerns nobody else: the account's owner,
  typing from another address, has a pair of their own.
- per address across all accounts, `LOGIN_ADDRESS_LIMIT` (300 an hour): stops one address from spraying many
  accounts; generous, so that a whole commune office behind one NAT address never reaches it through one
  person's typos (those stop at that person's pair long before).
- per account across all addresses, failures only, never refused on their own: when an account collects
  `LOGIN_ACCOUNT_SLOWDOWN` failures (50 an hour: more than one address may make, so it takes several) it is
  under attack from several addresses, and every pair of it is slowed down to `LOGIN_SLOW_PAIR_LIMIT` on top of
  the usual limits (one failure per address every five minutes), so that a distributed attacker gets fewer
  guesses. It is slowed, not locked: an address that has not failed at this account recently still gets its
  attempt, so the owner typing the right password from their own address gets in (after a typo of theirs
  during an attack, they wait five minutes, and are told so).

So the right password is refused only when its own address is over a limit: the pair's (this address already
failed too often at this account) or the address's (this address already failed too often everywhere). IPv6
addresses are counted by their /64 network, which one household or one attacker usually holds entirely.

Exactness under parallel requests: an attempt *reserves* its place in the pair's and the address's windows,
atomically and before the password is checked (one Lua script on Redis; one lock in memory): with five places,
fifty parallel wrong passwords get exactly five checks and forty-five refusals. A refused attempt takes no
place anywhere (retrying while refused does not prolong the wait, nor use up the shared address's allowance).
The right password gives its place back: the pair's failures are cleared and the address's reservation is
removed, so successful logins from a shared address never count against it. A wrong password keeps its places
and adds a failure to the account's count.

Counts are kept in Redis when `RATELIMIT_STORAGE_URI` is `redis://…` (shared by every gunicorn worker and
server), else in this process's memory. Should Redis fail, attempts are counted in memory (per worker) until it
answers again, with a warning in the log: throttling weakens, logging in keeps working.
"""

from __future__ import annotations

import bisect
import ipaddress
import logging
import math
import threading
import time
import uuid
from dataclasses import dataclass

import limits
import redis
from flask import Flask, current_app

from festival.config import ConfigError

log = logging.getLogger(__name__)

EXTENSION = "login_throttle"
USERNAME_KEY_MAX = 64


@dataclass(frozen=True)
class Rule:
    amount: int
    window: float  # seconds


def parse_rules(text: str, setting: str) -> tuple[Rule, ...]:
    """'5 per minute;30 per hour' (the `limits` library's notation) as rules; a ConfigError names the setting."""
    try:
        items = limits.parse_many(text)
    except ValueError:
        raise ConfigError(f"{setting}={text!r} is not a limit: write e.g. '5 per minute;30 per hour'.") from None
    return tuple(Rule(amount=item.amount, window=float(item.get_expiry())) for item in items)


def address_key(address: str) -> str:
    """The unit an address is counted in: an IPv4 address, or the /64 network of an IPv6 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64] or "unknown"
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class Throttled(Exception):
    """Too many attempts from this address: `wait` seconds until the next one is accepted."""

    def __init__(self, wait: float):
        super().__init__(f"retry in {wait:.0f} s")
        self.wait = max(1, math.ceil(wait))


@dataclass
class Attempt:
    """The places one login attempt holds, to give back or keep once the password is checked."""

    pair: str
    address: str
    account: str
    member: str


# --- stores ------------------------------------------------------------------------------------------------------
# A key holds a log of (time, member) entries. `reserve` checks every (key, rule), and only when none is full adds
# the member to every key; otherwise it answers how long until the fullest one frees a place.


class MemoryStore:
    """Sliding logs in this process: exact across threads, not shared between gunicorn workers."""

    SWEEP_EVERY = 1000

    def __init__(self) -> None:
        self._logs: dict[str, list[tuple[float, str]]] = {}
        self._ttl: dict[str, float] = {}
        self._lock = threading.Lock()
        self._operations = 0

    def _live(self, key: str, now: float) -> list[tuple[float, str]]:
        entries = self._logs.get(key)
        if entries is None:
            return []
        ttl = self._ttl.get(key, 0.0)
        cut = bisect.bisect_right(entries, (now - ttl, "\uffff"))
        if cut:
            del entries[:cut]
        return entries

    def _sweep(self, now: float) -> None:
        self._operations += 1
        if self._operations % self.SWEEP_EVERY:
            return
        for key in list(self._logs):
            if not self._live(key, now):
                self._logs.pop(key, None)
                self._ttl.pop(key, None)

    @staticmethod
    def _wait(entries: list[tuple[float, str]], rule: Rule, now: float) -> float:
        start = bisect.bisect_right(entries, (now - rule.window, "\uffff"))
        count = len(entries) - start
        if count < rule.amount:
            return 0.0
        # The place frees when the (count - amount + 1)-th oldest entry of the window leaves it.
        return entries[start + count - rule.amount][0] + rule.window - now

    def reserve(self, checks: list[tuple[str, Rule]], keys: dict[str, float], member: str, now: float) -> float:
        with self._lock:
            self._sweep(now)
            wait = max((self._wait(self._live(key, now), rule, now) for key, rule in checks), default=0.0)
            if wait > 0:
                return wait
            for key, ttl in keys.items():
                self._add(key, member, ttl, now)
            return 0.0

    def _add(self, key: str, member: str, ttl: float, now: float) -> None:
        self._ttl[key] = max(self._ttl.get(key, 0.0), ttl)
        bisect.insort(self._logs.setdefault(key, []), (now, member))

    def add(self, key: str, member: str, ttl: float, now: float) -> None:
        with self._lock:
            self._live(key, now)
            self._add(key, member, ttl, now)

    def count(self, key: str, window: float, now: float) -> int:
        with self._lock:
            entries = self._live(key, now)
            return len(entries) - bisect.bisect_right(entries, (now - window, "\uffff"))

    def remove(self, key: str, member: str) -> None:
        with self._lock:
            entries = self._logs.get(key, [])
            for i, (_score, name) in enumerate(entries):
                if name == member:
                    del entries[i]
                    break

    def clear(self, key: str) -> None:
        with self._lock:
            self._logs.pop(key, None)
            self._ttl.pop(key, None)

    def reset(self, prefix: str) -> None:
        with self._lock:
            for key in [k for k in self._logs if k.startswith(prefix)]:
                self._logs.pop(key, None)
                self._ttl.pop(key, None)


# KEYS: the keys to add the member to. ARGV: now, member, number of checks, then per check (key index, window,
# amount), then per key its time to live (its longest window). Scores are times; members are unique per attempt.
_RESERVE = """
local now = tonumber(ARGV[1])
local member = ARGV[2]
local checks = tonumber(ARGV[3])
local wait = 0
local pos = 4
for i = 1, checks do
  local key = KEYS[tonumber(ARGV[pos])]
  local window = tonumber(ARGV[pos + 1])
  local amount = tonumber(ARGV[pos + 2])
  pos = pos + 3
  local low = '(' .. tostring(now - window)
  local count = redis.call('ZCOUNT', key, low, '+inf')
  if count >= amount then
    local oldest = redis.call('ZRANGEBYSCORE', key, low, '+inf', 'WITHSCORES', 'LIMIT', count - amount, 1)
    local free_at = tonumber(oldest[2]) + window
    if free_at - now > wait then wait = free_at - now end
  end
end
if wait > 0 then return tostring(wait) end
for i = 1, #KEYS do
  local ttl = tonumber(ARGV[pos + i - 1])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', tostring(now - ttl))
  redis.call('ZADD', KEYS[i], now, member)
  redis.call('EXPIRE', KEYS[i], math.ceil(ttl))
end
return '0'
"""


class RedisStore:
    """Sorted sets in Redis, shared by every worker; each operation is atomic (a script or MULTI/EXEC)."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._reserve = self.client.register_script(_RESERVE)

    def reserve(self, checks: list[tuple[str, Rule]], keys: dict[str, float], member: str, now: float) -> float:
        names = list(keys)
        args: list = [repr(now), member, len(checks)]
        for key, rule in checks:
            args += [names.index(key) + 1, repr(rule.window), rule.amount]
        args += [math.ceil(keys[name]) for name in names]
        return float(self._reserve(keys=names, args=args))

    def add(self, key: str, member: str, ttl: float, now: float) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", repr(now - ttl))
            pipe.zadd(key, {member: now})
            pipe.expire(key, math.ceil(ttl))
            pipe.execute()

    def count(self, key: str, window: float, now: float) -> int:
        return int(self.client.zcount(key, f"({now - window!r}", "+inf"))

    def remove(self, key: str, member: str) -> None:
        self.client.zrem(key, member)

    def clear(self, key: str) -> None:
        self.client.delete(key)

    def reset(self, prefix: str) -> None:
        pattern = "".join("\\" + ch if ch in "\\*?[]" else ch for ch in prefix) + "*"
        keys = list(self.client.scan_iter(match=pattern, count=500))
        if keys:
            self.client.delete(*keys)


def make_store(uri: str) -> MemoryStore | RedisStore:
    scheme = uri.split(":", 1)[0].lower()
    if scheme == "memory":
        return MemoryStore()
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStore(uri)
    raise ConfigError(f"RATELIMIT_STORAGE_URI={uri!r}: use memory:// or redis://host:6379/0.")


# --- the throttle ------------------------------------------------------------------------------------------------


class LoginThrottle:
    """Reserve before checking a password; give back on success, keep on failure (see the module's docstring)."""

    def __init__(self, config: dict, store: MemoryStore | RedisStore | None = None) -> None:
        self.prefix = config.get("RATELIMIT_KEY_PREFIX", "ngayhoi:login:")
        self.pair_rules = parse_rules(config["LOGIN_PAIR_LIMIT"], "LOGIN_PAIR_LIMIT")
        self.address_rules = parse_rules(config["LOGIN_ADDRESS_LIMIT"], "LOGIN_ADDRESS_LIMIT")
        slowdown = parse_rules(config["LOGIN_ACCOUNT_SLOWDOWN"], "LOGIN_ACCOUNT_SLOWDOWN")
        if len(slowdown) != 1:
            raise ConfigError("LOGIN_ACCOUNT_SLOWDOWN takes one limit, e.g. '20 per hour'.")
        self.slowdown = slowdown[0]
        self.slow_pair_rules = parse_rules(config["LOGIN_SLOW_PAIR_LIMIT"], "LOGIN_SLOW_PAIR_LIMIT")
        self.store = store or make_store(config["RATELIMIT_STORAGE_URI"])
        self.fallback = MemoryStore()
        self.clock = time.time

    def _call(self, method: str, *args):
        try:
            return getattr(self.store, method)(*args)
        except redis.RedisError as error:
            log.warning("login throttle: Redis failed (%s); counting in this process's memory", error)
            return getattr(self.fallback, method)(*args)

    def _keys(self, username: str, address: str) -> tuple[str, str, str]:
        name = username[:USERNAME_KEY_MAX]
        where = address_key(address)
        return (f"{self.prefix}pair:{name}|{where}", f"{self.prefix}addr:{where}", f"{self.prefix}acct:{name}")

    def under_attack(self, username: str) -> bool:
        account = self._keys(username, "")[2]
        return self._call("count", account, self.slowdown.window, self.clock()) >= self.slowdown.amount

    def reserve(self, username: str, address: str) -> Attempt:
        """Take a place for one password check, or raise Throttled with the time to wait."""
        pair, where, account = self._keys(username, address)
        pair_rules = self.pair_rules + (self.slow_pair_rules if self.under_attack(username) else ())
        checks = [(pair, rule) for rule in pair_rules] + [(where, rule) for rule in self.address_rules]
        ttl = {
            pair: max(rule.window for rule in self.pair_rules + self.slow_pair_rules),
            where: max(rule.window for rule in self.address_rules),
        }
        member = uuid.uuid4().hex
        wait = self._call("reserve", checks, ttl, member, self.clock())
        if wait > 0:
            raise Throttled(wait)
        return Attempt(pair=pair, address=where, account=account, member=member)

    def succeeded(self, attempt: Attempt) -> None:
        """The right password: the pair's failures are forgiven, the address's place is given back."""
        self._call("clear", attempt.pair)
        self._call("remove", attempt.address, attempt.member)

    def failed(self, attempt: Attempt) -> None:
        """A wrong password: the places stay taken, and the account counts one more failure."""
        self._call("add", attempt.account, attempt.member, self.slowdown.window, self.clock())

    def reset(self) -> None:
        """Forget every count under this throttle's key prefix (tests; an operator after an incident)."""
        self._call("reset", self.prefix)
        self.fallback.reset(self.prefix)


def init_throttle(app: Flask) -> LoginThrottle:
    throttle = LoginThrottle(app.config)
    app.extensions[EXTENSION] = throttle
    return throttle


def login_throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
