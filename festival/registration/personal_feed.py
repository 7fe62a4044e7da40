"""A ticket holder's personal calendar feed (/calendar/me/<feed_token>.ics): what the ticket admits, kept up to
date in their calendar app.

The feed has a secret of its own, never the ticket's link: a calendar service that polls the feed must not be
able to open the ticket page (cancel, erase). It exists only once the holder asks for it on the ticket page; they
can replace its address or stop it there, and erasing the registration stops it. A stopped or replaced address
answers 404 exactly like one that never existed.
"""

from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.core.errors import DomainError, NotFound
from festival.extensions import db
from festival.registration.models import Registration

TOKEN_BYTES = 32  # 256 bits: 43 characters in base64url
ACTIONS = ("start", "replace", "stop")


def _new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def change(registration: Registration, action: str) -> Registration:
    """Start, replace or stop the registration's feed. Commits.

    A cancelled registration keeps a feed it has (its events then say CANCELLED, so subscribed calendars remove
    them) but cannot start one."""
    if action not in ACTIONS:
        raise DomainError(_l("Unknown action."), "unknown_action", field="action")
    if action == "stop":
        registration.feed_token = None
    elif action == "start" and registration.feed_token is None:
        if not registration.is_active:
            raise DomainError(_l("A cancelled registration has no calendar feed."), "registration_cancelled")
        registration.feed_token = _new_token()
    elif action == "replace":
        if registration.feed_token is None:
            raise DomainError(_l("This ticket has no calendar feed to replace."), "no_feed")
        registration.feed_token = _new_token()
    db.session.commit()
    return registration


def by_feed_token(token: str) -> Registration:
    """The registration whose feed has this address; NotFound, with the same words, for an unknown, replaced,
    stopped or erased one (never revealing which)."""
    registration = None
    if token and len(token) <= 64:
        registration = db.session.scalar(select(Registration).where(Registration.feed_token == token))
    if registration is None or registration.erased_at is not None:
        raise NotFound(_l("There is no calendar feed at this address."), "feed_not_found")
    return registration
