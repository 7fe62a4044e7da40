"""Passwords, the Flask-Login hook-up, roles and locality scopes."""

from __future__ import annotations

from functools import wraps

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, false, true

from festival.accounts import sessions
from festival.accounts.models import Role, User
from festival.accounts.throttle import init_throttle
from festival.extensions import login_manager
from festival.localities.models import Locality
from festival.localities.services import subtree_clause

_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
# Verified against when the username is unknown, so that both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def use_test_hashing() -> None:
    """Argon2id at its cheapest, for the test suite only (TESTING_FAST_HASHING): hundreds of accounts a run."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
    _DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User | None, password: str) -> bool:
    """Constant-work check; rehashes the stored hash when the parameters have moved on."""
    stored = user.password_hash if user else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    return True


def init_login(app: Flask) -> None:
    if app.config.get("TESTING") and app.config.get("TESTING_FAST_HASHING"):
        use_test_hashing()
    login_manager.init_app(app)
    # No "remember me" cookie is ever issued (sessions live on the server: accounts.sessions), so Flask-Login's
    # hook that would refresh one only reads the session on every request, static files included: drop it.
    app.after_request_funcs[None].remove(login_manager._update_remember_cookie)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    sessions.init_sessions(app)
    init_throttle(app)


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    """The cookie's id is the token of a session record kept on the server (see accounts.sessions)."""
    return sessions.load(token)


def role_required(*roles: Role):
    """Log in first; then any of the given roles (admins always pass), else 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.is_admin and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def scope_locality(user: User) -> Locality | None:
    """The root of the user's locality subtree; None means the whole country (admins)."""
    if user.is_admin:
        return None
    if user.role == Role.ORG_REP:
        return user.organization.locality if user.organization else None
    return user.scope_locality


def scope_clause(user: User, path_column) -> ColumnElement[bool]:
    """SQL condition: the row's locality path lies in the user's subtree."""
    root = scope_locality(user)
    if user.is_admin:
        return true()
    if root is None:
        # A non-admin without a scope sees nothing rather than everything.
        return false()
    return subtree_clause(path_column, root.path)


def in_scope(user: User, locality: Locality) -> bool:
    if user.is_admin:
        return True
    root = scope_locality(user)
    return root is not None and locality.path.startswith(root.path)
