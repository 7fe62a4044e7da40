"""Time rules: aware UTC in the database (SQLite keeps no tzinfo), Asia/Ho_Chi_Minh (UTC+7, no DST) on screen."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from festival.core.time import local_day_bounds, local_to_utc, local_zone, to_local, today_local, utcnow
from festival.core.types import UTCDateTime
from festival.localities.models import Locality

SEVEN_HOURS = timedelta(hours=7)
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def locality_rows(database) -> list[tuple]:
    database.session.expire_all()
    return sorted(tuple(row) for row in database.session.execute(select(Locality.__table__).order_by("code")))


def stored_created_at(database, code: str) -> str:
    """The value as the database holds it, in UTC, read without the column type's processing."""
    if database.engine.dialect.name == "postgresql":
        sql = "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM localities WHERE code = :c"
    else:
        sql = "SELECT substr(created_at, 1, 19) FROM localities WHERE code = :c"
    return database.session.scalar(text(sql), {"c": code})


# --- UTCDateTime through the database ----------------------------------------------------------------------------


def test_aware_datetime_round_trips_as_aware_utc(make, database):
    unit = make.tree()["00004"]
    local_moment = datetime(2026, 8, 19, 8, 30, 15, 123456, tzinfo=HANOI)
    unit.created_at = local_moment
    database.session.commit()
    database.session.expire_all()

    loaded = database.session.scalar(select(Locality).where(Locality.code == "00004"))
    assert loaded.created_at == local_moment
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.created_at == datetime(2026, 8, 19, 1, 30, 15, 123456, tzinfo=UTC)
    # Stored as the UTC instant (01:30), not as the local wall clock (08:30).
    assert stored_created_at(database, "00004") == "2026-08-19 01:30:15"


def test_column_queries_return_aware_utc_too(make, database):
    make.tree()
    moment = datetime(2027, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=-5)))
    database.session.execute(Locality.__table__.update().where(Locality.code == "01").values(created_at=moment))
    database.session.commit()
    value = database.session.scalar(select(Locality.created_at).where(Locality.code == "01"))
    assert value == moment
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
    assert (value.year, value.month, value.day, value.hour) == (2027, 1, 1, 5)


def test_defaults_are_aware_utc_now(make, database):
    before = utcnow()
    make.tree()
    after = utcnow()
    database.session.expire_all()
    unit = database.session.scalar(select(Locality).where(Locality.code == "38"))
    assert unit.created_at.utcoffset() == timedelta(0)
    # The database may keep microseconds only: allow the truncation.
    assert before - timedelta(seconds=1) <= unit.created_at <= after


def test_a_comparison_against_an_aware_bound_parameter_works(make, database):
    make.tree()
    moment = datetime(2026, 8, 19, 1, 0, tzinfo=UTC)
    database.session.execute(Locality.__table__.update().values(created_at=moment))
    database.session.commit()
    same_instant_in_hanoi = datetime(2026, 8, 19, 8, 0, tzinfo=HANOI)
    found = database.session.scalars(select(Locality.code).where(Locality.created_at == same_instant_in_hanoi)).all()
    later = database.session.scalars(
        select(Locality.code).where(Locality.created_at > same_instant_in_hanoi + timedelta(seconds=1))
    ).all()
    assert len(found) == database.session.scalar(select(func.count()).select_from(Locality)) > 1
    assert later == []


def test_naive_datetime_is_refused_and_nothing_is_written(make, database):
    make.tree()
    before = locality_rows(database)
    unit = database.session.scalar(select(Locality).where(Locality.code == "00070"))
    unit.created_at = datetime(2026, 8, 19, 8, 0)
    with pytest.raises(StatementError) as info:
        database.session.flush()
    assert isinstance(info.value.orig, ValueError)
    assert "naive" in str(info.value.orig)
    database.session.rollback()
    assert locality_rows(database) == before


def test_type_passes_none_through(database):
    dialect = database.engine.dialect
    column_type = UTCDateTime()
    assert column_type.process_bind_param(None, dialect) is None
    assert column_type.process_result_value(None, dialect) is None


# --- local time --------------------------------------------------------------------------------------------------


def test_local_to_utc_subtracts_seven_hours():
    moment = local_to_utc(date(2026, 8, 19), time(8, 0))
    assert moment == datetime(2026, 8, 19, 1, 0, tzinfo=UTC)
    assert moment.utcoffset() == timedelta(0)


def test_local_midnight_is_the_previous_utc_day():
    assert local_to_utc(date(2026, 1, 1), time(0, 0)) == datetime(2025, 12, 31, 17, 0, tzinfo=UTC)


def test_to_local_adds_seven_hours():
    local = to_local(datetime(2026, 8, 18, 20, 30, tzinfo=UTC))
    assert local.utcoffset() == SEVEN_HOURS
    assert (local.date(), local.time()) == (date(2026, 8, 19), time(3, 30))


def test_to_local_reads_naive_values_as_utc_and_keeps_none():
    assert to_local(datetime(2026, 8, 19, 1, 0)) == datetime(2026, 8, 19, 8, 0, tzinfo=HANOI)
    assert to_local(None) is None


@pytest.mark.parametrize("year", [2005, 2026, 2040])
def test_no_daylight_saving_all_year(year):
    for month in range(1, 13):
        for day in (1, 15, 28):
            moment = local_to_utc(date(year, month, day), time(12, 0))
            assert to_local(moment).utcoffset() == SEVEN_HOURS
            assert to_local(moment).replace(tzinfo=None) == datetime(year, month, day, 12, 0)


def test_round_trip_local_to_utc_and_back():
    for hour in range(24):
        day, at = date(2026, 8, 19), time(hour, 15)
        back = to_local(local_to_utc(day, at))
        assert (back.date(), back.time()) == (day, at)


def test_local_day_bounds_are_a_local_day_apart():
    start, end = local_day_bounds(date(2026, 8, 19))
    assert start == datetime(2026, 8, 18, 17, 0, tzinfo=UTC)
    assert end == datetime(2026, 8, 19, 17, 0, tzinfo=UTC)
    # The last day of a month and of a year roll over.
    assert local_day_bounds(date(2026, 12, 31))[1] == datetime(2026, 12, 31, 17, 0, tzinfo=UTC)


def test_today_local_is_the_date_in_vietnam():
    before = datetime.now(HANOI).date()
    today = today_local()
    after = datetime.now(HANOI).date()
    assert today in {before, after}


def test_zone_outside_the_app_is_ho_chi_minh():
    assert local_zone() == HANOI


def test_zone_follows_the_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "FESTIVAL_TIMEZONE", "Asia/Tokyo")
    with app.app_context():
        assert local_zone() == ZoneInfo("Asia/Tokyo")
        assert local_to_utc(date(2026, 8, 19), time(9, 0)) == datetime(2026, 8, 19, 0, 0, tzinfo=UTC)
    with app.app_context():
        monkeypatch.undo()
        assert local_zone() == HANOI
