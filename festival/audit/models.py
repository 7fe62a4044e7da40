"""The audit log's table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from festival.core.time import utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # The account's name at the time ("" for a command run on the server).
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(20))  # create, update, delete
    entity: Mapped[str] = mapped_column(String(30))  # festival, agenda_item, organization, venue, ...
    entity_id: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(300), default="")
    # The path of the locality the record belongs to: organizers see the entries of their subtree.
    locality_path: Mapped[str] = mapped_column(binary_string(255), default="")
    # {"field": [before, after]}; for a created record {"field": [null, value]}.
    changes: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (
        Index("ix_audit_entries_path_at", "locality_path", "at"),
        Index("ix_audit_entries_entity", "entity", "entity_id"),
    )
