"""RFC 5545 building blocks (the icalendar library).

Every agenda item is one VEVENT whose UID never changes and is never reused: `agenda-item-<id>@<UID_DOMAIN>`,
the same in every feed, download, ticket and e-mail, so that a calendar that got the item twice keeps one event.
SEQUENCE is the item's revision; DTSTART and DTEND carry TZID=Asia/Ho_Chi_Minh with its VTIMEZONE; DTSTAMP is
the item's last change (not the time of the request), so the same data always gives the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from flask_babel import gettext as _
from icalendar import Calendar, Event

from festival.core.time import local_zone

PRODID = "-//Ngay Hoi//Ngay hoi toan dan bao ve an ninh To quoc//VI"
UID_DOMAIN = "ngayhoi.vn"


def item_uid(item_id: int) -> str:
    return f"agenda-item-{item_id}@{UID_DOMAIN}"


def festival_uid(festival_id: int) -> str:
    return f"festival-day-{festival_id}@{UID_DOMAIN}"


def new_calendar(name: str | None = None, *, method: str = "PUBLISH") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", str(local_zone()))
    return calendar


def _local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def location_of(venue, locality) -> str:
    parts = []
    if venue is not None:
        parts.append(venue.name)
        if getattr(venue, "address", ""):
            parts.append(venue.address)
    if locality is not None:
        parts.append(locality.full_name if getattr(locality, "full_name", "") else locality.name)
    return ", ".join(p for p in parts if p)


def item_event(
    item,
    *,
    url: str | None = None,
    description: str = "",
    location: str | None = None,
    categories: Iterable[str] = (),
) -> Event:
    """The VEVENT of an agenda item (published, or cancelled: STATUS:CANCELLED). No ORGANIZER: a public feed names
    no person's address. `location` replaces the venue-and-unit line (the feeds give the whole locality path)."""
    event = Event()
    event.add("uid", item_uid(item.id))
    event.add("dtstamp", item.updated_at)
    event.add("created", item.created_at)
    event.add("last-modified", item.updated_at)
    event.add("sequence", item.revision)
    event.add("dtstart", _local(item.starts_at))
    event.add("dtend", _local(item.ends_at))
    event.add("summary", item.title)
    if description:
        event.add("description", description)
    venue = item.venue or item.festival.venue
    if location is None:
        location = location_of(venue, item.festival.locality)
    if location:
        event.add("location", location)
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        event.add("geo", (float(venue.latitude), float(venue.longitude)))
    if url:
        event.add("url", url)
    categories = [c for c in categories if c]
    if categories:
        event.add("categories", categories)
    event.add("status", "CANCELLED" if item.status == "cancelled" else "CONFIRMED")
    return event


def festival_event(festival, *, url: str | None = None) -> Event:
    """The VEVENT of a festival day as a whole."""
    event = Event()
    event.add("uid", festival_uid(festival.id))
    event.add("dtstamp", festival.updated_at)
    event.add("created", festival.created_at)
    event.add("last-modified", festival.updated_at)
    event.add("sequence", festival.version)
    event.add("dtstart", _local(festival.starts_at))
    event.add("dtend", _local(festival.ends_at))
    event.add("summary", _("Festival day in %(place)s", place=festival.locality.name))
    location = location_of(festival.venue, festival.locality)
    if location:
        event.add("location", location)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if festival.status == "cancelled" else "CONFIRMED")
    return event


def to_bytes(calendar: Calendar) -> bytes:
    """The calendar with the VTIMEZONE blocks its events need; CRLF line ends, lines folded at 75 octets."""
    calendar.add_missing_timezones()
    return calendar.to_ical()


# --- feeds: a calendar written in pieces, so that a feed of 30,000 items is streamed, never held whole ----------

# How often a subscribed client should poll (REFRESH-INTERVAL, and X-PUBLISHED-TTL for Outlook): programs change
# in the weeks before the day; a 304 costs almost nothing (festival/calendar/views.py).
REFRESH_INTERVAL = timedelta(hours=6)
END = b"END:VCALENDAR\r\n"


def _duration(value: timedelta) -> str:
    hours, seconds = divmod(int(value.total_seconds()), 3600)
    return f"PT{hours}H" + (f"{seconds // 60}M" if seconds else "")


@lru_cache(maxsize=1)
def vtimezone() -> bytes:
    """The VTIMEZONE of Asia/Ho_Chi_Minh, as icalendar derives it from the zone database (built once)."""
    calendar = Calendar()
    probe = Event()
    probe.add("dtstart", datetime(2027, 1, 1, 8, 0, tzinfo=local_zone()))
    calendar.add_component(probe)
    calendar.add_missing_timezones()
    return b"".join(part.to_ical() for part in calendar.walk("VTIMEZONE"))


def feed_head(name: str) -> bytes:
    """BEGIN:VCALENDAR, the calendar's properties (its name in the reader's language, the refresh hints) and the
    VTIMEZONE every event refers to: the text before the first VEVENT."""
    calendar = new_calendar(name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", _duration(REFRESH_INTERVAL))
    text = calendar.to_ical()
    assert text.endswith(END)
    return text[: -len(END)] + vtimezone()


def event_bytes(event: Event) -> bytes:
    """One VEVENT, folded at 75 octets (never inside a UTF-8 character), CRLF line ends."""
    return event.to_ical()
