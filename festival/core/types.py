"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """An aware datetime stored as UTC.

    SQLite keeps no tzinfo (docs/domain.md, "Time"): values are converted to UTC and stored naive, and come back aware.
    On PostgreSQL the column is `timestamp with time zone`. Naive values are refused: they are a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def binary_string(length: int) -> String:
    """A string compared byte by byte on every database (PostgreSQL's C collation, SQLite's default).

    Used for materialized paths and sort keys, whose prefix ranges and order must not depend on the server's
    locale.
    """
    return String(length).with_variant(String(length, collation="C"), "postgresql")
