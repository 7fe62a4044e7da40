"""Account rules: who may exist with which role and scope; log-in checks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from festival.accounts.auth import hash_password, verify_password
from festival.accounts.models import Role, User, new_session_token
from festival.core.errors import DomainError, NotFound
from festival.core.pagination import Page, paginate
from festival.core.text import nfc
from festival.core.time import utcnow
from festival.extensions import db
from festival.localities.models import Locality
from festival.localities.services import find_by_code
from festival.organizations.models import Organization
from festival.organizations.services import normalise_email

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 128
FULL_NAME_MAX = 200


class LoginFailed(DomainError):
    status = 401


@dataclass
class UserData:
    """What a form or the CLI gives to create or change an account."""

    username: str
    full_name: str
    role: str
    email: str = ""
    scope_code: str = ""
    organization_id: int | None = None
    password: str | None = None
    active: bool = True


def normalise_username(value: str) -> str:
    return nfc(value).lower()


def authenticate(username: str, password: str) -> User:
    """One generic failure for an unknown user, a wrong password or a deactivated account."""
    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    ok = verify_password(user, password or "")
    if not ok or user is None or not user.active:
        raise LoginFailed(_l("Wrong username or password."), "login_failed")
    user.last_login_at = utcnow()
    db.session.commit()
    return user


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


def _resolve_scope(data: UserData) -> tuple[Locality | None, Organization | None]:
    role = Role(data.role)
    scope = None
    organization = None
    if role in (Role.ORGANIZER, Role.CHECKIN_STAFF):
        if not data.scope_code:
            raise DomainError(_l("Choose the locality this account works in."), "scope_required", field="scope_code")
        scope = find_by_code(nfc(data.scope_code))
        if scope is None:
            raise DomainError(
                _l("No administrative unit has the code %(code)s.", code=data.scope_code),
                "locality_not_found",
                field="scope_code",
            )
    if role == Role.ORG_REP:
        organization = db.session.get(Organization, data.organization_id) if data.organization_id else None
        if organization is None:
            raise DomainError(
                _l("Choose the organization this account speaks for."),
                "organization_required",
                field="organization_id",
            )
    return scope, organization


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
    if not nfc(data.full_name):
        raise DomainError(_l("The full name is required."), "full_name_required", field="full_name")
    # The form checks lengths too, but the CLI (and later the API) come straight here: PostgreSQL would refuse
    # a longer value with a DataError instead of a message.
    if len(nfc(data.full_name)) > FULL_NAME_MAX:
        raise DomainError(
            _l("The full name can have at most %(n)s characters.", n=FULL_NAME_MAX),
            "full_name_too_long",
            field="full_name",
        )
    try:
        Role(data.role)
    except ValueError:
        raise DomainError(_l("Unknown role."), "role_unknown", field="role") from None
    clash = db.session.scalar(select(User.id).where(User.username == data.username))
    if clash is not None and (user is None or clash != user.id):
        raise DomainError(_l("This username is taken."), "username_taken", field="username")


def create_user(data: UserData) -> User:
    data.username = normalise_username(data.username)
    _validate(data, None)
    email = _normalise_email(data.email)
    if not data.password:
        raise DomainError(_l("A password is required."), "password_required", field="password")
    check_password(data.password, data.username)
    scope, organization = _resolve_scope(data)
    user = User(
        username=data.username,
        full_name=nfc(data.full_name),
        email=email,
        role=data.role,
        scope_locality=scope,
        organization=organization,
        password_hash=hash_password(data.password),
        active=data.active,
    )
    db.session.add(user)
    db.session.commit()
    return user


def update_user(user: User, data: UserData, acting: User) -> User:
    data.username = normalise_username(data.username)
    _validate(data, user)
    if user.id == acting.id and (data.role != Role.ADMIN or not data.active):
        raise DomainError(
            _l("You cannot take away your own administrator rights or deactivate yourself."), "self_demotion"
        )
    email = _normalise_email(data.email)
    scope, organization = _resolve_scope(data)
    if data.password:
        check_password(data.password, data.username)
        user.password_hash = hash_password(data.password)
        user.session_token = new_session_token()
    if user.active and not data.active:
        user.session_token = new_session_token()
    user.username = data.username
    user.full_name = nfc(data.full_name)
    user.email = email
    user.role = data.role
    user.scope_locality = scope
    user.organization = organization
    user.active = data.active
    db.session.commit()
    return user


def set_password(username: str, password: str) -> User:
    user = get_by_username(username)
    check_password(password, user.username)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    db.session.commit()
    return user


def get_by_username(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    if user is None:
        raise NotFound(_l("No account is called %(name)s.", name=username), "user_not_found")
    return user


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such account."), "user_not_found")
    return user


def list_users(query: str = "", page: int = 1) -> Page:
    stmt = select(User).order_by(User.username)
    q = nfc(query).lower()
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(User.username.like(like), func.lower(User.full_name).like(like)))
    return paginate(stmt, page)
