"""The offline bundle of a check-in list: what a phone needs to keep scanning with no network.

The public keys (to verify each ticket's Ed25519 signature on the phone), the valid tickets the list admits
(registration id, name, the item it is for or 0 for the whole day, invitation or not), the revoked (cancelled)
and waiting ones, and those already checked in. Tickets are arrays, not objects: 20,000 tickets stay far under
2 MB once compressed (bench/checkin.py measures it). The body holds no time of its own, so the same data gives
the same ETag and a phone refreshing it while nothing changed gets a 304.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from festival.agenda.models import AgendaItem
from festival.checkin import lists as list_rules
from festival.checkin.models import Admits, CheckIn, CheckinList
from festival.core.time import to_local
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.registration.models import Registration, RegistrationKind, RegistrationQuota, RegistrationStatus
from festival.registration.tickets import key_ring


def list_json(checkin_list: CheckinList) -> dict:
    opens, closes = list_rules.span(checkin_list)
    return {
        "id": checkin_list.id,
        "name": checkin_list.name,
        "festival_id": checkin_list.festival_id,
        "item_id": checkin_list.item_id,
        "admits": checkin_list.admits,
        "reentry": checkin_list.reentry,
        "opens_at": to_local(opens).isoformat(),
        "closes_at": to_local(closes).isoformat(),
    }


def tickets_statement(checkin_list: CheckinList):
    """The registrations a list is for, whatever their status (not erased)."""
    columns = (Registration.id, Registration.full_name, Registration.status, Registration.kind)
    statement = (
        select(*columns, RegistrationQuota.item_id)
        .join(RegistrationQuota, RegistrationQuota.id == Registration.quota_id)
        .where(RegistrationQuota.festival_id == checkin_list.festival_id, Registration.erased_at.is_(None))
    )
    if checkin_list.item_id is not None:
        statement = statement.where(
            or_(RegistrationQuota.item_id.is_(None), RegistrationQuota.item_id == checkin_list.item_id)
        )
    if checkin_list.admits == Admits.REGISTRATIONS.value:
        statement = statement.where(Registration.kind == RegistrationKind.REGISTRATION.value)
    elif checkin_list.admits == Admits.INVITATIONS.value:
        statement = statement.where(Registration.kind == RegistrationKind.INVITATION.value)
    return statement.order_by(Registration.id)


def build(checkin_list: CheckinList) -> dict:
    festival = db.session.get(LocalityFestival, checkin_list.festival_id)
    year = db.session.scalar(select(Edition.year).where(Edition.id == festival.edition_id))
    valid, revoked, waiting = [], [], []
    for r in db.session.execute(tickets_statement(checkin_list)):
        if r.status == RegistrationStatus.CONFIRMED.value:
            valid.append([r.id, r.full_name, r.item_id or 0, 1 if r.kind == RegistrationKind.INVITATION.value else 0])
        elif r.status == RegistrationStatus.CANCELLED.value:
            revoked.append(r.id)
        else:
            waiting.append(r.id)
    items = {
        str(item_id): title
        for item_id, title in db.session.execute(
            select(AgendaItem.id, AgendaItem.title).where(AgendaItem.festival_id == checkin_list.festival_id)
        )
    }
    checked_in = [
        [registration_id, to_local(at).isoformat()]
        for registration_id, at in db.session.execute(
            select(CheckIn.registration_id, CheckIn.checked_in_at)
            .where(CheckIn.list_id == checkin_list.id)
            .order_by(CheckIn.registration_id)
        )
    ]
    return {
        "list": {**list_json(checkin_list), "year": year, "day_title": festival.locality.full_name},
        "keys": key_ring().published(),
        "items": items,
        "ticket_fields": ["registration_id", "name", "item_id", "invitation"],
        "tickets": valid,
        "revoked": revoked,
        "waiting": waiting,
        "checked_in": checked_in,
    }
