"""HTTP validators of the feeds, made from what the text depends on, never from the text itself.

A feed's text is a function of its URL (path and filters), its language, the public data and the date (the day a
cancelled item leaves the feeds: festival/calendar/feeds.py). The public data's version token
(festival/core/cache.py: changed in the same transaction as any write to public data, read at most once per
second per worker) stands for the data, so

- the **ETag** is a hash of path, filters, language, data version and local date: a client polling with it gets
  a 304 before any feed query runs (and before its subject is even looked up: an ETag only ever came with a
  200, so the same data still has the subject);
- **Last-Modified** is the moment the server first served that ETag, kept in the fragment cache store (Redis,
  shared by the workers, or each worker's memory). It can only be late, never early: a lost entry (a restart,
  an expiry) moves it forward and costs one full answer, never a stale 304.

Other projects hash the rendered text, which breaks when DTSTAMP is "now" and costs a whole build per poll.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from flask import current_app

from festival.calendar.feeds import FeedFilters
from festival.core.cache import data_version, store
from festival.core.time import today_local, utcnow

FORMAT = "calendar-feed-1"  # raise it when the feeds' text changes shape: every client refetches once


def etag(path: str, filters: FeedFilters, lang: str) -> str:
    raw = "\x1f".join((FORMAT, path, *filters.key(), lang, str(data_version()), today_local().isoformat()))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _seen_key(tag: str) -> str:
    return f"calendar-seen:{tag}"


def seen_at(tag: str) -> datetime | None:
    """When this server first served `tag` (None: not known)."""
    found = store().get(_seen_key(tag))
    return datetime.fromisoformat(found) if found else None


def first_seen(tag: str) -> datetime:
    """When `tag` was first served, recorded now (to the second, as HTTP dates are) if it is new."""
    found = seen_at(tag)
    if found is not None:
        return found
    now = utcnow().replace(microsecond=0).astimezone(UTC)
    store().set(_seen_key(tag), now.isoformat(), current_app.config["CACHE_SECONDS"])
    return now


def not_modified(tag: str, if_none_match, if_modified_since: datetime | None) -> bool:
    """Whether the client's copy is current (RFC 9110 §13.2.2: If-None-Match, when sent, decides alone). A bare
    `*` is not honoured: it would answer 304 for a feed that does not exist, whose subject is never looked up."""
    if if_none_match:
        return not if_none_match.star_tag and if_none_match.contains_weak(tag)
    if if_modified_since is not None:
        seen = seen_at(tag)
        return seen is not None and if_modified_since >= seen
    return False
