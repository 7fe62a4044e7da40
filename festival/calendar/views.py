"""Calendar feeds at stable URLs (`text/calendar; charset=utf-8`), and the subscribe links public pages show.

Every feed answers a revalidation (If-None-Match / If-Modified-Since) with a 304 before any feed query runs
(festival/calendar/validators.py), is publicly cacheable, and streams its events. Errors are RFC 9457 problems:
a calendar app, not a person, reads these URLs.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, current_app, request
from flask_babel import force_locale
from werkzeug.http import HTTP_STATUS_CODES

from festival.calendar import feeds, personal, render, validators
from festival.calendar.links import register_links
from festival.core.errors import DomainError
from festival.core.i18n import current_language
from festival.core.web import problem, public_base
from festival.extensions import db
from festival.registration import personal_feed

bp = Blueprint("calendar", __name__)
register_links(bp)

MIMETYPE = "text/calendar"
# A proxy may answer for ten minutes; calendar apps poll every few hours (REFRESH-INTERVAL) and revalidate.
MAX_AGE = 600


@bp.errorhandler(DomainError)
def _problem(error: DomainError):
    db.session.rollback()
    extra = {"parameter": error.field} if error.field else {}
    return problem(error.status, HTTP_STATUS_CODES.get(error.status, ""), str(error.message), error.code, **extra)


def _answer(build: Callable[[feeds.FeedFilters], feeds.Feed], *, download: bool = False) -> Response:
    """Parse the filters, answer 304 if the client's copy is current, else stream the feed `build` gives."""
    filters = feeds.parse_filters(request.args, current_app.config["LANGUAGES"])
    lang = filters.lang or current_language()
    tag = validators.etag(request.path, filters, lang)
    headers = {"Cache-Control": f"public, max-age={MAX_AGE}"}
    if not filters.lang:
        headers["Vary"] = "Cookie"  # the language then comes from the visitor's cookie (festival/core/i18n.py)
    if validators.not_modified(tag, request.if_none_match, request.if_modified_since):
        response = Response(status=304, headers=headers)
        response.set_etag(tag)
        seen = validators.seen_at(tag)
        if seen is not None:
            response.last_modified = seen
        return response
    with force_locale(lang):  # the feed's name in its language
        feed = build(filters)  # NotFound for an unknown year, code or id
    response = Response(render.stream(feed, lang, public_base()), mimetype=MIMETYPE, headers=headers)
    response.set_etag(tag)
    response.last_modified = validators.first_seen(tag)
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{feed.filename}"'
    return response


@bp.get("/calendar/<int:year>.ics")
def edition(year: int):
    return _answer(lambda filters: feeds.edition_feed(year, filters))


@bp.get("/calendar/<int:year>/localities/<code>.ics")
def locality(year: int, code: str):
    return _answer(lambda filters: feeds.locality_feed(year, code, filters))


@bp.get("/calendar/<int:year>/organizations/<int:organization_id>.ics")
def organization(year: int, organization_id: int):
    return _answer(lambda filters: feeds.organization_feed(year, organization_id, filters))


@bp.get("/calendar/<int:year>/venues/<int:venue_id>.ics")
def venue(year: int, venue_id: int):
    return _answer(lambda filters: feeds.venue_feed(year, venue_id, filters))


@bp.get("/agenda/<int:item_id>.ics")
def item(item_id: int):
    return _answer(lambda _filters: feeds.item_feed(item_id), download=True)


@bp.get("/calendar/me/<token>.ics")
def mine(token: str):
    """A ticket holder's personal feed: private (no shared cache keeps it), unindexed, no referrer; an unknown,
    replaced or stopped address is the same 404."""
    filters = feeds.parse_filters(request.args, current_app.config["LANGUAGES"])
    registration = personal_feed.by_feed_token(token)
    lang = filters.lang or registration.locale or current_language()
    tag = personal.etag(request.path, registration, lang)
    headers = {"Cache-Control": f"private, max-age={MAX_AGE}", "Referrer-Policy": "no-referrer"}
    headers["X-Robots-Tag"] = "noindex"
    if validators.not_modified(tag, request.if_none_match, request.if_modified_since):
        response = Response(status=304, headers=headers)
    else:
        body = personal.text(registration, lang, public_base())
        response = Response(body, mimetype=MIMETYPE, headers=headers)
        response.headers["Content-Disposition"] = 'inline; filename="ngay-hoi-cua-toi.ics"'
    response.set_etag(tag)
    response.last_modified = validators.first_seen(tag)
    return response
