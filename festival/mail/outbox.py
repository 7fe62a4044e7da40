"""Queueing mail: a row of the outbox, added to the caller's transaction (committed with it, or not at all)."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import delete

from festival.extensions import db
from festival.mail.models import MailKind, OutgoingMail


def queue(
    kind: MailKind,
    to_address: str,
    template: str,
    *,
    locale: str = "vi",
    registration=None,
    festival_id: int | None = None,
    attach_ticket: bool = False,
    **context,
) -> OutgoingMail:
    """Render `templates/mail/<template>.txt` in `locale` (its first line is the subject) and queue it."""
    with force_locale(locale):
        text = render_template(f"mail/{template}.txt", registration=registration, **context)
    subject, _, body = text.strip().partition("\n")
    mail = OutgoingMail(
        kind=kind.value,
        to_address=to_address,
        subject=subject.strip()[:300],
        body_text=body.strip() + "\n",
        locale=locale,
        registration_id=getattr(registration, "id", None),
        festival_id=festival_id if festival_id is not None else getattr(registration, "festival_id", None),
        attach_ticket=attach_ticket,
    )
    db.session.add(mail)
    return mail


def forget_registration(registration_id: int) -> int:
    """Delete every mail about a registration, sent or not (not committed): erasing a person's data erases the
    e-mails that carry their name and ticket link too. Returns how many."""
    return db.session.execute(
        delete(OutgoingMail).where(OutgoingMail.registration_id == registration_id),
        execution_options={"synchronize_session": False},
    ).rowcount
