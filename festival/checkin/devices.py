"""Devices that scan tickets, and how they are enrolled.

An organizer or a check-in staff member shows an **enrolment code** as a QR code (one use, `ENROLMENT_MINUTES`
minutes); the phone that reads it sends the code to `POST /api/v1/checkin/devices` and receives its **device
token**: `nhd_` and 43 URL-safe characters (256 random bits), shown once, stored only as its SHA-256. The token
works for one festival day's check-in lists and nothing else; revoking the device stops it at the next request.
`flask devices enrol --festival ID` makes one for scripts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from festival.checkin.models import Device, DeviceKind, Enrolment
from festival.core.errors import DomainError, NotFound
from festival.core.text import nfc, printable
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db

TOKEN_PREFIX = "nhd_"
TOKEN_LENGTH = len(TOKEN_PREFIX) + 43
ENROLMENT_MINUTES = 10
NAME_MAX = 100
# Last contact is written at most this often by plain scans (a sync always writes it, with its counts).
TOUCH_INTERVAL = timedelta(seconds=30)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass
class NewDevice:
    device: Device
    token: str  # shown once


def _clean_name(name: str | None, fallback: str) -> str:
    name = printable(nfc(name or ""), NAME_MAX).strip()
    return name or fallback


def create_device(festival: LocalityFestival, name: str | None, *, kind: str = DeviceKind.PHONE.value, user=None):
    """A new device for `festival`'s check-in lists, in the current transaction (not committed)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = Device(
        festival_id=festival.id,
        name=_clean_name(name, str(_l("Scanner"))),
        kind=kind,
        token_hash=digest(token),
        prefix=token[:12],
        enrolled_by_id=getattr(user, "id", None),
    )
    db.session.add(device)
    db.session.flush()
    return NewDevice(device, token)


def authenticate(header: str | None) -> Device | None:
    """The active device a bearer header names, else None (missing, malformed, unknown or revoked)."""
    if not header or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer ") :].strip()
    if len(token) != TOKEN_LENGTH or not token.startswith(TOKEN_PREFIX):
        return None
    device = db.session.scalar(select(Device).where(Device.token_hash == digest(token)))
    if device is None or device.revoked_at is not None:
        return None
    return device


def touch(device: Device, now: datetime | None = None) -> None:
    """Note the device's contact, at most every TOUCH_INTERVAL (one UPDATE, in the current transaction)."""
    now = now or utcnow()
    if device.last_seen_at is None or now - device.last_seen_at >= TOUCH_INTERVAL:
        db.session.execute(update(Device).where(Device.id == device.id).values(last_seen_at=now))


def revoke(device: Device) -> Device:
    if device.revoked_at is None:
        device.revoked_at = utcnow()
    db.session.commit()
    return device


# --- enrolment --------------------------------------------------------------------------------------------------


@dataclass
class NewEnrolment:
    enrolment: Enrolment
    code: str  # shown once, in the QR code


def start_enrolment(festival: LocalityFestival, user=None) -> NewEnrolment:
    """A one-time code for a phone to enrol with, valid ENROLMENT_MINUTES minutes. Commits."""
    code = secrets.token_urlsafe(24)
    enrolment = Enrolment(
        festival_id=festival.id,
        code_hash=digest(code),
        created_by_id=getattr(user, "id", None),
        expires_at=utcnow() + timedelta(minutes=ENROLMENT_MINUTES),
    )
    db.session.add(enrolment)
    db.session.commit()
    return NewEnrolment(enrolment, code)


def enrol(code: str, name: str | None) -> NewDevice:
    """Exchange an enrolment code for a device token. The code is used up by one conditional UPDATE, so two phones
    reading the same QR code get one device between them. Commits."""
    if not isinstance(code, str) or not 8 <= len(code) <= 64:
        raise NotFound(_l("This enrolment code is not valid: ask for a new one."), "enrolment_not_found")
    now = utcnow()
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.code_hash == digest(code)))
    if enrolment is None:
        raise NotFound(_l("This enrolment code is not valid: ask for a new one."), "enrolment_not_found")
    if enrolment.used_at is not None or enrolment.expires_at <= now:
        raise DomainError(
            _l("This enrolment code has expired or was already used: ask for a new one."), "enrolment_expired",
            status=410,
        )  # fmt: skip
    taken = db.session.execute(
        update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        db.session.rollback()
        raise DomainError(
            _l("This enrolment code has expired or was already used: ask for a new one."), "enrolment_expired",
            status=410,
        )  # fmt: skip
    festival = db.session.get(LocalityFestival, enrolment.festival_id)
    new = create_device(festival, name, user=None)
    new.device.enrolled_by_id = enrolment.created_by_id
    enrolment.device_id = new.device.id
    db.session.commit()
    return new


# --- command line -----------------------------------------------------------------------------------------------


@click.group("devices", help="Check-in devices.")
def devices_cli() -> None:
    pass


@devices_cli.command("enrol", help="Enrol a scanning device for a festival day; prints its token on the last line.")
@click.option("--festival", "festival_id", type=int, required=True, help="The festival day's number.")
@click.option("--name", default="Script", show_default=True, help="The device's name in the device list.")
@with_appcontext
def enrol_command(festival_id: int, name: str) -> None:
    festival = db.session.get(LocalityFestival, festival_id)
    if festival is None:
        raise click.ClickException(_("No festival day has the number %(number)s.", number=festival_id))
    new = create_device(festival, name, kind=DeviceKind.SCRIPT.value)
    db.session.commit()
    click.echo(
        _("Device %(device)s (%(name)s) enrolled for festival day %(festival)s.", device=new.device.id,
          name=new.device.name, festival=festival.id),
        err=True,
    )  # fmt: skip
    click.echo(new.token)
