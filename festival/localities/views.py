"""Public pages of the locality tree: a unit's page and the search page."""

from __future__ import annotations

import json

from flask import Blueprint, render_template, request
from markupsafe import Markup

from festival.agenda import published
from festival.core.cache import cached_text, query_key
from festival.core.headers import public_cache
from festival.core.pagination import parse_page
from festival.localities import services

bp = Blueprint("localities", __name__, url_prefix="/localities")


SEARCH_PER_PAGE = services.SEARCH_LIMIT_MAX


@bp.get("")
@public_cache
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
@public_cache
def show(code: str):
    page, fpage = parse_page(request.args.get("page")), parse_page(request.args.get("fpage"))

    def content() -> str:
        locality = services.get_by_code(code)  # an unknown code raises NotFound: a 404 is not cached
        html = render_template(
            "localities/_show.html",
            locality=locality,
            trail=services.ancestors(locality),
            children=services.children(locality, page),
            # Every public edition's festival days of the unit and below, newest edition first.
            festivals=published.festival_days_by_edition(locality, fpage),
        )
        return json.dumps([locality.full_name, html], ensure_ascii=False)

    # Keyed by every argument (see public.views.home): the pagination links repeat them.
    title, html = json.loads(cached_text("locality", (code, *query_key()), content))
    return render_template("localities/show.html", title=title, content=Markup(html))
