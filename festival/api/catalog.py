"""Queries of the read API that no HTML page shares: the public editions with their counts, and a unit's direct
children as an API page (a page past the last is empty, as every API list answers, not clamped as pages are)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from festival.agenda.published import PUBLIC_EDITION_STATUSES
from festival.core.errors import NotFound
from festival.core.pagination import Page, paginate
from festival.editions.models import Edition, LocalityFestival
from festival.editions.services import FIRST_YEAR, LAST_YEAR
from festival.extensions import db
from festival.localities.models import Locality


def _editions() -> Select:
    days = (
        select(func.count(LocalityFestival.id))
        .where(LocalityFestival.edition_id == Edition.id)
        .correlate(Edition)
        .scalar_subquery()
    )
    return select(Edition, days.label("festival_days")).where(Edition.status.in_(PUBLIC_EDITION_STATUSES))


def editions_page(page: int = 1, per_page: int = 20) -> Page:
    """Published and archived editions, newest first, each as (edition, number of festival days). Drafts are
    the organizers' work in progress: never listed."""
    stmt = _editions().order_by(Edition.year.desc())
    total = db.session.scalar(select(func.count(Edition.id)).where(Edition.status.in_(PUBLIC_EDITION_STATUSES)))
    offset = (page - 1) * per_page
    rows = db.session.execute(stmt.offset(offset).limit(per_page)).all() if offset < (total or 0) else []
    return Page(items=[(row[0], row[1]) for row in rows], page=page, per_page=per_page, total=total or 0)


def edition(year: int) -> tuple[Edition, int]:
    """A public edition by year and its number of festival days; a draft is not found (as an unknown year)."""
    # A year no edition can have finds nothing without asking the database (the column is a smallint).
    in_range = FIRST_YEAR <= year <= LAST_YEAR
    row = db.session.execute(_editions().where(Edition.year == year)).first() if in_range else None
    if row is None:
        raise NotFound(_l("No published edition of the festival has this year."), "edition_not_found")
    return row[0], row[1]


def children_page(parent: Locality, page: int = 1, per_page: int = 20) -> Page:
    """The direct children of `parent`, in official code order."""
    stmt = select(Locality).where(Locality.parent_id == parent.id).order_by(Locality.code)
    return paginate(stmt, page, per_page, clamp=False)
