"""Queries over the locality tree: lookup by code, subtrees, ancestors, accent-insensitive search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, and_, literal, select, union_all

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


SEARCH_COLUMNS = (Locality.search_name, Locality.search_full)


def search_statement(depth: int | None, column, key: str, limit: int, *, within: Locality | None = None) -> Select:
    """One part of a search: the ids of the rows at `depth` whose `column` starts with `key`, in `column` order.

    The predicate is a range over the (depth, column) index — or over the unique code index for `Locality.code`,
    with depth=None — so each part is one index range scan that stops after `limit` rows, on both databases:
    the keys are binary strings (PostgreSQL's C collation, see core.types.binary_string), so their prefix range
    is indexable where LIKE 'key%' under a locale collation would not be. Tests run EXPLAIN on this statement.
    """
    stmt = select(Locality.id).where(column >= key, column < prefix_upper_bound(key)).order_by(column).limit(limit)
    if depth is not None:
        stmt = stmt.where(Locality.depth == depth)
    if within is not None:
        stmt = stmt.where(subtree_clause(Locality.path, within.path))
    return stmt


def search(
    query: str,
    limit: int = 20,
    *,
    level: LocalityLevel | None = None,
    within: Locality | None = None,
) -> list[Locality]:
    """Accent-, case- and spacing-insensitive prefix search on name, full name and (for digits) code.

    One statement: a UNION ALL of index range scans, one per level and key column, each limited to `limit`
    rows, so a query reads at most a few hundred index entries whatever the size of the tree and costs one
    round trip. Higher levels win the places: provinces before communes, communes before residential areas;
    the final list is in Vietnamese order within each level.
    """
    limit = max(1, min(limit, SEARCH_LIMIT_MAX))
    key = search_key(query)
    if not key:
        return []
    depths = [LEVEL_DEPTH[level]] if level else sorted(LEVEL_DEPTH.values())
    parts = [
        (depth, search_statement(depth, column, key, limit, within=within))
        for depth in depths
        for column in SEARCH_COLUMNS
    ]
    if key.isdigit():
        code_part = search_statement(None, Locality.code, key, limit, within=within)
        if level is not None:
            code_part = code_part.where(Locality.depth == LEVEL_DEPTH[level])
        parts.append((-1, code_part))
    # SQLite wants each LIMITed member of a compound SELECT wrapped in a subquery.
    union = union_all(
        *(select(part.subquery().c.id, literal(rank).label("rank")) for rank, (_depth, part) in enumerate(parts))
    ).subquery()
    rows = db.session.execute(select(Locality, union.c.rank).join(union, Locality.id == union.c.id)).all()
    best: dict[int, tuple[int, Locality]] = {}
    for locality, rank in rows:
        if locality.id not in best or rank < best[locality.id][0]:
            best[locality.id] = (rank, locality)
    chosen = sorted(best.values(), key=lambda item: (item[1].depth, item[0], item[1].sort_key))[:limit]
    return sorted((loc for _rank, loc in chosen), key=lambda loc: (loc.depth, loc.sort_key, loc.code))
