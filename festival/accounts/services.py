"""Account rules: who may exist with which role and scope; logging in, sessions and passwords."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_babel.speaklater import LazyString
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from festival.accounts import sessions
from festival.accounts.auth import hash_password, verify_password
from festival.accounts.models import SEARCH_TEXT_MAX, Role, User, UserSession
from festival.accounts.pickers import resolve_locality, resolve_organization
from festival.accounts.throttle import Throttled, login_throttle
from festival.core.db import commit_unique
from festival.core.errors import DomainError, NotFound
from festival.core.pagination import Page, paginate
from festival.core.params import parse_id
from festival.core.text import fold, has_control_characters, nfc
from festival.core.text import printable as shown
from festival.core.time import utcnow
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization
from festival.organizations.services import normalise_email

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
USERNAME_MAX = 64
PASSWORD_MIN = 10
PASSWORD_MAX = 128
FULL_NAME_MAX = 200
# The account search reads at most this much of the query, and at most this many words of it.
SEARCH_QUERY_MAX = 100
SEARCH_WORDS_MAX = 5


class LoginFailed(DomainError):
    status = 401


class LoginThrottled(DomainError):
    """Too many attempts from this address (at this account, or at all): `wait` seconds to wait."""

    status = 429

    def __init__(self, wait: int, field: str | None = None):
        super().__init__(
            _l("Too many failed attempts. Wait %(wait)s, then try again.", wait=wait_text(wait)),
            "login_throttled",
            field=field,
        )
        self.wait = wait


def _count_text(unit: str, num: int) -> str:
    # ngettext (not lazy_ngettext, which `make messages` does not extract), called when the text is shown.
    if unit == "second":
        return ngettext("%(num)d second", "%(num)d seconds", num)
    if unit == "minute":
        return ngettext("%(num)d minute", "%(num)d minutes", num)
    if unit == "hour":
        return ngettext("%(num)d hour", "%(num)d hours", num)
    return ngettext("%(num)d day", "%(num)d days", num)


def wait_text(seconds: int) -> LazyString:
    """'45 seconds', '5 minutes' in the reader's language, rounded up (never a shorter wait than the real one)."""
    if seconds < 60:
        return LazyString(_count_text, "second", seconds)
    return LazyString(_count_text, "minute", math.ceil(seconds / 60))


def duration_text(seconds: int) -> LazyString:
    """A configured duration in the largest whole unit: '14 days', '12 hours', '90 minutes'."""
    if seconds >= 86400 and seconds % 86400 == 0:
        return LazyString(_count_text, "day", seconds // 86400)
    if seconds >= 3600 and seconds % 3600 == 0:
        return LazyString(_count_text, "hour", seconds // 3600)
    return wait_text(seconds)


def username_taken() -> DomainError:
    return DomainError(_l("This username is taken."), "username_taken", field="username")


@dataclass
class UserData:
    """What a form or the CLI gives to create or change an account.

    The scope is a unit's code (`scope_code`, what the picker's script fills in) or, when that is empty, what
    the person typed (`scope_name`: a code or a name); the organization likewise (`organization_id`, raw from
    the form, or `organization_name`).
    """

    username: str
    full_name: str
    role: str
    email: str = ""
    scope_code: str = ""
    scope_name: str = ""
    organization_id: int | str | None = None
    organization_name: str = ""
    password: str | None = None
    active: bool = True


def normalise_username(value: str) -> str:
    return nfc(value).lower()


def _plausible_username(name: str) -> bool:
    return 0 < len(name) <= USERNAME_MAX and not has_control_characters(name)


def search_text(username: str, full_name: str) -> str:
    """What the account search matches: the username and the folded full name ("Hoà" and "Hòa" are equal)."""
    return f"{username} {fold(full_name)}"[:SEARCH_TEXT_MAX]


# --- logging in and out ------------------------------------------------------------------------------------------


def log_in(username: str, password: str, *, address: str = "", user_agent: str = "") -> User:
    """Check a password under the login throttle and open a session; the returned user carries its token.

    One generic failure for an unknown user, a wrong password or a deactivated account. The attempt takes its
    place in the throttle's windows before the password is checked (see accounts.throttle).
    """
    name = normalise_username(username)
    throttle = login_throttle()
    try:
        attempt = throttle.reserve(name, address)
    except Throttled as error:
        raise LoginThrottled(error.wait) from None
    user = None
    if _plausible_username(name):
        user = db.session.scalar(select(User).where(User.username == name))
    ok = verify_password(user, password or "")
    if not ok or user is None or not user.active:
        throttle.failed(attempt)
        raise LoginFailed(_l("Wrong username or password."), "login_failed")
    throttle.succeeded(attempt)
    user.last_login_at = utcnow()
    sessions.start(user, address=address, user_agent=user_agent)
    db.session.commit()
    return user


def log_out(user: User) -> None:
    """End the session the request came with (the cookie then opens nothing, wherever it was copied)."""
    if user.current_session is not None:
        sessions.end(user.current_session)
        db.session.commit()


def account_sessions(user: User) -> list[UserSession]:
    return sessions.active_sessions(user)


def end_session(user: User, session_id) -> bool:
    """End one of the user's own sessions; True when it was the one this request came with."""
    ident = parse_id(session_id)
    record = sessions.find_own(user, ident) if ident is not None else None
    if record is None:
        raise NotFound(_l("This session has already ended."), "session_not_found")
    current = user.current_session is not None and record.id == user.current_session.id
    sessions.end(record)
    db.session.commit()
    return current


def end_other_sessions(user: User) -> int:
    ended = sessions.end_all(user, keep=user.current_session)
    db.session.commit()
    return ended


def prune_sessions() -> int:
    removed = sessions.purge_expired()
    db.session.commit()
    return removed


# --- passwords ---------------------------------------------------------------------------------------------------


def check_password(password: str, username: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise DomainError(
            _l("The password needs at least %(n)s characters.", n=PASSWORD_MIN),
            "password_too_short",
            field="password",
        )
    if len(password) > PASSWORD_MAX:
        raise DomainError(
            _l("The password can have at most %(n)s characters.", n=PASSWORD_MAX),
            "password_too_long",
            field="password",
        )
    if password.lower() == username.lower():
        raise DomainError(_l("The password must differ from the username."), "password_is_username", field="password")


def change_own_password(user: User, current: str, new: str, *, address: str = "") -> None:
    """A user changes their own password: the current one is required (and its checks are throttled like
    logins, so a session left open is no way to guess it); every other session of the user ends."""
    check_password(new, user.username)
    throttle = login_throttle()
    try:
        attempt = throttle.reserve(user.username, address)
    except Throttled as error:
        raise LoginThrottled(error.wait, field="current_password") from None
    if not verify_password(user, current or ""):
        throttle.failed(attempt)
        raise DomainError(_l("The current password is not right."), "current_password_wrong", field="current_password")
    throttle.succeeded(attempt)
    if new == current:
        raise DomainError(
            _l("The new password must differ from the current one."), "password_unchanged", field="password"
        )
    user.password_hash = hash_password(new)
    sessions.end_all(user, keep=user.current_session)
    db.session.commit()


def set_password(username: str, password: str) -> User:
    """Set a password from the command line: every session of the account ends."""
    user = get_by_username(username)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    sessions.end_all(user)
    db.session.commit()
    return user


# --- scopes: a unit or an organization, chosen by name -----------------------------------------------------------


def _resolve_scope(data: UserData) -> tuple[Locality | None, Organization | None]:
    role = Role(data.role)
    # A hidden id that is not an id at all is a tampered form: say so even when the role does not use it.
    if data.organization_id not in (None, "") and parse_id(data.organization_id) is None:
        raise DomainError(
            _l("This organization does not exist. Choose one from the list."),
            "organization_not_found",
            field="organization_id",
        )
    scope = None
    organization = None
    if role in (Role.ORGANIZER, Role.CHECKIN_STAFF):
        scope = resolve_locality(data.scope_code, data.scope_name)
    if role == Role.ORG_REP:
        organization = resolve_organization(data.organization_id, data.organization_name)
    return scope, organization


# --- creating and changing accounts ------------------------------------------------------------------------------


def _normalise_email(value: str) -> str:
    """A checked, lower-case address, or '' (the e-mail is optional); the same rule as organizations'."""
    return normalise_email(value).lower()


def _validate(data: UserData, user: User | None) -> None:
    if not USERNAME_RE.match(data.username):
        raise DomainError(
            _l("A username has 3 to 64 lower-case letters, digits, dots, dashes or underscores."),
            "username_invalid",
            field="username",
        )
    full_name = nfc(data.full_name)
    if not full_name:
        raise DomainError(_l("The full name is required."), "full_name_required", field="full_name")
    # The form checks lengths too, but the CLI (and later the API) come straight here: PostgreSQL would refuse
    # a longer value with a DataError instead of a message.
    if len(full_name) > FULL_NAME_MAX:
        raise DomainError(
            _l("The full name can have at most %(n)s characters.", n=FULL_NAME_MAX),
            "full_name_too_long",
            field="full_name",
        )
    if has_control_characters(full_name):
        raise DomainError(
            _l("The full name contains characters that are not allowed."), "full_name_invalid", field="full_name"
        )
    if not data.role:
        raise DomainError(_l("Choose a role."), "role_required", field="role")
    try:
        Role(data.role)
    except ValueError:
        raise DomainError(_l("Unknown role."), "role_unknown", field="role") from None
    clash = db.session.scalar(select(User.id).where(User.username == data.username))
    if clash is not None and (user is None or clash != user.id):
        raise username_taken()


def create_user(data: UserData) -> User:
    data.username = normalise_username(data.username)
    _validate(data, None)
    email = _normalise_email(data.email)
    if not data.password:
        raise DomainError(_l("A password is required."), "password_required", field="password")
    check_password(data.password, data.username)
    scope, organization = _resolve_scope(data)
    full_name = nfc(data.full_name)
    user = User(
        username=data.username,
        full_name=full_name,
        search_text=search_text(data.username, full_name),
        email=email,
        role=data.role,
        scope_locality=scope,
        organization=organization,
        password_hash=hash_password(data.password),
        active=data.active,
    )
    db.session.add(user)
    # Two administrators creating the same username at once both pass the check above; the loser gets its error.
    commit_unique({"uq_users_username": username_taken()})
    return user


def update_user(user: User, data: UserData, acting: User) -> User:
    """Change an account. A new password or a deactivation ends the account's sessions; when administrators
    give themselves a new password, the session they are using stays open."""
    data.username = normalise_username(data.username)
    _validate(data, user)
    if user.id == acting.id and (data.role != Role.ADMIN or not data.active):
        raise DomainError(
            _l("You cannot take away your own administrator rights or deactivate yourself."), "self_demotion"
        )
    email = _normalise_email(data.email)
    scope, organization = _resolve_scope(data)
    end_sessions = False
    if data.password:
        check_password(data.password, data.username)
        user.password_hash = hash_password(data.password)
        end_sessions = True
    if user.active and not data.active:
        end_sessions = True
    user.username = data.username
    user.full_name = nfc(data.full_name)
    user.search_text = search_text(user.username, user.full_name)
    user.email = email
    user.role = data.role
    user.scope_locality = scope
    user.organization = organization
    user.active = data.active
    if end_sessions:
        sessions.end_all(user, keep=acting.current_session if user.id == acting.id else None)
    commit_unique({"uq_users_username": username_taken()})
    return user


def get_by_username(username: str) -> User:
    name = normalise_username(username)
    user = db.session.scalar(select(User).where(User.username == name)) if _plausible_username(name) else None
    if user is None:
        raise NotFound(_l("No account is called %(name)s.", name=shown(username, USERNAME_MAX)), "user_not_found")
    return user


def get_user(user_id: int) -> User:
    ident = parse_id(user_id)
    user = db.session.get(User, ident) if ident is not None else None
    if user is None:
        raise NotFound(_l("No such account."), "user_not_found")
    return user


def clean_query(query: str | None) -> str:
    """A search query cut to a sane length, without NUL or other control characters (tabs become spaces)."""
    text = nfc(query)[:SEARCH_QUERY_MAX]
    return "".join(" " if ch.isspace() else ch for ch in text if ch.isspace() or not has_control_characters(ch))


def search_words(query: str) -> list[str]:
    """The folded words of an account search (at most SEARCH_WORDS_MAX of them)."""
    return fold(clean_query(query)).split()[:SEARCH_WORDS_MAX]


def list_users(query: str = "", page: int = 1) -> Page:
    """Accounts whose username or full name contains every word of the query, accents and case aside."""
    # The list shows each account's unit or organization: loaded in the same query, not one query per row.
    stmt = select(User).options(joinedload(User.scope_locality), joinedload(User.organization)).order_by(User.username)
    for word in search_words(query):
        stmt = stmt.where(User.search_text.contains(word, autoescape=True))
    return paginate(stmt, page)
