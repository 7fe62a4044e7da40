"""/api/v1: JSON over the same services as the HTML pages; errors are RFC 9457 problem details.

Lists answer {"items": [...], "page", "per_page", "total"} with an RFC 8288 `Link` header (first, prev, next, last)
and take `page` (from 1) and `per_page` (1 to 50; `limit` is its older name). Parameters and answers are the
schemas of festival/api/schemas.py, which also make the OpenAPI description (festival/api/openapi.py).
"""

from __future__ import annotations

from math import ceil
from urllib.parse import urlencode

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from festival.agenda import published
from festival.agenda.models import AgendaItem
from festival.api import catalog, schemas
from festival.api.openapi import PROBLEM_JSON, Blueprint, ProblemSchema, parameter_problem
from festival.core.cache import cached_response
from festival.core.errors import DomainError
from festival.core.headers import public_cache
from festival.core.pagination import Page
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.localities import services as localities
from festival.localities.models import Locality, LocalityLevel
from festival.organizations.models import Venue
from festival.organizations.services import search_organizations_page

bp = Blueprint("api", __name__, url_prefix="/api/v1", description="The public read API.")
bp.register_error_handler(DomainError, parameter_problem)


def paged(page: Page, items: list[dict], last_page: int | None = None):
    """The list body and its Link header; `last_page` caps the pages that can be asked for."""
    body = {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total}
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
    return body, 200, {"Link": ", ".join(links)}


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


def venue_json(venue: Venue | None) -> dict | None:
    return None if venue is None else {"id": venue.id, "name": venue.name, "address": venue.address}


def festival_json(festival: LocalityFestival) -> dict:
    return {
        "id": festival.id,
        "edition": festival.edition.year,
        "locality_code": festival.locality.code,
        "locality_name": festival.locality.full_name,
        "starts_at": to_local(festival.starts_at),
        "ends_at": to_local(festival.ends_at),
        "venue": venue_json(festival.venue),
        "is_practice": festival.is_practice,
        "is_model_site": festival.is_model_site,
        "status": festival.status,
        "hosts": [{"id": org.id, "name": org.name, "kind": org.kind} for org in festival.hosts],
        "program_published": festival.program_published_at is not None,
        "url": url_for("public.festival", festival_id=festival.id),
    }


def item_json(item: AgendaItem) -> dict:
    return {
        "id": item.id,
        "festival_id": item.festival_id,
        "part": item.part,
        "kind": item.kind,
        "title": item.title,
        "description": item.description,
        "starts_at": to_local(item.starts_at),
        "ends_at": to_local(item.ends_at),
        "venue": venue_json(item.venue),
        "capacity": item.capacity,
        "takes_registrations": item.takes_registrations,
        "status": item.status,
        "revision": item.revision,
        "updated_at": to_local(item.updated_at),
        "organizations": [
            {"id": p.organization.id, "name": p.organization.name, "role": p.role} for p in item.participants
        ],
        "people": [{"full_name": p.full_name, "position": p.position_title} for p in item.people],
    }


def _within(code: str | None) -> Locality | None:
    return localities.get_by_code(code) if code else None


BAD_REQUEST = {
    "status_code": 400,
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "A parameter is not valid: the problem's code is invalid_<parameter>.",
}
NOT_FOUND = {
    "status_code": 404,
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "No such unit (code locality_not_found) or festival day (festival_not_found).",
}


@bp.route("/localities", methods=["GET"])
@public_cache
@cached_response("api-localities")
@bp.arguments(schemas.LocalityQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.LocalityPage, headers=schemas.LINK_HEADER)
@bp.alt_response(**BAD_REQUEST)
@bp.alt_response(**NOT_FOUND)
def localities_index(
    q: str, page: int, level: str | None = None, within: str | None = None, parent: str | None = None, **paging
):
    """Search the administrative units, or list one unit's direct children.

    `q`: accent-insensitive prefix search (unit types and everyday names understood); `level`; `within`: a code
    whose subtree to search. `parent`: a unit's code, whose direct children are listed in official code order
    (with `q` or `level`: those of them that match; not with `within`).
    """
    per_page = schemas.per_page_of(paging)
    if parent is not None:
        parent_unit = localities.get_by_code(parent)
        if not q and level is None and within is None:
            results = catalog.children_page(parent_unit, page, per_page)
            return paged(results, [locality_json(loc) for loc in results.items])
        return _children_search(q, page, per_page, parent_unit, level, within)
    results = localities.search_page(q, page, per_page, level=localities.parse_level(level), within=_within(within))
    return paged(results, [locality_json(loc) for loc in results.items], localities.last_search_page(per_page))


def _children_search(q: str, page: int, per_page: int, parent: Locality, level: str | None, within: str | None):
    """The search of `parent`'s subtree at the level just below it: its direct children that match `q`."""
    if within is not None:
        raise DomainError(_l("parent and within cannot be used together."), "invalid_within", field="within")
    wanted = localities.parse_level(level)
    below = next((lv for lv in LocalityLevel if lv.depth == parent.depth + 1), None)
    if below is None or (wanted is not None and wanted != below):
        results = Page(items=[], page=page, per_page=per_page, total=0)
    else:
        results = localities.search_page(q, page, per_page, level=below, within=parent)
    return paged(results, [locality_json(loc) for loc in results.items], localities.last_search_page(per_page))


@bp.route("/localities/<code>", methods=["GET"])
@public_cache
@cached_response("api-locality")
@bp.response(200, schemas.LocalitySchema)
@bp.alt_response(**NOT_FOUND)
def locality_show(code: str):
    """One administrative unit, by its code."""
    return locality_json(localities.get_by_code(code))


@bp.route("/organizations", methods=["GET"])
@public_cache
@cached_response("api-organizations")
@bp.arguments(schemas.OrganizationQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.OrganizationPage, headers=schemas.LINK_HEADER)
@bp.alt_response(**BAD_REQUEST)
@bp.alt_response(**NOT_FOUND)
def organizations_index(q: str, page: int, locality: str | None = None, kind: str | None = None, **paging):
    """Organizations, by name.

    `q`: accent-insensitive part of the name; `locality`: a code whose subtree to list; `kind`.
    """
    results = search_organizations_page(
        q, _within(locality), kind=kind, page=page, per_page=schemas.per_page_of(paging)
    )
    return paged(
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


@bp.route("/festivals", methods=["GET"])
@public_cache
@cached_response("api-festivals")
@bp.arguments(schemas.FestivalQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.FestivalPage, headers=schemas.LINK_HEADER)
@bp.alt_response(**BAD_REQUEST)
@bp.alt_response(**NOT_FOUND)
def festivals_index(page: int, year: int | None = None, locality: str | None = None, **paging):
    """Festival days of published editions, by time.

    `year`: the edition; `locality`: a unit's code, its whole subtree.
    """
    results = published.festivals_page(year, _within(locality), page, schemas.per_page_of(paging))
    return paged(results, [festival_json(f) for f in results.items])


@bp.route("/festivals/<int:festival_id>", methods=["GET"])
@public_cache
@cached_response("api-festival")
@bp.response(200, schemas.FestivalDetailSchema)
@bp.alt_response(**NOT_FOUND)
def festival_show(festival_id: int):
    """A festival day with its published program (an empty list while the program is not published)."""
    festival = published.get_festival(festival_id)
    return festival_json(festival) | {"program": [item_json(item) for item in published.program(festival)]}


@bp.route("/agenda-items", methods=["GET"])
@public_cache
@cached_response("api-agenda-items")
@bp.arguments(schemas.ItemQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.AgendaItemPage, headers=schemas.LINK_HEADER)
@bp.alt_response(**BAD_REQUEST)
@bp.alt_response(**NOT_FOUND)
def agenda_items_index(page: int, **args):
    """Published agenda items (cancelled ones included, as cancelled) of published programs, by start time.

    `from` / `to`: local days (yyyy-mm-dd, `to` included) or ISO 8601 date-times; `updated_since`: an ISO 8601
    date-time, for clients that keep a copy.
    """
    start_from = schemas.start_bound(args.get("start_from"), end=False)
    start_before = schemas.start_bound(args.get("start_to"), end=True)
    if start_from is not None and start_before is not None and start_before <= start_from:
        raise DomainError(_l("to must come after from."), "invalid_to", field="to")
    filters = published.ItemFilters(
        year=args.get("year"),
        within=_within(args.get("locality")),
        start_from=start_from,
        start_before=start_before,
        part=args.get("part"),
        kind=args.get("kind"),
        updated_since=args.get("updated_since"),
    )
    results = published.items_page(filters, page, schemas.per_page_of(args))
    return paged(results, [item_json(item) for item in results.items])


def edition_json(edition, festival_days: int) -> dict:
    return {
        "year": edition.year,
        "theme": edition.theme,
        "status": edition.status,
        "season_start": edition.season_start,
        "season_end": edition.season_end,
        "main_day": edition.main_day,
        "festival_days": festival_days,
        "url": url_for("api.festivals_index", year=edition.year),
    }


@bp.route("/editions", methods=["GET"])
@public_cache
@cached_response("api-editions")
@bp.arguments(schemas.EditionQuery, location="query", as_kwargs=True)
@bp.response(200, schemas.EditionPage, headers=schemas.LINK_HEADER)
@bp.alt_response(**BAD_REQUEST)
def editions_index(page: int, **paging):
    """The published and archived editions of the festival, newest first, with their number of festival days."""
    results = catalog.editions_page(page, schemas.per_page_of(paging))
    return paged(results, [edition_json(edition, days) for edition, days in results.items])


@bp.route("/editions/<int:year>", methods=["GET"])
@public_cache
@cached_response("api-edition")
@bp.response(200, schemas.EditionSchema)
@bp.alt_response(
    status_code=404,
    schema=ProblemSchema,
    content_type=PROBLEM_JSON,
    description="No published or archived edition of that year (edition_not_found).",
)
def edition_show(year: int):
    """One published or archived edition, by its year."""
    return edition_json(*catalog.edition(year))
