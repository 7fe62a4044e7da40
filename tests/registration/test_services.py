"""Registration rules: consent, phone, the window, places, the waiting list and promotion, duplicates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError
from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration import quotas, services
from festival.registration.models import Registration, RegistrationQuota
from festival.registration.services import DuplicateRegistration, RegistrationData


@pytest.fixture
def quota(make, world):
    item = make.registrable_item(world["festival"], capacity=2)
    return quotas.ensure_quota(world["festival"], item)


def _data(**kw):
    values = {"full_name": "  Nguyễn   Thị Hoà ", "phone": "0912 345 678", "consent": True}
    values.update(kw)
    return RegistrationData(**values)


def test_registration_is_confirmed_with_phone_in_e164_and_a_long_token(quota):
    registration = services.register(quota, _data(email="hoa@example.vn"))
    assert registration.status == "confirmed"
    assert registration.phone == "+84912345678"
    assert registration.full_name == "Nguyễn Thị Hoà"
    assert len(registration.token) >= 43
    assert registration.consent_at is not None and registration.consent_version
    assert db.session.get(RegistrationQuota, quota.id).taken == 1
    mail = db.session.scalars(select(OutgoingMail)).one()
    assert mail.kind == "confirmation" and mail.to_address == "hoa@example.vn" and registration.token in mail.body_text


@pytest.mark.parametrize("phone", ["+84 912 345 678", "84912345678", "0912.345.678"])
def test_vietnamese_phone_formats_are_one_number(quota, phone):
    services.register(quota, _data())
    with pytest.raises(DuplicateRegistration) as caught:
        services.register(quota, _data(phone=phone, full_name="Người khác"))
    assert caught.value.code == "duplicate_phone" and caught.value.status == 409
    assert caught.value.existing is not None and caught.value.existing.phone == "+84912345678"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"consent": False}, "consent_required"),
        ({"phone": "12345"}, "phone_invalid"),
        ({"phone": ""}, "phone_required"),
        ({"full_name": "   "}, "name_required"),
        ({"email": "not-an-address"}, "email_invalid"),
    ],
)
def test_bad_input_is_refused_and_saves_nothing(quota, change, code):
    with pytest.raises(DomainError) as caught:
        services.register(quota, _data(**change))
    assert caught.value.code == code
    db.session.rollback()
    assert db.session.scalar(select(func.count(Registration.id))) == 0
    assert db.session.get(RegistrationQuota, quota.id).taken == 0


def test_full_quota_puts_people_on_the_waiting_list_and_cancelling_promotes_the_first(make, quota):
    first = make.registration(quota)
    make.registration(quota)
    waiting = [make.registration(quota, email=f"w{n}@example.vn") for n in range(2)]
    assert [w.status for w in waiting] == ["waiting", "waiting"]
    services.cancel(first)
    db.session.expire_all()
    assert first.status == "cancelled" and services.ticket_text(first) is None
    assert [db.session.get(Registration, w.id).status for w in waiting] == ["confirmed", "waiting"]
    assert db.session.get(RegistrationQuota, quota.id).taken == 2
    kinds = db.session.scalars(select(OutgoingMail.kind).where(OutgoingMail.to_address == "w0@example.vn")).all()
    assert sorted(kinds) == ["promotion", "waiting"]


def test_cancelling_twice_gives_the_place_back_once(make, quota):
    registration = make.registration(quota)
    services.cancel(registration)
    services.cancel(registration)
    assert db.session.get(RegistrationQuota, quota.id).taken == 0


def test_a_quota_without_waiting_list_refuses_when_full(make, quota):
    quota.waiting_list = False
    db.session.commit()
    make.registration(quota)
    make.registration(quota)
    with pytest.raises(DomainError) as caught:
        make.registration(quota)
    assert caught.value.code == "quota_full"


def test_the_window_opens_and_closes(quota):
    quota.opens_at = quota.item.starts_at - timedelta(days=1)
    db.session.commit()
    before = quota.opens_at - timedelta(minutes=1)
    with pytest.raises(DomainError) as caught:
        services.register(quota, _data(), now=before)
    assert caught.value.code == "registration_not_open"
    with pytest.raises(DomainError) as caught:
        services.register(quota, _data(), now=quota.item.starts_at)
    assert caught.value.code == "registration_closed"
    quota.accepting = False
    db.session.commit()
    with pytest.raises(DomainError) as caught:
        services.register(quota, _data())
    assert caught.value.code == "registration_closed"


def test_invitations_take_no_public_place_unless_the_quota_says_so(make, quota):
    invitation = make.invitation(quota, position_title="Chủ tịch UBND xã", affiliation="UBND xã Sóc Sơn")
    assert invitation.status == "confirmed" and not invitation.takes_place
    assert db.session.get(RegistrationQuota, quota.id).taken == 0
    quota.count_invitations = True
    db.session.commit()
    assert make.invitation(quota).takes_place
    assert db.session.get(RegistrationQuota, quota.id).taken == 1


def test_the_item_capacity_is_the_quota_capacity(make, quota):
    make.registration(quota)
    make.registration(quota)
    waiting = make.registration(quota)
    with pytest.raises(DomainError) as caught:
        quotas.follow_item_capacity(quota.item, 1)
    assert caught.value.code == "capacity_below_taken"
    grown = quotas.follow_item_capacity(quota.item, 3)
    assert grown is not None
    db.session.commit()
    assert [r.id for r in services.promote_waiting(grown)] == [waiting.id]
    assert db.session.get(Registration, waiting.id).status == "confirmed"


def test_deleting_an_item_with_registrations_is_refused(make, world):
    from festival.agenda.services import delete_item

    item = make.registrable_item(world["festival"], capacity=5, status="draft", published_at=None)
    quota = quotas.ensure_quota(world["festival"], item)
    make.invitation(quota)
    with pytest.raises(DomainError) as caught:
        delete_item(item)
    assert caught.value.code == "item_has_registrations"


def test_the_day_as_a_whole_is_named_by_the_unit_s_full_name(world):
    from flask_babel import force_locale

    quota = quotas.ensure_quota(world["festival"])
    with force_locale("vi"):
        assert quotas.title_of(quota) == "Ngày hội tại Xã Sóc Sơn"
    with force_locale("en"):
        assert quotas.title_of(quota) == "Festival day in Xã Sóc Sơn"
