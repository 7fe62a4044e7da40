"""Quota settings: opening the festival day as a whole with a capacity, windows typed dd/mm/yyyy HH:MM in local
time, switches, the coded refusals, and a raised capacity moving the waiting list up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.extensions import db
from festival.registration import quotas
from festival.registration.models import Registration, RegistrationQuota
from tests.accounts.support import form_fields
from tests.conftest import post_form


def quota_form(prefix: str, **values) -> dict:
    data = {"form": prefix, f"{prefix}-opens_day": "", f"{prefix}-opens_time": "", f"{prefix}-closes_day": "",
            f"{prefix}-closes_time": "", f"{prefix}-accepting": "y", f"{prefix}-waiting_list": "y"}  # fmt: skip
    data.update({f"{prefix}-{key}": value for key, value in values.items()})
    return {key: value for key, value in data.items() if value is not None}


def day_quota(world) -> RegistrationQuota | None:
    db.session.expire_all()
    return quotas.quota_for(world["festival"])


def test_opening_the_whole_day_with_a_capacity_and_a_window(orga, world, base):
    page = orga.get(f"{base}/quotas").get_data(as_text=True)
    assert "Open registration for the festival day as a whole" in page
    data = quota_form("quota-day", capacity="150", opens_day="01/07/2027", opens_time="07:30",
                      closes_day="09/08/2027", closes_time="17:00")  # fmt: skip
    response = post_form(orga, f"{base}/quotas", data)
    assert response.status_code == 302
    quota = day_quota(world)
    assert quota.capacity == 150 and quota.accepting and quota.waiting_list and not quota.count_invitations
    assert quota.opens_at.astimezone(UTC) == datetime(2027, 7, 1, 0, 30, tzinfo=UTC)  # 07:30 in Hà Nội
    assert quota.closes_at.astimezone(UTC) == datetime(2027, 8, 9, 10, 0, tzinfo=UTC)
    fields = form_fields(orga.get(f"{base}/quotas").get_data(as_text=True))
    assert fields["quota-day-opens_day"].value == "01/07/2027"
    assert fields["quota-day-closes_time"].value == "17:00"
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "quota")) is not None


def test_closing_before_opening_is_refused_and_keeps_what_was_typed(orga, world, base):
    data = quota_form("quota-day", capacity="80", opens_day="09/08/2027", closes_day="01/07/2027")
    response = post_form(orga, f"{base}/quotas", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Registration must close after it opens." in page
    fields = form_fields(page)
    assert fields["quota-day-capacity"].value == "80" and fields["quota-day-closes_day"].value == "01/07/2027"


def test_a_bad_date_and_a_bad_capacity_are_told_not_saved(orga, world, base):
    response = post_form(orga, f"{base}/quotas", quota_form("quota-day", capacity="0", opens_day="31/02/2027"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not a valid date" in page
    assert day_quota(world) is None


def open_day(world, capacity: int) -> RegistrationQuota:
    """The whole day open to the public (program published) with `capacity` places."""
    from festival.attendees.services import day_quota as saved_day_quota

    festival = world["festival"]
    festival.program_published_at = festival.starts_at - timedelta(days=30)
    quota = saved_day_quota(festival)
    quota.capacity = capacity
    db.session.commit()
    return quota


def test_capacity_below_places_taken_is_refused(orga, make, world, base):
    quota = open_day(world, 5)
    for number in range(3):
        make.registration(quota, f"Người {number}", f"0913 300 {number:03d}")
    response = post_form(orga, f"{base}/quotas", quota_form("quota-day", capacity="2"))
    assert response.status_code == 422
    assert "3 places are already taken" in response.get_data(as_text=True)
    assert day_quota(world).capacity == 5


def test_raising_the_capacity_moves_the_waiting_list_up(orga, make, world, base):
    quota = open_day(world, 1)
    make.registration(quota, "Người đầu", "0913 400 001")
    waiting = make.registration(quota, "Người chờ", "0913 400 002")
    assert waiting.status == "waiting"
    response = post_form(orga, f"{base}/quotas", quota_form("quota-day", capacity="2"), follow_redirects=True)
    assert "1 person moved up from the waiting list." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == "confirmed"


def test_an_items_switches_are_saved_but_its_capacity_stays_the_items(orga, world, tickets, base):
    item = tickets["item"]
    prefix = f"quota-{item.id}"
    data = quota_form(prefix, capacity="99", accepting=None, waiting_list=None, count_invitations="y")
    assert post_form(orga, f"{base}/quotas", data).status_code == 302
    db.session.expire_all()
    quota = db.session.get(RegistrationQuota, tickets["quota"].id)
    assert (quota.accepting, quota.waiting_list, quota.count_invitations) == (False, False, True)
    assert quota.capacity == 1


def test_a_made_up_form_or_another_festivals_item_is_refused(orga, make, world, base):
    from festival.editions.models import LocalityFestival

    ba_dinh = db.session.scalar(select(LocalityFestival).where(LocalityFestival.id != world["festival"].id).limit(1))
    other = make.registrable_item(ba_dinh)
    assert post_form(orga, f"{base}/quotas", quota_form("quota-x"), page=f"{base}/quotas").status_code == 400
    response = post_form(orga, f"{base}/quotas", quota_form(f"quota-{other.id}"), page=f"{base}/quotas")
    assert response.status_code == 422
    assert quotas.quota_for(other.festival, other) is None
