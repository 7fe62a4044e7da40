"""A registrant's rights over their personal data (Law 91/2025/QH15, Decree 356/2025/NĐ-CP), and its purge.

- `export_data`: everything held about one registration, for the person to download from their ticket page.
- `erase`: the person deletes it. An active registration is cancelled first (so that the waiting list moves),
  then its personal fields are blanked, its link replaced (the old one dies) and its e-mails deleted (they hold
  the address and the name). The row stays, with `erased_at`: counts of registrations and attendance are kept.
- `purge`: the same erasure for every registration of the festival days that ended before a date (the
  retention the consent text states), without cancelling: after the day there is no waiting list to move, and
  the statuses are what the statistics count.
- `replace_link`: a new secret link for a ticket whose link was shared too widely.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time

import click
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from festival.core.time import local_to_utc, to_local, utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.mail.models import MailKind, OutgoingMail
from festival.registration import quotas, services
from festival.registration.models import Registration

PURGE_BATCH = 200


def _iso(moment) -> str | None:
    local = to_local(moment)
    return local.isoformat() if local else None


def export_data(registration: Registration) -> dict:
    """Everything the app holds about this registration, in plain JSON (dates in local time, ISO 8601)."""
    quota = registration.quota
    festival = quota.festival
    item = quota.item
    mails = db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.registration_id == registration.id).order_by(OutgoingMail.id)
    ).all()
    return {
        "registration": {
            "kind": registration.kind,
            "status": registration.status,
            "full_name": registration.full_name,
            "phone": registration.phone,
            "email": registration.email,
            "affiliation": registration.affiliation,
            "position_title": registration.position_title,
            "seat": registration.seat,
            "locale": registration.locale,
            "ticket_url": services.ticket_url(registration),
            "consent_at": _iso(registration.consent_at),
            "consent_version": registration.consent_version,
            "created_at": _iso(registration.created_at),
            "confirmed_at": _iso(registration.confirmed_at),
            "promoted_at": _iso(registration.promoted_at),
            "cancelled_at": _iso(registration.cancelled_at),
            "cancelled_by": registration.cancelled_by,
        },
        "admits": {
            "title": quotas.title_of(quota),
            "festival_id": festival.id,
            "locality": festival.locality.full_name,
            "item_id": item.id if item else None,
            "starts_at": _iso(item.starts_at if item else festival.starts_at),
            "ends_at": _iso(item.ends_at if item else festival.ends_at),
        },
        "attendance": (
            {"marked_at": _iso(registration.attendance.marked_at)} if registration.attendance is not None else None
        ),
        "emails": [
            {
                "kind": mail.kind,
                "to": mail.to_address,
                "subject": mail.subject,
                "body": mail.body_text,
                "status": mail.status,
                "created_at": _iso(mail.created_at),
                "sent_at": _iso(mail.sent_at),
            }
            for mail in mails
        ],
        "exported_at": _iso(utcnow()),
    }


def replace_link(registration: Registration) -> Registration:
    """Give the ticket a new secret link; the old one answers 404 from now on. Commits."""
    registration.token = services._new_token()
    db.session.commit()
    return registration


def erase(registration: Registration) -> Registration:
    """The person deletes their registration (see the module's docstring). Commits."""
    if registration.is_active:
        services.cancel(registration, by="privacy")
    _anonymise(registration)
    db.session.commit()
    return registration


def _anonymise(registration: Registration) -> None:
    """Blank the personal fields and delete the e-mails that hold them, in the current transaction."""
    address = registration.email
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.registration_id == registration.id))
    if address and not _address_used_elsewhere(address, registration.id):
        # "Find my ticket" mails name no registration but hold the address.
        db.session.execute(
            delete(OutgoingMail).where(
                OutgoingMail.kind == MailKind.TICKET_LINKS.value, OutgoingMail.to_address == address
            )
        )
    registration.full_name = ""
    registration.name_key = ""
    registration.phone = None
    registration.email = None
    registration.affiliation = ""
    registration.position_title = ""
    registration.seat = ""
    registration.token = secrets.token_urlsafe(services.TOKEN_BYTES)
    registration.feed_token = None
    registration.erased_at = utcnow()
    if registration.attendance is not None:
        registration.attendance.note = ""


def _address_used_elsewhere(address: str, registration_id: int) -> bool:
    return (
        db.session.scalar(
            select(Registration.id)
            .where(Registration.email == address, Registration.id != registration_id)
            .where(Registration.erased_at.is_(None))
            .limit(1)
        )
        is not None
    )


# --- purge ------------------------------------------------------------------------------------------------------


@dataclass
class PurgeResult:
    registrations: int
    festivals: int


def _purgeable(before: date):
    cutoff = local_to_utc(before, time(0, 0))
    return (
        select(Registration.id)
        .join(LocalityFestival, LocalityFestival.id == Registration.festival_id)
        .where(LocalityFestival.ends_at < cutoff, Registration.erased_at.is_(None))
    )


def count_purgeable(before: date) -> int:
    return db.session.scalar(select(func.count()).select_from(_purgeable(before).subquery())) or 0


def purge(before: date, progress: Callable[[int], None] | None = None) -> PurgeResult:
    """Anonymise every registration of the festival days that ended before `before` (local midnight), in
    batches of PURGE_BATCH, each committed; `progress(n)` is told after each batch. Running it again finds
    nothing left to do."""
    ids = db.session.scalars(_purgeable(before).order_by(Registration.id)).all()
    festivals: set[int] = set()
    for start in range(0, len(ids), PURGE_BATCH):
        batch = db.session.scalars(
            select(Registration).where(Registration.id.in_(ids[start : start + PURGE_BATCH]))
        ).all()
        count = 0
        for registration in batch:
            festivals.add(registration.festival_id)
            _anonymise(registration)
            count += 1
        db.session.commit()
        if progress:
            progress(count)
    return PurgeResult(len(ids), len(festivals))


# --- command line -----------------------------------------------------------------------------------------------


@click.group("privacy", help="Personal data / Dữ liệu cá nhân.")
def privacy_cli() -> None:
    pass


@privacy_cli.command("purge")
@click.option("--before", "before_text", required=True, metavar="YYYY-MM-DD",
              help="Anonymise the registrations of festival days that ended before this day.")  # fmt: skip
@with_appcontext
def purge_command(before_text: str) -> None:
    """Anonymise the registrations of past festival days (the retention the consent text states)."""
    try:
        before = date.fromisoformat(before_text.strip())
    except ValueError:
        raise click.BadParameter(
            _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-12-31.", value=before_text[:40]),
            param_hint="--before",
        ) from None
    total = count_purgeable(before)
    with click.progressbar(length=total, label=_("Anonymising registrations")) as bar:
        result = purge(before, progress=bar.update)
    click.echo(
        _(
            "Registrations anonymised: %(registrations)s (festival days that ended before %(day)s: %(festivals)s).",
            registrations=result.registrations,
            festivals=result.festivals,
            day=before.strftime("%d/%m/%Y"),
        )
    )
