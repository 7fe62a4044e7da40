"""A festival day that moves takes its program with it; new hours that would leave an item outside are refused."""

from __future__ import annotations

from datetime import date, time

import pytest

from festival.agenda import services as agenda
from festival.agenda.models import AgendaChange, AgendaItem
from festival.core.errors import DomainError
from festival.editions import services as editions
from festival.extensions import db


def _data(festival, day: date, start: time = time(8, 0), end: time = time(11, 0)) -> editions.FestivalData:
    return editions.FestivalData(
        locality=festival.locality, day=day, start=start, end=end, venue=festival.venue, hosts=list(festival.hosts)
    )


def test_moving_the_day_moves_every_item_at_the_same_time_of_day(world):
    festival, item = world["festival"], world["item"]
    agenda.publish_program(festival)
    start, end = item.local_start.time(), item.local_end.time()
    editions.save_festival(world["edition"], _data(festival, date(2027, 8, 12)), festival)
    db.session.expire_all()
    moved = db.session.get(AgendaItem, item.id)
    assert moved.local_start.date() == date(2027, 8, 12)
    assert (moved.local_start.time(), moved.local_end.time()) == (start, end)
    # Subscribers' calendars must see the change: a published item gets a new revision and a change-log line.
    assert moved.revision == 2
    assert db.session.query(AgendaChange).filter_by(item_id=item.id).count() == 1


def test_a_morning_program_moved_to_the_afternoon_keeps_its_order_and_gaps(world, make):
    festival, first = world["festival"], world["item"]  # 08:00-08:30
    second = make.agenda_item(festival, kind="results_report", minutes=(45, 60))  # 08:45-09:00
    editions.save_festival(world["edition"], _data(festival, date(2027, 8, 11), time(14, 0), time(17, 0)), festival)
    db.session.expire_all()
    times = [
        (db.session.get(AgendaItem, i.id).local_start, db.session.get(AgendaItem, i.id).local_end)
        for i in (first, second)
    ]
    assert [(a.strftime("%d/%m %H:%M"), b.strftime("%H:%M")) for a, b in times] == [
        ("11/08 14:00", "14:30"),
        ("11/08 14:45", "15:00"),
    ]


def test_hours_that_leave_an_item_outside_are_refused_and_nothing_changes(world):
    festival, item = world["festival"], world["item"]
    before = (festival.starts_at, item.starts_at)
    with pytest.raises(DomainError) as caught:
        # The item runs 08:00-08:30: twenty minutes from 09:00 hold it neither where it is nor moved with the start.
        editions.save_festival(world["edition"], _data(festival, date(2027, 8, 10), time(9, 0), time(9, 20)), festival)
    assert caught.value.code == "program_outside_day" and caught.value.field == "start"
    db.session.rollback()
    db.session.expire_all()
    assert (festival.starts_at, db.session.get(AgendaItem, item.id).starts_at) == before
