"""Queries over the locality tree: lookup by code, subtrees, ancestors; the search is in localities.search."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    and_,
    select,
)

from festival.core.errors import NotFound
from festival.core.pagination import Page, paginate
from festival.core.text import prefix_upper_bound
from festival.extensions import db
from festival.localities.models import NATION_CODE, Locality

# The search lives in its own module; its entry points are part of this service's interface.
from festival.localities.search import (  # noqa: F401
    SEARCH_LIMIT_MAX,
    SEARCH_QUERY_MAX,
    SEARCH_WINDOW,
    SearchPage,
    last_search_page,
    parse_level,
    search,
    search_page,
)


def subtree_clause(path_column, path: str) -> ColumnElement[bool]:
    """Rows whose path starts with `path`: one indexed range, the same on SQLite and PostgreSQL."""
    return and_(path_column >= path, path_column < prefix_upper_bound(path))


# Every code the importer accepts (2 digits, 5 digits, or a residential area's code) and the nation's "VN".
CODE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,19}")


def is_code(value) -> bool:
    """Whether `value` could be a unit's code: checked before any query (no NUL, no 10,000 characters)."""
    return isinstance(value, str) and CODE_RE.fullmatch(value) is not None


def get_by_code(code: str) -> Locality:
    if not is_code(code):
        # Not echoed back: it may be anything, of any length.
        raise NotFound(_l("That is not the code of an administrative unit."), "locality_not_found")
    locality = db.session.scalar(select(Locality).where(Locality.code == code))
    if locality is None:
        raise NotFound(_l("No administrative unit has the code %(code)s.", code=code), "locality_not_found")
    return locality


def find_by_code(code: str) -> Locality | None:
    if not is_code(code):
        return None
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
