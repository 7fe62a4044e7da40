"""Agenda items and what hangs on them.

A festival day's program has two parts, each in its customary order: the ceremony (phần lễ) and the festivities
(phần hội). An item is drafted, then published with its festival's program; after that every change to its time,
venue, title or status raises its `revision` (the calendar feeds' SEQUENCE) and is written to the change log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import to_local, utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization, Venue


class Part(StrEnum):
    CEREMONY = "ceremony"  # phần lễ
    FESTIVITIES = "festivities"  # phần hội

    @property
    def label(self):
        return {Part.CEREMONY: _l("Ceremony"), Part.FESTIVITIES: _l("Festivities")}[self]


class ItemKind(StrEnum):
    """Kinds of agenda item, ceremony kinds first in their customary order."""

    WELCOME_PERFORMANCE = "welcome_performance"
    FLAG_SALUTE = "flag_salute"
    OPENING = "opening"  # statement of purpose and introduction of delegates
    RESULTS_REPORT = "results_report"
    DISCUSSION = "discussion"
    COMMENDATIONS = "commendations"  # announcement of commendations and presentation of awards
    DELEGATE_GIFTS = "delegate_gifts"  # speeches and gifts from higher-level delegates
    HOST_REPLY = "host_reply"
    SIGNING = "signing"  # coordination regulations, joint plans, emulation pledges
    ARTS = "arts"
    SPORTS = "sports"
    CONTEST = "contest"  # contests and legal-knowledge quizzes
    FORUM = "forum"  # "Công an lắng nghe ý kiến Nhân dân"
    HOUSEHOLD_GIFTS = "household_gifts"  # gifts to poor households and policy families
    HEALTH_CHECKUP = "health_checkup"
    EXHIBITION = "exhibition"
    OTHER = "other"

    @property
    def label(self):
        return ITEM_KIND_LABELS[self]

    @property
    def part(self) -> Part:
        return Part.CEREMONY if self in CEREMONY_KINDS else Part.FESTIVITIES


CEREMONY_KINDS = (
    ItemKind.WELCOME_PERFORMANCE,
    ItemKind.FLAG_SALUTE,
    ItemKind.OPENING,
    ItemKind.RESULTS_REPORT,
    ItemKind.DISCUSSION,
    ItemKind.COMMENDATIONS,
    ItemKind.DELEGATE_GIFTS,
    ItemKind.HOST_REPLY,
    ItemKind.SIGNING,
)

ITEM_KIND_LABELS = {
    ItemKind.WELCOME_PERFORMANCE: _l("Welcome performance"),
    ItemKind.FLAG_SALUTE: _l("Flag salute"),
    ItemKind.OPENING: _l("Opening and introduction of delegates"),
    ItemKind.RESULTS_REPORT: _l("Report on the movement’s results"),
    ItemKind.DISCUSSION: _l("Discussion and sharing of experience"),
    ItemKind.COMMENDATIONS: _l("Announcement of commendations"),
    ItemKind.DELEGATE_GIFTS: _l("Speeches and gifts from delegates"),
    ItemKind.HOST_REPLY: _l("Reply of the host"),
    ItemKind.SIGNING: _l("Signing of coordination regulations"),
    ItemKind.ARTS: _l("Arts performance"),
    ItemKind.SPORTS: _l("Sports"),
    ItemKind.CONTEST: _l("Contest or quiz"),
    ItemKind.FORUM: _l("Forum “Công an lắng nghe ý kiến Nhân dân”"),
    ItemKind.HOUSEHOLD_GIFTS: _l("Gifts to households"),
    ItemKind.HEALTH_CHECKUP: _l("Health check-up"),
    ItemKind.EXHIBITION: _l("Exhibition"),
    ItemKind.OTHER: _l("Other"),
}


class ItemStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"

    @property
    def label(self):
        return {
            ItemStatus.DRAFT: _l("Draft"),
            ItemStatus.PUBLISHED: _l("Published"),
            ItemStatus.CANCELLED: _l("Cancelled"),
        }[self]


class ParticipantRole(StrEnum):
    HOST = "host"
    CO_ORGANIZER = "co_organizer"
    PERFORMER = "performer"
    SPONSOR = "sponsor"
    SIGNATORY = "signatory"
    AWARDEE = "awardee"

    @property
    def label(self):
        return {
            ParticipantRole.HOST: _l("Host"),
            ParticipantRole.CO_ORGANIZER: _l("Co-organizer"),
            ParticipantRole.PERFORMER: _l("Performer"),
            ParticipantRole.SPONSOR: _l("Sponsor"),
            ParticipantRole.SIGNATORY: _l("Signatory"),
            ParticipantRole.AWARDEE: _l("Awardee"),
        }[self]


class AgendaItem(db.Model):
    __tablename__ = "agenda_items"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)
    __audit_entity__ = "agenda_item"  # festival/audit/recorder.py

    id: Mapped[int] = mapped_column(primary_key=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id", ondelete="SET NULL"))
    capacity: Mapped[int | None] = mapped_column(Integer)
    takes_registrations: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default=ItemStatus.DRAFT.value)
    # Order within its part, from 1.
    position: Mapped[int] = mapped_column(Integer, default=1)
    # Raised by every published change of time, venue, title or status: the calendar feeds' SEQUENCE.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Optimistic locking: a form carries the version it showed; saving over a newer one is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    festival: Mapped[LocalityFestival] = relationship()
    venue: Mapped[Venue | None] = relationship()
    people: Mapped[list[AgendaPerson]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="AgendaPerson.position"
    )
    participants: Mapped[list[AgendaParticipant]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="AgendaParticipant.id"
    )

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="time_order"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("part IN ('ceremony', 'festivities')", name="part_known"),
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        Index("ix_agenda_items_festival_order", "festival_id", "part", "position"),
        Index("ix_agenda_items_venue_starts", "venue_id", "starts_at"),
        Index("ix_agenda_items_starts_at", "starts_at"),
        Index("ix_agenda_items_updated_at", "updated_at"),
    )

    @property
    def part_enum(self) -> Part:
        return Part(self.part)

    @property
    def kind_enum(self) -> ItemKind:
        return ItemKind(self.kind)

    @property
    def status_enum(self) -> ItemStatus:
        return ItemStatus(self.status)

    @property
    def local_start(self) -> datetime:
        return to_local(self.starts_at)

    @property
    def local_end(self) -> datetime:
        return to_local(self.ends_at)

    def audit_path(self) -> str:
        return self.festival.locality.path

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} {self.kind} festival={self.festival_id}>"


class AgendaPerson(db.Model):
    """A person responsible for an item (full name in one field, and position)."""

    __tablename__ = "agenda_people"
    __public_data__ = True
    __audit_owner__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    position_title: Mapped[str] = mapped_column(String(200), default="")
    # Folded, space-free full name (core.text.search_key): the same person across festivals, whatever the accents.
    name_key: Mapped[str] = mapped_column(binary_string(200), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)

    item: Mapped[AgendaItem] = relationship(back_populates="people")


class AgendaParticipant(db.Model):
    """An organization taking part in an item, with its role."""

    __tablename__ = "agenda_participants"
    __public_data__ = True
    __audit_owner__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    item: Mapped[AgendaItem] = relationship(back_populates="participants")
    organization: Mapped[Organization] = relationship()

    __table_args__ = (
        db.UniqueConstraint("item_id", "organization_id", "role"),
        CheckConstraint(
            "role IN ('host', 'co_organizer', 'performer', 'sponsor', 'signatory', 'awardee')", name="role_known"
        ),
    )

    @property
    def role_enum(self) -> ParticipantRole:
        return ParticipantRole(self.role)

    def audit_label(self) -> str:
        return f"{self.organization.name} ({self.role})" if self.organization else self.role


class AgendaChange(db.Model):
    """One published change of an item: which revision it made and the fields before and after."""

    __tablename__ = "agenda_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    festival_id: Mapped[int] = mapped_column(ForeignKey("locality_festivals.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # {"field": [before, after]}, values as JSON (times in ISO 8601 with the offset).
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    item: Mapped[AgendaItem] = relationship()


class CommendationLevel(StrEnum):
    MINISTRY_MERIT = "ministry_merit"  # Bằng khen of the Minister of Public Security
    PROVINCE_MERIT = "province_merit"  # Bằng khen of the provincial People's Committee
    COMMUNE_CERTIFICATE = "commune_certificate"  # Giấy khen of the commune
    MEDAL = "medal"  # Kỷ niệm chương

    @property
    def label(self):
        return {
            CommendationLevel.MINISTRY_MERIT: _l("Certificate of merit of the Minister of Public Security"),
            CommendationLevel.PROVINCE_MERIT: _l("Certificate of merit of the provincial People’s Committee"),
            CommendationLevel.COMMUNE_CERTIFICATE: _l("Certificate of the commune"),
            CommendationLevel.MEDAL: _l("Commemorative medal"),
        }[self]


class RecipientKind(StrEnum):
    ORGANIZATION = "organization"
    RESIDENTIAL_AREA = "residential_area"
    PERSON = "person"

    @property
    def label(self):
        return {
            RecipientKind.ORGANIZATION: _l("Organization"),
            RecipientKind.RESIDENTIAL_AREA: _l("Residential area"),
            RecipientKind.PERSON: _l("Person"),
        }[self]


class Commendation(db.Model):
    """A commendation announced at a ceremony item, to a collective (an organization or a residential area) or a
    person."""

    __tablename__ = "commendations"
    __public_data__ = True
    __audit_entity__ = "commendation"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(30))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)
    locality_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"))
    person_name: Mapped[str] = mapped_column(String(200), default="")
    person_position: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    organization: Mapped[Organization | None] = relationship()
    locality: Mapped[Locality | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint(
            "level IN ('ministry_merit', 'province_merit', 'commune_certificate', 'medal')", name="level_known"
        ),
        CheckConstraint(
            "(recipient_kind = 'organization' AND organization_id IS NOT NULL)"
            " OR (recipient_kind = 'residential_area' AND locality_id IS NOT NULL)"
            " OR (recipient_kind = 'person' AND person_name <> '')",
            name="recipient_given",
        ),
    )

    def audit_path(self) -> str:
        return self.item.festival.locality.path

    def audit_label(self) -> str:
        if self.organization is not None:
            return self.organization.name
        if self.locality is not None:
            return self.locality.full_name
        return self.person_name


class SigningKind(StrEnum):
    COORDINATION_REGULATION = "coordination_regulation"  # quy chế phối hợp
    JOINT_PLAN = "joint_plan"  # kế hoạch liên tịch
    EMULATION_PLEDGE = "emulation_pledge"  # giao ước thi đua

    @property
    def label(self):
        return {
            SigningKind.COORDINATION_REGULATION: _l("Coordination regulation"),
            SigningKind.JOINT_PLAN: _l("Joint plan"),
            SigningKind.EMULATION_PLEDGE: _l("Emulation pledge"),
        }[self]


class Signing(db.Model):
    """A document signed at an item, with its parties (organizations)."""

    __tablename__ = "signings"
    __public_data__ = True
    __audit_entity__ = "signing"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    notes: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[AgendaItem] = relationship()
    parties: Mapped[list[SigningParty]] = relationship(
        back_populates="signing", cascade="all, delete-orphan", order_by="SigningParty.id"
    )

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        CheckConstraint("kind IN ('coordination_regulation', 'joint_plan', 'emulation_pledge')", name="kind_known"),
    )

    def audit_path(self) -> str:
        return self.item.festival.locality.path


class SigningParty(db.Model):
    __tablename__ = "signing_parties"
    __public_data__ = True
    __audit_owner__ = "signing"

    id: Mapped[int] = mapped_column(primary_key=True)
    signing_id: Mapped[int] = mapped_column(ForeignKey("signings.id", ondelete="CASCADE"))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)

    signing: Mapped[Signing] = relationship(back_populates="parties")
    organization: Mapped[Organization] = relationship()

    __table_args__ = (db.UniqueConstraint("signing_id", "organization_id"),)

    def audit_label(self) -> str:
        return self.organization.name if self.organization else ""
