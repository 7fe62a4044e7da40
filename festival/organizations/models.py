"""Organizations (police, Fatherland Front, schools, ...) and venues, each attached to a locality."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.extensions import db
from festival.localities.models import Locality


class OrganizationKind(StrEnum):
    POLICE = "police"
    FATHERLAND_FRONT = "fatherland_front"
    MASS_ORGANIZATION = "mass_organization"
    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    AGENCY = "agency"
    RESIDENTIAL_BOARD = "residential_board"
    OTHER = "other"

    @property
    def label(self):
        return KIND_LABELS[self]


KIND_LABELS = {
    OrganizationKind.POLICE: _l("Police"),
    OrganizationKind.FATHERLAND_FRONT: _l("Fatherland Front"),
    OrganizationKind.MASS_ORGANIZATION: _l("Mass organization"),
    OrganizationKind.SCHOOL: _l("School"),
    OrganizationKind.ENTERPRISE: _l("Enterprise"),
    OrganizationKind.AGENCY: _l("Agency"),
    OrganizationKind.RESIDENTIAL_BOARD: _l("Residential area board"),
    OrganizationKind.OTHER: _l("Other"),
}


class Organization(db.Model):
    __tablename__ = "organizations"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)
    __audit_entity__ = "organization"  # festival/audit/recorder.py

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Folded, space-free name (core.text.search_key), for accent-insensitive search.
    search_name: Mapped[str] = mapped_column(binary_string(255), default="")
    kind: Mapped[str] = mapped_column(String(30))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    # Optimistic locking: a form carries the version it showed; saving over a newer one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    locality: Mapped[Locality] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", order_by="Contact.id"
    )

    __table_args__ = (UniqueConstraint("locality_id", "name"), Index("ix_organizations_search_name", "search_name"))
    __mapper_args__ = {"version_id_col": version}

    @property
    def kind_enum(self) -> OrganizationKind:
        return OrganizationKind(self.kind)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name}>"


class Venue(db.Model):
    __tablename__ = "venues"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)
    __audit_entity__ = "venue"  # festival/audit/recorder.py

    id: Mapped[int] = mapped_column(primary_key=True)
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    # Folded, space-free name (core.text.search_key), for accent-insensitive search.
    search_name: Mapped[str] = mapped_column(binary_string(255), default="", index=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    capacity: Mapped[int | None] = mapped_column(Integer)
    # Optimistic locking: a form carries the version it showed; saving over a newer one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    locality: Mapped[Locality] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="venue", cascade="all, delete-orphan", order_by="Contact.id"
    )
    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        UniqueConstraint("locality_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_pair"),
    )

    def __repr__(self) -> str:
        return f"<Venue {self.id} {self.name}>"


class Contact(db.Model):
    """A contact person of an organization or of a venue (exactly one of the two)."""

    __tablename__ = "contacts"
    __audit_owner__ = "owner"  # festival/audit/recorder.py: written as a change of the organization or venue

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position_title: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(254), default="")

    organization: Mapped[Organization | None] = relationship(back_populates="contacts")
    venue: Mapped[Venue | None] = relationship(back_populates="contacts")

    __table_args__ = (CheckConstraint("(organization_id IS NULL) <> (venue_id IS NULL)", name="one_owner"),)

    @property
    def owner(self):
        return self.organization or self.venue
