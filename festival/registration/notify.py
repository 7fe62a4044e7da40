"""The e-mails a registration's life sends, queued in the outbox (festival/mail) within its transaction.

Nothing is queued for a person without an e-mail address: their ticket link is shown on the page that
registered them (and the organizer can hand it over).
"""

from __future__ import annotations

from festival.mail.models import MailKind
from festival.mail.outbox import queue
from festival.registration.models import Registration, RegistrationStatus


def _context(registration: Registration) -> dict:
    from festival.registration.services import ticket_url, title_of

    return {"ticket_url": ticket_url(registration), "title": title_of(registration.quota)}


def registered(registration: Registration) -> None:
    if not registration.email:
        return
    if registration.status == RegistrationStatus.CONFIRMED.value:
        queue(
            MailKind.CONFIRMATION,
            registration.email,
            "confirmation",
            locale=registration.locale,
            registration=registration,
            attach_ticket=True,
            **_context(registration),
        )
    else:
        queue(
            MailKind.WAITING,
            registration.email,
            "waiting",
            locale=registration.locale,
            registration=registration,
            **_context(registration),
        )


def invited(registration: Registration) -> None:
    if registration.email:
        queue(
            MailKind.INVITATION,
            registration.email,
            "invitation",
            locale=registration.locale,
            registration=registration,
            attach_ticket=True,
            **_context(registration),
        )


def promoted(registration: Registration) -> None:
    if registration.email:
        queue(
            MailKind.PROMOTION,
            registration.email,
            "promotion",
            locale=registration.locale,
            registration=registration,
            attach_ticket=True,
            **_context(registration),
        )


def cancelled(registration: Registration) -> None:
    if registration.email:
        queue(
            MailKind.CANCELLATION,
            registration.email,
            "cancellation",
            locale=registration.locale,
            registration=registration,
            **_context(registration),
        )


def ticket_links(address: str, registrations: list[Registration], locale: str = "vi") -> None:
    """ "Find my ticket": the links of every ticket registered with `address`, in one mail to that address."""
    from festival.registration.services import ticket_url, title_of

    tickets = [(title_of(r.quota), ticket_url(r)) for r in registrations]
    queue(MailKind.TICKET_LINKS, address, "ticket_links", locale=locale, tickets=tickets)
