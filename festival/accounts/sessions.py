"""Sessions kept on the server: one record per login, which the browser's cookie only points to.

Flask-Login keeps `User.get_id()` in Flask's signed session cookie; here that id is a random token whose
SHA-256 names a `UserSession` row. The cookie is worth nothing once the row is gone: logging out, ending a
session from the account page, a new password and deactivation delete rows, and a copied cookie then meets
the login page. A session also ends on its own after `SESSION_IDLE_TIMEOUT` seconds without a request and
`SESSION_LIFETIME` seconds after the login, whatever the activity.

"Last seen" is written at most once every `TOUCH_INTERVAL` (a minute), not on every request: the idle timeout is
therefore exact to a minute, and a busy user costs one UPDATE a minute, not one per page.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, request
from flask_login import current_user
from sqlalchemy import delete, or_, select

from festival.accounts.models import User, UserSession
from festival.core.text import printable
from festival.core.time import utcnow
from festival.extensions import db

TOUCH_INTERVAL = timedelta(seconds=60)
TOKEN_BYTES = 32
# token_urlsafe(32) is 43 characters; anything much longer in a cookie is not ours.
TOKEN_MAX = 64
ADDRESS_MAX = 45
USER_AGENT_MAX = 512


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def idle_timeout() -> timedelta:
    return timedelta(seconds=current_app.config["SESSION_IDLE_TIMEOUT"])


def lifetime() -> timedelta:
    return timedelta(seconds=current_app.config["SESSION_LIFETIME"])


def is_expired(record: UserSession, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return record.created_at <= now - lifetime() or record.last_seen_at <= now - idle_timeout()


def _expired_clause(now: datetime):
    return or_(UserSession.created_at <= now - lifetime(), UserSession.last_seen_at <= now - idle_timeout())


def request_address() -> str:
    return printable(request.remote_addr, ADDRESS_MAX)


def request_user_agent() -> str:
    return printable(request.headers.get("User-Agent"), USER_AGENT_MAX)


def start(user: User, *, address: str = "", user_agent: str = "") -> str:
    """Open a session record for `user` (the caller commits) and return the token for the cookie.

    Expired records of every account are purged at the same time: logins are frequent enough to keep the table
    small without a scheduled job (`flask users prune-sessions` does the same on demand).
    """
    now = utcnow()
    purge_expired(now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    record = UserSession(
        user_id=user.id,
        token_hash=_hash(token),
        address=printable(address, ADDRESS_MAX),
        user_agent=printable(user_agent, USER_AGENT_MAX),
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(record)
    user.current_session = record
    user.session_token = token
    return token


def load(token: str) -> User | None:
    """The active user whose live session the token names, else None (Flask-Login's user loader).

    Runs before the view (see `init_sessions`), so that its occasional commit (an expired record deleted, or
    "last seen" moved on) never commits half of a view's work.
    """
    if not token or len(token) > TOKEN_MAX or not token.isascii():
        return None
    row = db.session.execute(
        select(UserSession, User)
        .join(User, UserSession.user_id == User.id)
        .where(UserSession.token_hash == _hash(token))
    ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    if is_expired(record, now):
        db.session.delete(record)
        db.session.commit()
        return None
    if not user.active:
        return None
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
        address = request_address()
        if address:
            record.address = address
        db.session.commit()
    user.current_session = record
    user.session_token = token
    return user


def end(record: UserSession) -> None:
    db.session.delete(record)


def end_all(user: User, *, keep: UserSession | None = None) -> int:
    """Delete every session of `user`, but `keep` when given (the caller commits). Returns how many ended.

    Pending changes of the account are not flushed first: they go to the database with the caller's commit,
    where a unique-constraint clash is turned into a field error (core.db.commit_unique).
    """
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    with db.session.no_autoflush:
        return db.session.execute(stmt).rowcount or 0


def active_sessions(user: User) -> list[UserSession]:
    """The user's live sessions, the most recently seen first."""
    now = utcnow()
    stmt = (
        select(UserSession)
        .where(UserSession.user_id == user.id, ~_expired_clause(now))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(stmt))


def find_own(user: User, session_id: int) -> UserSession | None:
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or is_expired(record):
        return None
    return record


def purge_expired(now: datetime | None = None) -> int:
    """Delete the expired records of every account (the caller commits). Returns how many."""
    return db.session.execute(delete(UserSession).where(_expired_clause(now or utcnow()))).rowcount or 0


def init_sessions(app: Flask) -> None:
    cookie = app.config["SESSION_COOKIE_NAME"]

    @app.before_request
    def _load_session() -> None:
        # Resolve the session before the view runs (static files excepted): see `load`. A request without a
        # session cookie has no session to resolve: it is anonymous, and costs nothing here.
        if cookie in request.cookies and request.endpoint != "static":
            current_user._get_current_object()
