"""Self check-in from the venue poster: the list's poster code, the festival day's self device, and finding a
ticket by phone number and the last characters of its code.

The poster carries `<base>/checkin/self/<poster_token>`; the token (`secrets.token_urlsafe(32)`, 43 characters)
is made when the poster is first printed and replaced on request (the old posters then stop working). An attendee
who opens it checks in through the one scan service (festival.checkin.scanning.scan) as a scan of the festival
day's **self device** (kind 'self', made on first use): the poster's list decides what is valid (its window, what
it admits), exactly as at a door.
"""

from __future__ import annotations

import re
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.checkin import devices, scanning
from festival.checkin.models import CheckinList, Device, DeviceKind
from festival.core.errors import DomainError, NotFound
from festival.core.web import public_base
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.organizations.contacts import normalise_phone
from festival.registration import services as registration
from festival.registration.models import Registration, RegistrationStatus

POSTER_PATH = "/checkin/self/"
TOKEN_LENGTH = 43
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_TAIL = re.compile(rf"[A-Za-z0-9]{{{registration.TICKET_CODE_TAIL}}}")


def poster_token(checkin_list: CheckinList) -> str:
    """The list's poster code, made now if it has none. Commits when new."""
    if checkin_list.poster_token is None:
        checkin_list.poster_token = secrets.token_urlsafe(32)
        db.session.commit()
    return checkin_list.poster_token


def replace_poster_token(checkin_list: CheckinList) -> str:
    """A new poster code: the posters printed before stop working. Commits."""
    checkin_list.poster_token = secrets.token_urlsafe(32)
    db.session.commit()
    return checkin_list.poster_token


def poster_url(token: str) -> str:
    """The address the poster's QR code holds (festival.core.web.public_base)."""
    return public_base() + POSTER_PATH + token


def list_by_poster(token: str) -> CheckinList:
    """The list a poster code names; NotFound for anything else (an old code, a truncated or made-up one)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        raise NotFound(_l("This check-in poster is no longer valid."), "poster_not_found")
    found = db.session.scalar(select(CheckinList).where(CheckinList.poster_token == token))
    if found is None:
        raise NotFound(_l("This check-in poster is no longer valid."), "poster_not_found")
    return found


def self_device(festival: LocalityFestival) -> Device:
    """The festival day's self check-in device, made on first use (in the current transaction)."""
    found = db.session.scalar(
        select(Device)
        .where(Device.festival_id == festival.id, Device.kind == DeviceKind.SELF.value, Device.revoked_at.is_(None))
        .order_by(Device.id)
        .limit(1)
    )
    if found is not None:
        return found
    return devices.create_device(festival, _("Self check-in"), kind=DeviceKind.SELF.value).device


def check_in(checkin_list: CheckinList, code: str) -> scanning.Answer:
    """Check a ticket in on the poster's list, as a scan of the self device. Commits."""
    device = self_device(checkin_list.festival)
    return scanning.scan(device, checkin_list, (code or "")[:200])


def find_code(checkin_list: CheckinList, phone: str, tail: str) -> str | None:
    """The ticket code of a confirmed registration of the poster's festival day with this phone number whose code
    ends with `tail` (any case); None when nothing matches. A malformed phone number or tail raises DomainError."""
    number = normalise_phone(phone or "")
    if not number:
        raise DomainError(_l("Enter the phone number you registered with."), "phone_missing", field="phone")
    tail = (tail or "").strip().lstrip("….").strip()
    if not _TAIL.fullmatch(tail):
        raise DomainError(
            _l("Enter the last 4 characters of the ticket code (letters and digits)."), "tail_invalid", field="tail"
        )
    candidates = db.session.scalars(
        select(Registration).where(
            Registration.festival_id == checkin_list.festival_id,
            Registration.phone == number,
            Registration.status == RegistrationStatus.CONFIRMED.value,
            Registration.erased_at.is_(None),
        )
    ).all()
    for candidate in candidates:
        text = registration.ticket_text(candidate)
        if text and registration.ticket_code_tail(text).upper() == tail.upper():
            return text
    return None
