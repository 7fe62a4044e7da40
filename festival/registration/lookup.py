"""Finding a ticket again: "find my ticket", the resend offered to a duplicate registration, the place in line.

A ticket's link is its only key, so it is never shown to someone who knows no more than a phone number or an
address: it is mailed to the address on file, and every answer to a look-up is the same sentence whether
anything matched or not (no one learns who registered).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select

from festival.extensions import db
from festival.organizations.contacts import normalise_email, normalise_phone
from festival.registration import notify
from festival.registration.models import ACTIVE_STATUSES, Registration, RegistrationQuota, RegistrationStatus

# At most this many tickets go into one "find my ticket" mail (one address rarely holds more than a few).
LOOKUP_MAX = 50


def mask_email(address: str) -> str:
    """`lan@example.vn` → `l***@example.vn`: enough for its owner to recognise it, not to learn it."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


class Resent(StrEnum):
    SENT = "sent"
    NO_EMAIL = "no_email"  # registered without an address: only the organizers can help
    NOT_FOUND = "not_found"


@dataclass
class ResendResult:
    outcome: Resent
    masked_email: str = ""


def resend_existing(quota: RegistrationQuota, phone_text: str, locale: str = "vi") -> ResendResult:
    """Mail the link of the active registration that `phone_text` holds on `quota` to the address on file.
    Raises DomainError phone_invalid for a number that cannot be read. Commits when a mail is queued."""
    phone = normalise_phone(phone_text or "")
    registration = None
    if phone:
        registration = db.session.scalar(
            select(Registration).where(
                Registration.quota_id == quota.id,
                Registration.phone == phone,
                Registration.status.in_(ACTIVE_STATUSES),
                Registration.erased_at.is_(None),
            )
        )
    if registration is None:
        return ResendResult(Resent.NOT_FOUND)
    if not registration.email:
        return ResendResult(Resent.NO_EMAIL)
    notify.ticket_links(registration.email, [registration], locale=locale)
    db.session.commit()
    return ResendResult(Resent.SENT, mask_email(registration.email))


def send_ticket_links(contact: str, locale: str = "vi") -> int:
    """ "Find my ticket": queue one mail per registered address, listing the active tickets that `contact` (a
    phone number or an e-mail address) names. Returns how many mails were queued, for tests and logs only:
    the visitor is told the same sentence whatever it is. Raises DomainError for unreadable input."""
    contact = (contact or "").strip()
    if "@" in contact:
        # People do not type their address the same way twice: compared without case (the mail goes to the
        # address on file, as it was given).
        condition = func.lower(Registration.email) == normalise_email(contact, field="contact").lower()
    else:
        condition = Registration.phone == normalise_phone(contact, field="contact")
    registrations = db.session.scalars(
        select(Registration)
        .where(condition, Registration.status.in_(ACTIVE_STATUSES), Registration.erased_at.is_(None))
        .where(Registration.email.is_not(None))
        .order_by(Registration.id)
        .limit(LOOKUP_MAX)
    ).all()
    by_address: dict[str, list[Registration]] = {}
    for registration in registrations:
        by_address.setdefault(registration.email, []).append(registration)
    for address_registrations in by_address.values():
        notify.ticket_links(address_registrations[0].email, address_registrations, locale=locale)
    if by_address:
        db.session.commit()
    return len(by_address)


def waiting_position(registration: Registration) -> int | None:
    """Its place on the waiting list (1 = next to get a freed place), None when it is not waiting."""
    if registration.status != RegistrationStatus.WAITING.value:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.quota_id == registration.quota_id,
            Registration.status == RegistrationStatus.WAITING.value,
            Registration.id < registration.id,
        )
    )
    return (ahead or 0) + 1
