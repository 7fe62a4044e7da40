"""Public pages of the locality tree: a unit's page and the search page."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from festival.core.pagination import parse_page
from festival.editions import services as editions
from festival.localities import services

bp = Blueprint("localities", __name__, url_prefix="/localities")


@bp.get("")
def search():
    q = request.args.get("q", "")
    results = services.search(q, limit=50) if q.strip() else []
    return render_template("localities/search.html", q=q, results=results)


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
