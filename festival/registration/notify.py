"""The e-mails a registration's life sends, queued in the outbox (festival/mail) within its transaction.

Nothing is queued for a person without an e-mail address: their ticket link is shown on the page that
registered them (and the organizer can hand it over).
"""

from __future__ import annotations

from festival.mail.models import MailKind
from festival.mail.outbox import queue
from festival.registration.models import Registration, RegistrationStatus


def _context(registration: Registration) -> dict:
    """What every mail about a registration says: the ticket link, and what it admits to, when and where."""
    from festival.registration.quotas import title_of
    from festival.registration.services import ticket_url

    quota = registration.quota
    admits = quota.item if quota.item_id else quota.festival
    venue = admits.venue or quota.festival.venue
    where = ", ".join(part for part in (venue.name, venue.address) if part) if venue else ""
    return {
        "ticket_url": ticket_url(registration),
        "title": title_of(quota),
        "starts_at": admits.starts_at,
        "ends_at": admits.ends_at,
        "where": where,
        "locality": quota.festival.locality.display_name(registration.locale),
    }


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
    from festival.registration.quotas import title_of
    from festival.registration.services import ticket_url

    tickets = [(title_of(r.quota), ticket_url(r)) for r in registrations]
    queue(MailKind.TICKET_LINKS, address, "ticket_links", locale=locale, tickets=tickets)
