"""/api/v1: JSON over the same services as the HTML pages; errors are RFC 9457 problem details.

Lists answer {"items": [...], "page", "per_page", "total"} with an RFC 8288 `Link` header (first, prev, next, last)
and take `page` (from 1) and `per_page` (1 to 50; `limit` is its older name).
"""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _

from festival.core.cache import cached_response
from festival.core.errors import DomainError
from festival.core.headers import public_cache
from festival.core.pagination import Page
from festival.core.params import parse_int
from festival.localities import services as localities
from festival.localities.models import Locality
from festival.organizations.services import ORGANIZATIONS_PER_PAGE_MAX, search_organizations_page

bp = Blueprint("api", __name__, url_prefix="/api/v1")

DEFAULT_PER_PAGE = 20
# A page number past this could never hold a result (50 a page over every unit there could be).
PAGE_MAX = 1_000_000


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


def page_arguments(per_page_max: int) -> tuple[int, int]:
    """`page` and `per_page` (or its older name `limit`) from the query string, checked."""
    page = 1
    if request.args.get("page", "") != "":
        page = parse_int(request.args["page"], 1, PAGE_MAX)
        if page is None:
            raise DomainError(_("page must be a whole number from 1."), "invalid_page", field="page")
    name = "per_page" if request.args.get("per_page", "") != "" else "limit"
    per_page = DEFAULT_PER_PAGE
    if request.args.get(name, "") != "":
        per_page = parse_int(request.args[name], 1, per_page_max)
        if per_page is None:
            raise DomainError(
                _("%(name)s must be a whole number from 1 to %(max)s.", name=name, max=per_page_max),
                f"invalid_{name}",
                field=name,
            )
    return page, per_page


def paged_json(page: Page, items: list[dict], last_page: int | None = None):
    """The list body and its Link header; `last_page` caps the pages that can be asked for."""
    response = jsonify({"items": items, "page": page.page, "per_page": page.per_page, "total": page.total})
    last = max(1, ceil(page.total / page.per_page))
    if last_page is not None:
        last = min(last, last_page)
    args = {k: v for k, v in request.args.items() if k not in ("page", "limit")}
    args["per_page"] = str(page.per_page)

    def link(number: int, rel: str) -> str:
        return f'<{request.path}?{urlencode({**args, "page": str(number)})}>; rel="{rel}"'

    links = [link(1, "first")]
    if page.page > 1:
        links.append(link(min(page.page - 1, last), "prev"))
    if page.page < last:
        links.append(link(page.page + 1, "next"))
    links.append(link(last, "last"))
    response.headers["Link"] = ", ".join(links)
    return response


@bp.get("/localities")
@public_cache
@cached_response("api-localities")
def localities_index():
    """`q`: accent-insensitive prefix search (unit types and everyday names understood); `level`; `within`: a code
    whose subtree to search; `page`, `per_page` ≤ 50 (`limit`)."""
    page, per_page = page_arguments(localities.SEARCH_LIMIT_MAX)
    level = localities.parse_level(request.args.get("level"))
    within = None
    if request.args.get("within"):
        within = localities.get_by_code(request.args["within"])
    q = request.args.get("q", "")
    results = localities.search_page(q, page, per_page, level=level, within=within)
    return paged_json(results, [locality_json(loc) for loc in results.items], localities.last_search_page(per_page))


@bp.get("/localities/<code>")
@public_cache
@cached_response("api-locality")
def locality_show(code: str):
    return jsonify(locality_json(localities.get_by_code(code)))


@bp.get("/organizations")
@public_cache
@cached_response("api-organizations")
def organizations_index():
    """`q`: accent-insensitive part of the name; `locality`: a code whose subtree to list; `kind`; pages as above."""
    page, per_page = page_arguments(ORGANIZATIONS_PER_PAGE_MAX)
    kind = request.args.get("kind") or None
    within = localities.get_by_code(request.args["locality"]) if request.args.get("locality") else None
    results = search_organizations_page(request.args.get("q", ""), within, kind=kind, page=page, per_page=per_page)
    return paged_json(
        results,
        [
            {
                "id": org.id,
                "name": org.name,
                "kind": org.kind,
                "locality_code": org.locality.code,
                "locality_name": org.locality.full_name,
            }
            for org in results.items
        ],
    )
