"""The locality tree: nation → province → commune → residential area.

An adjacency list (parent_id) plus a materialized path of codes ("/VN/01/00004/"), so that a whole subtree is
one indexed range query on SQLite and PostgreSQL alike. Codes are the key: names and unit types change, codes
stay (docs/domain.md, "Administrative units").
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from festival.core.time import utcnow
from festival.core.types import UTCDateTime, binary_string
from festival.extensions import db

NATION_CODE = "VN"


class LocalityLevel(StrEnum):
    NATION = "nation"
    PROVINCE = "province"
    COMMUNE = "commune"
    RESIDENTIAL_AREA = "residential_area"

    @property
    def depth(self) -> int:
        return LEVEL_DEPTH[self]

    @property
    def label(self):
        return LEVEL_LABELS[self]


LEVEL_DEPTH = {
    LocalityLevel.NATION: 0,
    LocalityLevel.PROVINCE: 1,
    LocalityLevel.COMMUNE: 2,
    LocalityLevel.RESIDENTIAL_AREA: 3,
}
LEVEL_LABELS = {
    LocalityLevel.NATION: _l("Nation"),
    LocalityLevel.PROVINCE: _l("Province"),
    LocalityLevel.COMMUNE: _l("Commune"),
    LocalityLevel.RESIDENTIAL_AREA: _l("Residential area"),
}


class Locality(db.Model):
    __tablename__ = "localities"
    __public_data__ = True  # a change invalidates cached public fragments (festival/core/cache.py)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(binary_string(20), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("localities.id", ondelete="RESTRICT"))
    level: Mapped[str] = mapped_column(String(20))
    depth: Mapped[int] = mapped_column(SmallInteger)
    unit_type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    full_name: Mapped[str] = mapped_column(String(255))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    full_name_en: Mapped[str] = mapped_column(String(255), default="")
    # "/VN/01/00004/": the codes from the root down to this unit.
    path: Mapped[str] = mapped_column(binary_string(255), unique=True)
    # Folded, space-free search keys (core.text.search_key) of name and full name.
    search_name: Mapped[str] = mapped_column(binary_string(200))
    search_full: Mapped[str] = mapped_column(binary_string(255))
    # Vietnamese collation key of the name (core.text.sort_key).
    sort_key: Mapped[str] = mapped_column(binary_string(400))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    parent: Mapped[Locality | None] = relationship(remote_side=[id])

    # Search (localities.services.search_page) reads these two indexes only: the key orders the results, the code
    # breaks ties (one index order, no sort), and the other key lets one part of a search leave out the rows that
    # an earlier part already counted, so that every count is an index-only range scan.
    __table_args__ = (
        Index("ix_localities_depth_search_name", "depth", "search_name", "code", "search_full"),
        Index("ix_localities_depth_search_full", "depth", "search_full", "code", "search_name"),
        Index("ix_localities_parent_sort", "parent_id", "sort_key"),
    )

    @property
    def level_enum(self) -> LocalityLevel:
        return LocalityLevel(self.level)

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to the parent."""
        return [c for c in self.path.strip("/").split("/")[:-1] if c]

    def display_name(self, locale: str = "vi") -> str:
        if locale == "en" and self.full_name_en:
            return self.full_name_en
        return self.full_name

    def __repr__(self) -> str:
        return f"<Locality {self.code} {self.full_name}>"
