"""Time rules (docs/domain.md, "Time"): store aware UTC, show local (Asia/Ho_Chi_Minh by default, no DST)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def local_zone() -> ZoneInfo:
    name = DEFAULT_TIMEZONE
    if has_app_context():
        name = current_app.config.get("FESTIVAL_TIMEZONE", DEFAULT_TIMEZONE)
    return ZoneInfo(name)


def utcnow() -> datetime:
    return datetime.now(UTC)


def today_local() -> date:
    return utcnow().astimezone(local_zone()).date()


def local_to_utc(day: date, at: time) -> datetime:
    """Combine a local date and wall-clock time into an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def to_local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(local_zone())


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC instants at which a local day starts and the next one starts."""
    start = local_to_utc(day, time(0, 0))
    end = local_to_utc(date.fromordinal(day.toordinal() + 1), time(0, 0))
    return start, end
