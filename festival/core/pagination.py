"""Pagination of a select() statement, shared by every list page."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

from festival.extensions import db

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if self.total == 0 else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def parse_page(value, default: int = 1) -> int:
    try:
        page = int(value)
    except (TypeError, ValueError):
        return default
    return max(1, page)


def paginate(stmt: Select, page: int = 1, per_page: int = DEFAULT_PER_PAGE, *, clamp: bool = True) -> Page:
    """Run one COUNT and one LIMIT/OFFSET query; scalars of the first column are the items.

    A page past the last shows the last one (`clamp`, what a list page wants), or is empty (what an API answers:
    the page asked for, with no item; no page query is run then).
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    pages = max(1, ceil(total / per_page))
    page = min(max(1, page), pages) if clamp else max(1, page)
    items: list = []
    if total > (page - 1) * per_page:
        items = list(db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total)
