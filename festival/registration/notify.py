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


def _about(kind: MailKind, registration: Registration, *, attach_ticket: bool) -> None:
    """Queue the mail of `kind` (its template has the kind's name) to the registrant, when they gave an address."""
    if registration.email:
        queue(
            kind,
            registration.email,
            kind.value,
            locale=registration.locale,
            registration=registration,
            attach_ticket=attach_ticket,
            **_context(registration),
        )


def registered(registration: Registration) -> None:
    if registration.status == RegistrationStatus.CONFIRMED.value:
        _about(MailKind.CONFIRMATION, registration, attach_ticket=True)
    else:
        _about(MailKind.WAITING, registration, attach_ticket=False)


def invited(registration: Registration) -> None:
    _about(MailKind.INVITATION, registration, attach_ticket=True)


def promoted(registration: Registration) -> None:
    _about(MailKind.PROMOTION, registration, attach_ticket=True)


def cancelled(registration: Registration) -> None:
    _about(MailKind.CANCELLATION, registration, attach_ticket=False)


def ticket_links(address: str, registrations: list[Registration], locale: str = "vi") -> None:
    """ "Find my ticket": the links of every ticket registered with `address`, in one mail to that address."""
    from festival.registration.quotas import title_of
    from festival.registration.services import ticket_url

    tickets = [(title_of(r.quota), ticket_url(r)) for r in registrations]
    queue(MailKind.TICKET_LINKS, address, "ticket_links", locale=locale, tickets=tickets)
