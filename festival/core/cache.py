"""Fragments every visitor sees, rendered once per language and data version.

The **data version** is a random token in the `data_versions` table, changed in the same transaction as any
write to public data (a model with `__public_data__ = True`, or a bulk write that calls `bump_data_version`), so
a cached fragment can never outlive the data it shows: the next request reads the new token and misses.
Each worker keeps the token it read for `DATA_VERSION_TTL` seconds (default 1) to save a query per request;
its own writes forget it at once, other workers' writes are seen within that time. A random token (not a
counter) means a version never comes back, even when the table is emptied.

The **store** is Redis when `CACHE_URL` is set (shared by every worker; entries expire after
`CACHE_SECONDS`), else an in-process LRU of `CACHE_MAX_ENTRIES` entries. A Redis that stops answering is
logged and bypassed: pages are rendered, never refused.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps

from flask import Flask, current_app, g, has_app_context, request
from markupsafe import Markup
from sqlalchemy import BigInteger, String, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from festival.core.i18n import current_language
from festival.extensions import db

PUBLIC = "public"


class DataVersion(db.Model):
    """One row per kind of data whose changes invalidate cached fragments ("public" today)."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def _new_token() -> int:
    return secrets.randbits(62)


def bump_data_version(session: Session | None = None, name: str = PUBLIC) -> None:
    """Give `name` a new version token inside the current transaction (an upsert: the row may be missing)."""
    session = session or db.session
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    token = _new_token()
    statement = insert(DataVersion).values(name=name, version=token)
    session.execute(statement.on_conflict_do_update(index_elements=["name"], set_={"version": token}))
    session.info["data_version_bumped"] = True


def _touches_public_data(session: Session) -> bool:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if getattr(instance, "__public_data__", False):
            return True
    return False


@event.listens_for(Session, "before_flush")
def _bump_on_flush(session: Session, _context, _instances) -> None:
    if not session.info.get("data_version_bumped") and _touches_public_data(session):
        bump_data_version(session)


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session: Session) -> None:
    if session.info.pop("data_version_bumped", False):
        _versions.clear()
        if has_app_context():
            g.pop("data_versions", None)  # the rest of this request sees its own write too


@event.listens_for(Session, "after_rollback")
def _reset_on_rollback(session: Session) -> None:
    session.info.pop("data_version_bumped", None)


class _VersionMemo:
    """The token each worker last read, with the time it read it."""

    def __init__(self):
        self._values: dict[str, tuple[float, int]] = {}

    def get(self, name: str, ttl: float) -> int | None:
        found = self._values.get(name)
        if found is not None and time.monotonic() - found[0] < ttl:
            return found[1]
        return None

    def put(self, name: str, value: int) -> None:
        self._values[name] = (time.monotonic(), value)

    def clear(self) -> None:
        self._values.clear()


_versions = _VersionMemo()


def data_version(name: str = PUBLIC) -> int:
    """The current version token of `name` (0 before any write); read at most once per request."""
    memo = g.setdefault("data_versions", {})
    if name in memo:
        return memo[name]
    ttl = current_app.config["DATA_VERSION_TTL"]
    value = _versions.get(name, ttl) if ttl > 0 else None
    if value is None:
        value = db.session.scalar(select(DataVersion.version).where(DataVersion.name == name)) or 0
        _versions.put(name, value)
    memo[name] = value
    return value


class MemoryStore:
    """A bounded, thread-safe LRU map in this process."""

    def __init__(self, max_entries: int):
        self.max_entries = max_entries
        self._data: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
            return value

    def set(self, key: str, value: str, _seconds: int) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class RedisStore:
    """Entries in Redis, shared by every worker; any Redis failure is logged and treated as a miss."""

    PREFIX = "ngayhoi:fragment:"

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def get(self, key: str) -> str | None:
        try:
            value = self.client.get(self.PREFIX + key)
        except Exception:  # noqa: BLE001 - a cache must never take the page down
            current_app.logger.warning("fragment cache: Redis did not answer a read", exc_info=True)
            return None
        return value.decode("utf-8") if value is not None else None

    def set(self, key: str, value: str, seconds: int) -> None:
        try:
            self.client.set(self.PREFIX + key, value.encode("utf-8"), ex=seconds)
        except Exception:  # noqa: BLE001
            current_app.logger.warning("fragment cache: Redis did not take a write", exc_info=True)

    def clear(self) -> None:
        try:
            for key in self.client.scan_iter(self.PREFIX + "*"):
                self.client.delete(key)
        except Exception:  # noqa: BLE001
            current_app.logger.warning("fragment cache: Redis did not clear", exc_info=True)


def store():
    return current_app.extensions["festival_cache"]


def cached_text(name: str, parts: tuple, render: Callable[[], str], *, version: str = PUBLIC) -> str:
    """The text `render()` gives, cached under `name`, `parts`, the reader's language and the data version."""
    key = f"{name}:{current_language()}:{data_version(version)}:" + "\x1f".join(map(str, parts))
    found = store().get(key)
    if found is not None:
        return found
    text = str(render())
    store().set(key, text, current_app.config["CACHE_SECONDS"])
    return text


def cached_fragment(name: str, parts: tuple, render: Callable[[], str]) -> Markup:
    """An HTML fragment (already escaped by its template), cached as `cached_text` does."""
    return Markup(cached_text(name, parts, render))


def init_cache(app: Flask) -> None:
    url = app.config.get("CACHE_URL")
    app.extensions["festival_cache"] = RedisStore(url) if url else MemoryStore(app.config["CACHE_MAX_ENTRIES"])


def query_key() -> tuple:
    """The request's query arguments, in a stable order, for a cache key."""
    return tuple(sorted(request.args.items(multi=True)))


def cached_response(name: str):
    """Cache the 200 answers of a GET view whose answer depends only on its URL, the language and the data."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            parts = (request.path, *query_key())
            hit = True

            def render() -> str:
                nonlocal hit
                hit = False
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code != 200:
                    raise _Uncacheable(response)
                headers = {k: response.headers[k] for k in CACHED_HEADERS if k in response.headers}
                return json.dumps([response.mimetype, headers, response.get_data(as_text=True)], ensure_ascii=False)

            try:
                text = cached_text(name, parts, render)
            except _Uncacheable as uncacheable:
                return uncacheable.response
            mimetype, headers, body = json.loads(text)
            response = current_app.response_class(body, mimetype=mimetype, headers=headers)
            response.headers["X-Cache"] = "hit" if hit else "miss"
            return response

        return wrapped

    return decorator


CACHED_HEADERS = ("Link",)


class _Uncacheable(Exception):
    def __init__(self, response):
        super().__init__()
        self.response = response
