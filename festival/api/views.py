"""/api/v1: JSON over the same services as the HTML pages; errors are RFC 9457 problem details."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from festival.core.web import problem
from festival.localities import services as localities
from festival.localities.models import Locality, LocalityLevel
from festival.organizations.services import search_organizations

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def locality_json(loc: Locality) -> dict:
    return {
        "code": loc.code,
        "level": loc.level,
        "unit_type": loc.unit_type,
        "name": loc.name,
        "full_name": loc.full_name,
        "name_en": loc.name_en,
        "full_name_en": loc.full_name_en,
        "parent_code": loc.ancestor_codes[-1] if loc.ancestor_codes else None,
        "path": loc.path,
    }


def _int_arg(name: str, default: int) -> int | None:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return None


@bp.get("/localities")
def localities_index():
    """`q`: accent-insensitive prefix search; `level`; `within`: a code whose subtree to search; `limit` ≤ 50."""
    limit = _int_arg("limit", 20)
    if limit is None or not 1 <= limit <= localities.SEARCH_LIMIT_MAX:
        return problem(400, _("Bad request"), _("limit must be a whole number from 1 to 50."), "invalid_limit")
    level = request.args.get("level") or None
    if level is not None and level not in {lv.value for lv in LocalityLevel}:
        return problem(400, _("Bad request"), _("Unknown level."), "invalid_level")
    within = None
    if request.args.get("within"):
        within = localities.get_by_code(request.args["within"])
    q = request.args.get("q", "")
    results = localities.search(q, limit, level=LocalityLevel(level) if level else None, within=within)
    return jsonify({"items": [locality_json(loc) for loc in results]})


@bp.get("/localities/<code>")
def locality_show(code: str):
    return jsonify(locality_json(localities.get_by_code(code)))


@bp.get("/organizations")
def organizations_index():
    within = localities.get_by_code(request.args["locality"]) if request.args.get("locality") else None
    items = search_organizations(request.args.get("q", ""), within)
    return jsonify(
        {
            "items": [
                {"id": org.id, "name": org.name, "kind": org.kind, "locality_code": org.locality.code} for org in items
            ]
        }
    )
