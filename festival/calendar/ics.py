"""RFC 5545 building blocks (the icalendar library).

Every agenda item is one VEVENT whose UID never changes and is never reused: `agenda-item-<id>@<UID_DOMAIN>`,
the same in every feed, download, ticket and e-mail, so that a calendar that got the item twice keeps one event.
SEQUENCE is the item's revision; DTSTART and DTEND carry TZID=Asia/Ho_Chi_Minh with its VTIMEZONE; DTSTAMP is
the item's last change (not the time of the request), so the same data always gives the same text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
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


def _event(uid: str, record, sequence: int, starts_at, ends_at, summary: str) -> Event:
    """What every VEVENT of ours starts with: the UID, times of the record's own changes (never "now": the same
    data gives the same text), SEQUENCE, and local start and end with their TZID."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", record.updated_at)
    event.add("created", record.created_at)
    event.add("last-modified", record.updated_at)
    event.add("sequence", sequence)
    event.add("dtstart", _local(starts_at))
    event.add("dtend", _local(ends_at))
    event.add("summary", summary)
    return event


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
    event = _event(item_uid(item.id), item, item.revision, item.starts_at, item.ends_at, item.title)
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
    summary = _("Festival day in %(place)s", place=festival.locality.full_name)
    event = _event(festival_uid(festival.id), festival, festival.version, festival.starts_at, festival.ends_at, summary)
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
    return calendar.to_ical().removesuffix(END) + vtimezone()


# --- the feeds' VEVENT writer --------------------------------------------------------------------------------
# icalendar builds a VEVENT in about 0.5 ms: 2.5 s for a province's 5,000 items, most of it in folding lines one
# character at a time. The feeds write their events with the few lines below instead (about 20 µs each): the same
# properties with the same values, checked against `item_event` property by property in tests/calendar.

FOLD_AT = 75  # octets, CRLF excluded (RFC 5545 §3.1)
_CONTROL = {n: None for n in [*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F]}  # TEXT allows no control but HTAB


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma escaped, line breaks as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return value.translate(_CONTROL)


def fold(line: str) -> bytes:
    """A content line folded at 75 octets, never inside a UTF-8 character nor after a lone backslash, with CRLF."""
    data = line.encode("utf-8")
    if len(data) <= FOLD_AT:
        return data + b"\r\n"
    pieces, start, room = [], 0, FOLD_AT
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a continuation byte: the character began earlier
            cut -= 1
        if data[cut - 1] == 0x5C:  # keep an escape ("\\,") on one line, as icalendar does for old clients
            cut -= 1
        pieces.append(data[start:cut])
        start, room = cut, FOLD_AT - 1  # a continuation line starts with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _zoned(name: str, moment: datetime) -> str:
    local = _local(moment)
    return f"{name};TZID={local.tzinfo}:{local.strftime('%Y%m%dT%H%M%S')}"


def item_event_bytes(
    item,
    *,
    url: str,
    description: str,
    location: str,
    categories: Iterable[str] = (),
    status: str | None = None,
) -> bytes:
    """The VEVENT `item_event` gives, written directly (see above): what every feed is made of. `status` replaces
    the item's own (a personal feed says CANCELLED for a cancelled registration, TENTATIVE while waiting)."""
    venue = item.venue or item.festival.venue
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{escape_text(item.title)}",
        _zoned("DTSTART", item.starts_at),
        _zoned("DTEND", item.ends_at),
        f"DTSTAMP:{_utc(item.updated_at)}",
        f"UID:{escape_text(item_uid(item.id))}",
        f"SEQUENCE:{int(item.revision)}",
    ]
    categories = [escape_text(c) for c in categories if c]
    if categories:
        lines.append("CATEGORIES:" + ",".join(categories))
    lines.append(f"CREATED:{_utc(item.created_at)}")
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        lines.append(f"GEO:{float(venue.latitude)};{float(venue.longitude)}")
    lines.append(f"LAST-MODIFIED:{_utc(item.updated_at)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines.append("STATUS:" + (status or ("CANCELLED" if item.status == "cancelled" else "CONFIRMED")))
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return b"".join(fold(line) for line in lines)
