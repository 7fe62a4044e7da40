"""Public pages of the locality tree: a unit's page and the search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from festival.core.pagination import parse_page
from festival.editions import services as editions
from festival.localities import services

bp = Blueprint("localities", __name__, url_prefix="/localities")


SEARCH_PER_PAGE = services.SEARCH_LIMIT_MAX


@bp.get("")
def search():
    q = request.args.get("q", "")
    results = None
    if q.strip():
        # A page past the last shows the last one (as every list does); past the window, the window's last.
        page = min(parse_page(request.args.get("page")), services.last_search_page(SEARCH_PER_PAGE))
        results = services.search_page(q, page, SEARCH_PER_PAGE)
        if results.page > results.pages:
            results = services.search_page(q, results.pages, SEARCH_PER_PAGE)
    return render_template("localities/search.html", q=q, results=results, window=services.SEARCH_WINDOW)


@bp.get("/<code>")
def show(code: str):
    locality = services.get_by_code(code)
    trail = services.ancestors(locality)
    children = services.children(locality, parse_page(request.args.get("page")))
    edition = editions.current_edition()
    festivals = None
    if edition is not None:
        festivals = editions.public_festivals(edition, parse_page(request.args.get("fpage")), within=locality)
    return render_template(
        "localities/show.html",
        locality=locality,
        trail=trail,
        children=children,
        edition=edition,
        festivals=festivals,
    )
