"""Registration rules: the window, consent, one active registration per phone, places and the waiting list.

Views (HTML and the API) call these functions and translate their coded errors; nothing here touches the
request. Each writing function commits its own transaction, and queues its e-mail in that same transaction
(festival/mail/outbox.py), so a registration and the mail that reports it are saved together or not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.core.db import commit_unique
from festival.core.errors import DomainError, NotFound
from festival.core.text import nfc, printable, search_key
from festival.core.time import utcnow
from festival.core.web import public_base
from festival.extensions import db
from festival.organizations.contacts import normalise_email, normalise_phone
from festival.registration import capacity, notify
from festival.registration.models import (
    Registration,
    RegistrationKind,
    RegistrationQuota,
    RegistrationStatus,
)
from festival.registration.quotas import WindowState, title_of, window_state
from festival.registration.tickets import TicketClaims, key_ring

# The consent text a registrant agreed to (templates/registration/_consent.html); raise when its wording changes.
CONSENT_VERSION = "2026-1"
NAME_MAX = 200
AFFILIATION_MAX = 300
POSITION_MAX = 200
SEAT_MAX = 100
TOKEN_BYTES = 32  # the ticket page's secret link: 256 bits, 43 characters
TICKET_PATH = "/t/"


@dataclass
class RegistrationData:
    full_name: str
    phone: str
    email: str = ""
    affiliation: str = ""
    consent: bool = False
    locale: str = "vi"


@dataclass
class InvitationData:
    full_name: str
    position_title: str = ""
    affiliation: str = ""
    seat: str = ""
    phone: str = ""
    email: str = ""
    locale: str = "vi"


class DuplicateRegistration(DomainError):
    """The phone already holds an active registration for this quota (`existing`)."""

    status = 409

    def __init__(self, existing: Registration | None):
        super().__init__(
            _l("This phone number is already registered for this. We can send the existing ticket again instead."),
            "duplicate_phone",
            field="phone",
        )
        self.existing = existing


# --- registering ------------------------------------------------------------------------------------------------


def _clean_name(value: str, field: str = "full_name") -> str:
    name = " ".join(printable(nfc(value), NAME_MAX * 2).split())
    if not name:
        raise DomainError(_l("Enter the full name."), "name_required", field=field)
    if len(name) > NAME_MAX:
        raise DomainError(
            _l("The name is too long (at most %(n)s characters).", n=NAME_MAX), "name_too_long", field=field
        )
    return name


def _clean_text(value: str, limit: int, field: str) -> str:
    text = " ".join(printable(nfc(value), limit * 2).split())
    if len(text) > limit:
        raise DomainError(_l("This is too long (at most %(n)s characters).", n=limit), "text_too_long", field=field)
    return text


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _active_for_phone(quota: RegistrationQuota, phone: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.quota_id == quota.id,
            Registration.phone == phone,
            Registration.status.in_((RegistrationStatus.CONFIRMED.value, RegistrationStatus.WAITING.value)),
        )
    )


def register(quota: RegistrationQuota, data: RegistrationData, *, now: datetime | None = None) -> Registration:
    """Register a member of the public: confirmed while places are left, else on the waiting list (or refused
    with `quota_full` when the quota keeps no waiting list). Commits."""
    full_name = _clean_name(data.full_name)
    phone = normalise_phone(data.phone or "")
    if not phone:
        raise DomainError(_l("Enter a phone number."), "phone_required", field="phone")
    email = normalise_email(data.email or "") or None
    affiliation = _clean_text(data.affiliation or "", AFFILIATION_MAX, "affiliation")
    if not data.consent:
        raise DomainError(
            _l("Registration needs your consent to the processing of your personal data."),
            "consent_required",
            field="consent",
        )
    state = window_state(quota, now)
    if state is not WindowState.OPEN:
        code = "registration_closed" if state is not WindowState.NOT_YET else "registration_not_open"
        raise DomainError(state.message, code, status=409 if state is not WindowState.UNAVAILABLE else 404)
    existing = _active_for_phone(quota, phone)
    if existing is not None:
        raise DuplicateRegistration(existing)

    now = now or utcnow()
    confirmed = capacity.take_place(quota.id)
    if not confirmed and not quota.waiting_list:
        db.session.rollback()
        raise DomainError(_l("There are no places left."), "quota_full", status=409)
    registration = Registration(
        quota_id=quota.id,
        festival_id=quota.festival_id,
        kind=RegistrationKind.REGISTRATION.value,
        status=(RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING).value,
        takes_place=True,
        full_name=full_name,
        name_key=search_key(full_name)[:NAME_MAX],
        phone=phone,
        email=email,
        affiliation=affiliation,
        locale=data.locale if data.locale in current_app.config["LANGUAGES"] else "vi",
        token=_new_token(),
        consent_at=now,
        consent_version=CONSENT_VERSION,
        created_at=now,
        confirmed_at=now if confirmed else None,
    )
    db.session.add(registration)
    db.session.flush()
    notify.registered(registration)
    _commit_keeping_loaded(quota)
    return registration


def _commit_keeping_loaded(quota: RegistrationQuota) -> None:
    """Commit without expiring what this request loaded and wrote: the answer (ticket, place in line) reads the
    registration, its quota, item, festival and edition right after, and would reload each of them (five
    queries of a registration's twelve). Only the quota's counter, changed by a bare UPDATE, is read again."""
    session = db.session()
    session.expire_on_commit = False
    try:
        commit_unique({"uq_registrations_quota_phone_active": DuplicateRegistration(None)})
    finally:
        session.expire_on_commit = True
    if quota in session:
        session.expire(quota, ["taken", "updated_at"])


def invite(
    quota: RegistrationQuota, data: InvitationData, *, user=None, takes_place: bool | None = None
) -> Registration:
    """Issue an invitation (giấy mời): a confirmed ticket for a delegate. It takes a place of the public capacity
    only when the quota says invitations count (or `takes_place` says so); then a full quota refuses it. Commits."""
    registration = _new_invitation(quota, data, user=user, takes_place=takes_place)
    commit_unique({"uq_registrations_quota_phone_active": DuplicateRegistration(None)})
    return registration


def _new_invitation(quota, data: InvitationData, *, user=None, takes_place: bool | None = None) -> Registration:
    """An invitation added to the session (not committed): `invite` and the CSV import share it."""
    full_name = _clean_name(data.full_name)
    position_title = _clean_text(data.position_title or "", POSITION_MAX, "position_title")
    affiliation = _clean_text(data.affiliation or "", AFFILIATION_MAX, "affiliation")
    seat = _clean_text(data.seat or "", SEAT_MAX, "seat")
    phone = normalise_phone(data.phone or "") or None
    email = normalise_email(data.email or "") or None
    if phone and _active_for_phone(quota, phone) is not None:
        raise DuplicateRegistration(_active_for_phone(quota, phone))
    counts = quota.count_invitations if takes_place is None else takes_place
    if counts and not capacity.take_place(quota.id):
        raise DomainError(
            _l("There are no places left for an invitation that counts against the capacity."),
            "quota_full",
            status=409,
        )
    now = utcnow()
    registration = Registration(
        quota_id=quota.id,
        festival_id=quota.festival_id,
        kind=RegistrationKind.INVITATION.value,
        status=RegistrationStatus.CONFIRMED.value,
        takes_place=bool(counts),
        full_name=full_name,
        name_key=search_key(full_name)[:NAME_MAX],
        phone=phone,
        email=email,
        affiliation=affiliation,
        position_title=position_title,
        seat=seat,
        locale=data.locale if data.locale in current_app.config["LANGUAGES"] else "vi",
        token=_new_token(),
        invited_by_id=getattr(user, "id", None),
        created_at=now,
        confirmed_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    notify.invited(registration)
    return registration


# --- cancelling and the waiting list ----------------------------------------------------------------------------


def cancel(registration: Registration, *, by: str = "attendee") -> Registration:
    """Cancel (revoking the ticket); a place it held goes to the first on the waiting list. Commits.

    Cancelling twice changes nothing. The status changes by a conditional UPDATE, so two concurrent cancels give
    the place back once.
    """
    changed = db.session.execute(
        update(Registration)
        .where(Registration.id == registration.id)
        .where(Registration.status != RegistrationStatus.CANCELLED.value)
        .values(status=RegistrationStatus.CANCELLED.value, cancelled_at=utcnow(), cancelled_by=by),
        execution_options={"synchronize_session": False},
    ).rowcount
    if changed:
        was_holding = registration.status == RegistrationStatus.CONFIRMED.value and registration.takes_place
        if was_holding:
            capacity.give_place(registration.quota_id)
        db.session.refresh(registration)
        notify.cancelled(registration)
        if was_holding:
            _promote(registration.quota)
    db.session.commit()
    return registration


def promote_waiting(quota: RegistrationQuota) -> list[Registration]:
    """Fill free places from the waiting list (after the capacity was raised, say). Commits."""
    promoted = _promote(quota)
    db.session.commit()
    return promoted


def _promote(quota: RegistrationQuota) -> list[Registration]:
    """Confirm the first in line while places are free, in the current transaction, and tell each of them."""
    promoted = []
    while True:
        candidates = db.session.scalars(
            select(Registration.id)
            .where(Registration.quota_id == quota.id, Registration.status == RegistrationStatus.WAITING.value)
            .order_by(Registration.id)
            .limit(5)
        ).all()
        if not candidates:
            return promoted
        if not capacity.take_place(quota.id):
            return promoted
        for registration_id in candidates:
            now = utcnow()
            won = db.session.execute(
                update(Registration)
                .where(Registration.id == registration_id, Registration.status == RegistrationStatus.WAITING.value)
                .values(status=RegistrationStatus.CONFIRMED.value, confirmed_at=now, promoted_at=now),
                execution_options={"synchronize_session": False},
            ).rowcount
            if won:
                registration = db.session.get(Registration, registration_id)
                db.session.refresh(registration)
                notify.promoted(registration)
                promoted.append(registration)
                break
        else:  # another request promoted all of them meanwhile: give the place back and look again
            capacity.give_place(quota.id)


# --- tickets ----------------------------------------------------------------------------------------------------


def by_token(token: str) -> Registration:
    """The registration behind a ticket link; NotFound for anything else (a tampered or truncated token too)."""
    if not token or len(token) > 64:
        raise NotFound(_l("There is no ticket at this address."), "ticket_not_found")
    registration = db.session.scalar(select(Registration).where(Registration.token == token))
    if registration is None or registration.erased_at is not None:
        raise NotFound(_l("There is no ticket at this address."), "ticket_not_found")
    return registration


def ticket_text(registration: Registration) -> str | None:
    """The signed text in the ticket's QR code; None unless the registration is confirmed."""
    if registration.status != RegistrationStatus.CONFIRMED.value or registration.erased_at is not None:
        return None
    ring = key_ring()
    quota = registration.quota
    claims = TicketClaims(
        key_id=ring.current_id,
        year=quota.festival.edition.year,
        registration_id=registration.id,
        festival_id=None if quota.item_id else quota.festival_id,
        item_id=quota.item_id,
        invitation=registration.kind == RegistrationKind.INVITATION.value,
    )
    return ring.sign(claims)


# The ticket code's last characters, shown under the QR code: with the phone number, what self check-in asks.
TICKET_CODE_TAIL = 4


def ticket_code_tail(text: str | None) -> str:
    return text[-TICKET_CODE_TAIL:] if text else ""


def ticket_url(registration: Registration) -> str:
    """The ticket page's full address (festival.core.web.public_base)."""
    return public_base() + TICKET_PATH + registration.token


def ticket_ics(registration: Registration) -> bytes:
    """The calendar file of what a ticket admits (the item's or the festival day's own UID: adding it next to a
    subscribed feed gives one event, not two)."""
    from festival.calendar import ics

    quota = registration.quota
    calendar = ics.new_calendar(title_of(quota), method="PUBLISH")
    url = ticket_url(registration)
    if quota.item_id:
        calendar.add_component(ics.item_event(quota.item, url=url))
    else:
        calendar.add_component(ics.festival_event(quota.festival, url=url))
    return ics.to_bytes(calendar)
