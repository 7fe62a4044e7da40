"""Queries over the locality tree: lookup by code, subtrees, ancestors, accent-insensitive search."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, select

from festival.core.errors import NotFound
from festival.core.pagination import Page, paginate
from festival.core.text import prefix_upper_bound, search_key
from festival.extensions import db
from festival.localities.models import LEVEL_DEPTH, NATION_CODE, Locality, LocalityLevel

SEARCH_LIMIT_MAX = 50


def subtree_clause(path_column, path: str) -> ColumnElement[bool]:
    """Rows whose path starts with `path`: one indexed range, the same on SQLite and PostgreSQL."""
    return and_(path_column >= path, path_column < prefix_upper_bound(path))


def get_by_code(code: str) -> Locality:
    locality = db.session.scalar(select(Locality).where(Locality.code == code))
    if locality is None:
        from flask_babel import lazy_gettext as _l

        raise NotFound(_l("No administrative unit has the code %(code)s.", code=code), "locality_not_found")
    return locality


def find_by_code(code: str) -> Locality | None:
    return db.session.scalar(select(Locality).where(Locality.code == code))


def nation() -> Locality | None:
    return find_by_code(NATION_CODE)


def ancestors(locality: Locality) -> list[Locality]:
    """From the root down to the parent, in one query."""
    codes = locality.ancestor_codes
    if not codes:
        return []
    rows = db.session.scalars(select(Locality).where(Locality.code.in_(codes))).all()
    by_code = {row.code: row for row in rows}
    return [by_code[c] for c in codes if c in by_code]


def children(locality: Locality, page: int = 1, per_page: int = 50) -> Page:
    stmt = select(Locality).where(Locality.parent_id == locality.id).order_by(Locality.sort_key, Locality.code)
    return paginate(stmt, page, per_page)


def search(
    query: str,
    limit: int = 20,
    *,
    level: LocalityLevel | None = None,
    within: Locality | None = None,
) -> list[Locality]:
    """Accent-, case- and spacing-insensitive prefix search on name, full name and code.

    Each level is searched on its own index ((depth, key) with a key range and a LIMIT), higher levels
    first, so every query reads at most `limit` rows per index whatever the size of the tree: provinces
    come before communes, communes before residential areas. The final list is sorted in Vietnamese order
    within each level.
    """
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    key = search_key(query)
    if not key:
        return []
    depths = [LEVEL_DEPTH[level]] if level else sorted(LEVEL_DEPTH.values())
    found: dict[int, Locality] = {}
    for depth in depths:
        for column in (Locality.search_name, Locality.search_full, Locality.code):
            if len(found) >= limit:
                break
            if column is Locality.code and not key.isdigit():
                continue
            stmt = (
                select(Locality)
                .where(Locality.depth == depth, column >= key, column < prefix_upper_bound(key))
                .order_by(column)
                .limit(limit - len(found))
            )
            if within is not None:
                stmt = stmt.where(subtree_clause(Locality.path, within.path))
            if found:
                stmt = stmt.where(Locality.id.not_in(list(found)))
            for row in db.session.scalars(stmt):
                found[row.id] = row
    return sorted(found.values(), key=lambda loc: (loc.depth, loc.sort_key, loc.code))
