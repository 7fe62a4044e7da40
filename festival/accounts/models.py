"""Users and their roles.

- admin: everything, everywhere;
- organizer: plans the festivals of one locality subtree (its scope);
- organization representative: speaks for one organization (its scope is the organization's locality);
- check-in staff: scans tickets at festivals of one locality subtree.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import utcnow
from festival.core.types import UTCDateTime
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


def new_session_token() -> str:
    return secrets.token_urlsafe(16)


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
    # Part of the session cookie's user id: rotating it ends every session of the user.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
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

    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"
