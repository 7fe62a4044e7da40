"""Rules shared by the agenda services: the province a festival belongs to, stale versions, committing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from festival.core.errors import DomainError
from festival.extensions import db

TITLE_MAX = 300
NAME_MAX = 200


def province_path(path: str) -> str:
    """The path of the province a locality lies in ("/VN/01/00376/" → "/VN/01/"); the nation's own path."""
    codes = [c for c in path.strip("/").split("/") if c]
    return "/" + "/".join(codes[:2]) + "/"


def in_province_or_above(path: str, festival_path: str) -> bool:
    """An organization of the festival's province (any level inside it) or of a level above it (the nation)."""
    province = province_path(festival_path)
    return path.startswith(province) or province.startswith(path)


def stale_error() -> DomainError:
    return DomainError(
        _l("Someone else changed this record meanwhile: here is the newer version; make your change again."),
        "stale_version",
        status=409,
    )


def check_version(record, expected_version: int | None) -> None:
    if record is not None and expected_version is not None and expected_version != record.version:
        raise stale_error()


def commit() -> None:
    """Commit; a concurrent writer's newer version (SQLAlchemy's version counter) becomes `stale_version`."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise stale_error() from None
