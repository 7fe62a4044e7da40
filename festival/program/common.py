"""What every program page shares: the blueprint, the role check, the festival and item lookups (scope
checked), and small helpers."""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_login import current_user

from festival.accounts.auth import in_scope, role_required
from festival.accounts.models import Role
from festival.agenda.models import CommendationLevel
from festival.core.params import ID_MAX, parse_int
from festival.core.time import to_local
from festival.program import queries

bp = Blueprint("program", __name__, url_prefix="/dashboard/festivals/<int:festival_id>/program")

organizer_only = role_required(Role.ORGANIZER)


# --- lookups ----------------------------------------------------------------------------------------------------


def festival_in_scope(festival_id: int):
    festival = queries.get_festival(festival_id)
    if festival is None:
        abort(404)
    if not in_scope(current_user, festival.locality):
        abort(403)
    return festival


def item_of(festival, item_id: int):
    item = queries.get_item(festival, item_id)
    if item is None:
        abort(404)
    return item


def parse_version(value) -> int | None:
    return parse_int(value, 1, ID_MAX)


def wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def program_url(festival, item=None, **kwargs) -> str:
    anchor = f"item-{item.id}" if item is not None else None
    return url_for("program.index", festival_id=festival.id, _anchor=anchor, **kwargs)


def item_json(item) -> dict:
    return {
        "id": item.id,
        "festival_id": item.festival_id,
        "part": item.part,
        "kind": item.kind,
        "title": item.title,
        "starts_at": to_local(item.starts_at).isoformat(),
        "ends_at": to_local(item.ends_at).isoformat(),
        "start": to_local(item.starts_at).strftime("%H:%M"),
        "end": to_local(item.ends_at).strftime("%H:%M"),
        "venue": item.venue.name if item.venue else None,
        "capacity": item.capacity,
        "takes_registrations": item.takes_registrations,
        "status": item.status,
        "revision": item.revision,
        "version": item.version,
    }


def level_labels() -> dict[str, str]:
    return {level.value: str(level.label) for level in CommendationLevel}
