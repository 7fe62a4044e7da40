"""Users and their roles.

- admin: everything, everywhere;
- organizer: plans the festivals of one locality subtree (its scope);
- organization representative: speaks for one organization (its scope is the organization's locality);
- check-in staff: scans tickets at festivals of one locality subtree.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization


class Role(StrEnum):
    ADMIN = "admin"
    ORGANIZER = "organizer"
    ORG_REP = "org_rep"
    CHECKIN_STAFF = "checkin_staff"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.ORGANIZER: _l("Organizer"),
    Role.ORG_REP: _l("Organization representative"),
    Role.CHECKIN_STAFF: _l("Check-in staff"),
}


SEARCH_TEXT_MAX = 300


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    scope_locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # "username folded full name" (core.text.fold: no accents, lower case), kept by the services: what the
    # administrators' account search matches, so that "nguyen" finds "Nguyễn Văn An".
    search_text: Mapped[str] = mapped_column(binary_string(SEARCH_TEXT_MAX), default="", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    scope_locality: Mapped[Locality | None] = relationship()
    organization: Mapped[Organization | None] = relationship()

    __table_args__ = (CheckConstraint("role IN ('admin', 'organizer', 'org_rep', 'checkin_staff')", name="role_known"),)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    # The session record this request was authenticated with, and its token (set by accounts.sessions when a
    # session starts or is loaded; not columns). Flask-Login keeps get_id() in the signed session cookie: the
    # cookie holds only the token of a record kept on the server, so ending the record ends the cookie.
    current_session = None  # UserSession | None
    session_token = None  # str | None

    def get_id(self) -> str:
        if not self.session_token:
            raise RuntimeError("log in through festival.accounts.sessions.start(), which makes a session record")
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class UserSession(db.Model):
    """One login on one device, kept on the server: logging out, a new password or deactivation delete it.

    The browser holds a random token; only its SHA-256 is stored, so a copy of the table opens no session.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(512), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Written at most once a minute (accounts.sessions.TOUCH_INTERVAL), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    user: Mapped[User] = relationship()

    @property
    def device(self) -> str:
        from festival.accounts.devices import describe

        return describe(self.user_agent)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id}>"
