"""Personal API tokens: how an organizer's own scripts call the non-public part of /api/v1 as that organizer.

A token is made on the account page and shown once: `nh_` and 43 URL-safe characters (256 random bits). Only its
SHA-256 is stored, with the first characters (`prefix`) so that the owner can tell tokens apart, so a copy of the
table authenticates nobody. A client sends it as `Authorization: Bearer <token>` and nowhere else: never in the
query string (it would end up in logs and browser history), and it opens no HTML page (the login cookie does
that; accounts.auth never reads this header). Revoking keeps the row (with `revoked_at`) so the owner can see
what was revoked and when; a deactivated account's tokens stop working with it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.accounts.models import Role, User
from festival.core.errors import DomainError, NotFound
from festival.core.text import nfc, printable
from festival.core.time import utcnow
from festival.core.types import UTCDateTime
from festival.extensions import db

TOKEN_PREFIX = "nh_"
TOKEN_BYTES = 32  # 256 bits
# What a presented token may look like before any hashing: "nh_" and token_urlsafe(32)'s 43 characters.
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
VISIBLE = 10  # "nh_" and 7 characters, shown in the list
NAME_MAX = 100
TOKENS_MAX = 20  # live tokens per account: a list one can still review
# "Last used" is written at most this often, not on every request (as accounts.sessions does).
TOUCH_INTERVAL = timedelta(seconds=60)
# Who may make one: the roles the non-public endpoints serve.
TOKEN_ROLES = (Role.ADMIN.value, Role.ORGANIZER.value)


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    prefix: Mapped[str] = mapped_column(String(VISIBLE))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix} user={self.user_id}>"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def may_have_tokens(user: User) -> bool:
    return user.role in TOKEN_ROLES


@dataclass
class NewToken:
    record: ApiToken
    secret: str  # shown once, then only its hash exists


def create(user: User, name: str) -> NewToken:
    """Make and save a token for `user`; the secret is returned once and never stored."""
    if not may_have_tokens(user):
        raise DomainError(_l("Only organizers can make API tokens."), "tokens_not_allowed", status=403)
    name = nfc(printable(name or "", NAME_MAX + 1)).strip()
    if not name:
        raise DomainError(
            _l("Give the token a name, such as the script that will use it."), "name_required", field="name"
        )
    if len(name) > NAME_MAX:
        raise DomainError(
            _l("The name is too long (at most %(n)s characters).", n=NAME_MAX), "name_too_long", field="name"
        )
    live = db.session.scalar(
        select(func.count(ApiToken.id)).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if live >= TOKENS_MAX:
        raise DomainError(
            _l("You have %(n)s tokens: revoke one you no longer use first.", n=TOKENS_MAX),
            "too_many_tokens",
            field="name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)
    record = ApiToken(user_id=user.id, name=name, prefix=secret[:VISIBLE], token_hash=_hash(secret))
    db.session.add(record)
    db.session.commit()
    return NewToken(record, secret)


def tokens_of(user: User) -> list[ApiToken]:
    """The account's tokens, live ones first, newest first (revoked ones stay listed, greyed)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(user: User, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (another account's token is not found: no hint that it exists)."""
    record = db.session.get(ApiToken, token_id)
    if record is None or record.user_id != user.id:
        raise NotFound(_l("No such token on your account."), "token_not_found")
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        db.session.commit()
    return record


def authenticate(header: str | None) -> User | None:
    """The active user a request's `Authorization: Bearer …` header stands for, or None (unknown, revoked,
    malformed, an inactive account, or one whose role no longer has tokens). Marks the token used (at most once
    a minute)."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or len(token) != TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    if not token.isascii() or not token.isprintable():
        return None
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if record is None or record.revoked_at is not None:
        return None
    if not record.user.is_active or not may_have_tokens(record.user):
        return None  # deactivated, or no longer an organizer (whose page no longer lists tokens to revoke)
    now = utcnow()
    if record.last_used_at is None or record.last_used_at <= now - TOUCH_INTERVAL:
        record.last_used_at = now
        db.session.commit()
    return record.user
