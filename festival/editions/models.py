"""An edition is one festival year; a locality festival is one locality's festival day within it."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import to_local, utcnow
from festival.core.types import UTCDateTime
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization, Venue


class EditionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"

    @property
    def label(self):
        return {
            EditionStatus.DRAFT: _l("Draft"),
            EditionStatus.PUBLISHED: _l("Published"),
            EditionStatus.ARCHIVED: _l("Archived"),
        }[self]


class FestivalStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {
            FestivalStatus.PLANNED: _l("Planned"),
            FestivalStatus.CONFIRMED: _l("Confirmed"),
            FestivalStatus.HELD: _l("Held"),
            FestivalStatus.CANCELLED: _l("Cancelled"),
        }[self]


class Edition(db.Model):
    __tablename__ = "editions"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(SmallInteger, unique=True)
    theme: Mapped[str] = mapped_column(String(500), default="")
    season_start: Mapped[date] = mapped_column(Date)
    season_end: Mapped[date] = mapped_column(Date)
    main_day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=EditionStatus.DRAFT.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("season_start <= season_end", name="season_order"),
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status_known"),
    )

    @property
    def status_enum(self) -> EditionStatus:
        return EditionStatus(self.status)

    def __repr__(self) -> str:
        return f"<Edition {self.year}>"


festival_hosts = Table(
    "festival_hosts",
    db.metadata,
    Column("festival_id", Integer, ForeignKey("locality_festivals.id", ondelete="CASCADE"), primary_key=True),
    Column("organization_id", Integer, ForeignKey("organizations.id", ondelete="RESTRICT"), primary_key=True),
    Index("ix_festival_hosts_organization_id", "organization_id"),
)


class LocalityFestival(db.Model):
    __tablename__ = "locality_festivals"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)
    __audit_entity__ = "festival"  # festival/audit/recorder.py

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(ForeignKey("editions.id", ondelete="RESTRICT"))
    locality_id: Mapped[int] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_model_site: Mapped[bool] = mapped_column(Boolean, default=False)
    # The level that chose it as a model site: "nation" (the Ministry) or "province".
    model_site_level: Mapped[str | None] = mapped_column(String(20))
    # A practice run (diễn tập) may fall outside the season window.
    is_practice: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=FestivalStatus.PLANNED.value)
    notes: Mapped[str] = mapped_column(Text, default="")
    # When the program was first published (None: a draft, never shown publicly).
    program_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Optimistic locking: a form carries the version it showed; saving over a newer one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    edition: Mapped[Edition] = relationship()
    locality: Mapped[Locality] = relationship()
    venue: Mapped[Venue | None] = relationship()
    hosts: Mapped[list[Organization]] = relationship(secondary=festival_hosts, order_by=Organization.name)

    __table_args__ = (
        UniqueConstraint("edition_id", "locality_id"),
        Index("ix_locality_festivals_edition_starts", "edition_id", "starts_at"),
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint(
            "(is_model_site AND model_site_level IN ('nation', 'province'))"
            " OR (NOT is_model_site AND model_site_level IS NULL)",
            name="model_site_level",
        ),
        CheckConstraint("status IN ('planned', 'confirmed', 'held', 'cancelled')", name="status_known"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def status_enum(self) -> FestivalStatus:
        return FestivalStatus(self.status)

    @property
    def is_published(self) -> bool:
        return self.program_published_at is not None

    def audit_label(self) -> str:
        return self.locality.full_name

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)

    def __repr__(self) -> str:
        return f"<LocalityFestival {self.id} edition={self.edition_id} locality={self.locality_id}>"
