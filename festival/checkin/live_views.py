"""Live attendance pages: the organizers' (and check-in staff's) page of a festival day, and the public projector
screen of a published festival day. Both are rendered with their numbers (they work without JavaScript) and
updated by static/js/checkin-live.js, which polls their JSON every few seconds with If-None-Match: while nothing
changes the answer is a bodiless 304.

The numbers come from festival.checkin.attendance; the projector shows counts only, never a name.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template, request

from festival.agenda import published
from festival.checkin import access, attendance
from festival.program.common import festival_in_scope

bp = Blueprint("checkin_live", __name__)

POLL_SECONDS = 5
# The projector's JSON may be kept this long by a proxy in front of many screens.
PUBLIC_MAX_AGE = 3


def _json(live: attendance.Live, cache_control: str | None) -> Response:
    etag = live.etag
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        response = jsonify(live.to_json())
    response.set_etag(etag)
    if cache_control:
        response.headers["Cache-Control"] = cache_control
    return response


@bp.get("/dashboard/festivals/<int:festival_id>/checkin/live")
@access.checkin_staff
def organizer(festival_id: int):
    festival = festival_in_scope(festival_id)
    live = attendance.attendance(festival)
    return render_template(
        "checkin/live/organizer.html", festival=festival, live=live, poll=POLL_SECONDS, projector=False
    )


@bp.get("/dashboard/festivals/<int:festival_id>/checkin/live.json")
@access.checkin_staff
def organizer_json(festival_id: int):
    festival = festival_in_scope(festival_id)
    # Logged in: no-store is set for every answer (festival/core/headers.py); the script sends its own
    # If-None-Match, so the 304 works all the same.
    return _json(attendance.attendance(festival), None)


@bp.get("/festivals/<int:festival_id>/live")
def projector(festival_id: int):
    festival = published.get_festival(festival_id, hosts=False)  # NotFound unless its edition is public
    live = attendance.attendance(festival, public=True)
    response = Response(
        render_template("checkin/live/projector.html", festival=festival, live=live, poll=POLL_SECONDS, projector=True)
    )
    response.headers["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
    return response


@bp.get("/festivals/<int:festival_id>/live.json")
def projector_json(festival_id: int):
    festival = published.get_festival(festival_id, hosts=False)
    return _json(attendance.attendance(festival, public=True), f"public, max-age={PUBLIC_MAX_AGE}")
