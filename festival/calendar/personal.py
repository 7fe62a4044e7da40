"""A ticket holder's personal feed: the agenda item their ticket admits, or for a whole festival day the day
itself and its published program, under the same UIDs as the public feeds (a calendar holding both keeps one
event per item).

The events' status follows the registration: TENTATIVE while on the waiting list, CANCELLED once it is cancelled
(so subscribed calendars remove them), else the item's own. The feed names no person and links to public pages
only, never the ticket (festival/registration/personal_feed.py).
"""

from __future__ import annotations

import hashlib

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from festival.agenda.models import AgendaItem
from festival.calendar import ics, render
from festival.calendar.feeds import Feed, FeedFilters, items_statement
from festival.calendar.validators import FORMAT
from festival.core.cache import data_version
from festival.core.time import today_local
from festival.registration.models import Registration, RegistrationStatus
from festival.registration.quotas import title_of


def _status(registration: Registration) -> str | None:
    if registration.status == RegistrationStatus.CANCELLED.value:
        return "CANCELLED"
    if registration.status == RegistrationStatus.WAITING.value:
        return "TENTATIVE"
    return None


def etag(path: str, registration: Registration, lang: str) -> str:
    """What the feed's text depends on: the public data (its version), the date (cancelled items leave feeds after
    a while), the language and the registration's status."""
    raw = "\x1f".join(
        (FORMAT, path, lang, registration.status, str(data_version()), today_local().isoformat())
    )  # fmt: skip
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def text(registration: Registration, lang: str, base: str) -> bytes:
    """The whole feed (a handful of events: written at once, not streamed)."""
    quota = registration.quota
    status = _status(registration)
    statement = items_statement(FeedFilters())
    extra = b""
    if quota.item_id is not None:
        statement = statement.where(AgendaItem.id == quota.item_id)
    else:
        statement = statement.where(AgendaItem.festival_id == quota.festival_id)
        page = base + url_for("public.festival", festival_id=quota.festival_id)
        with force_locale(lang):
            day = ics.festival_event(quota.festival, url=page)
        if status is not None:
            day.pop("status")
            day.add("status", status)
        extra = day.to_ical()
    with force_locale(lang):
        name = _("My festival day: %(title)s", title=title_of(quota))
    feed = Feed(name=name, statement=statement, filename="ngay-hoi-cua-toi.ics")
    return render.small(feed, lang, base, extra=extra, status=status)
