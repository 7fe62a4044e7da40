"""The organizer dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from festival.accounts.auth import scope_locality
from festival.core.pagination import parse_page
from festival.core.time import today_local
from festival.editions import services as editions

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("")
@login_required
def index():
    all_editions = editions.list_editions()
    year = request.args.get("edition", type=int)
    if year:
        edition = next((e for e in all_editions if e.year == year), None) or editions.get_edition(year)
    else:
        edition = editions.pick_current(all_editions, today_local(), include_drafts=True)
    q = request.args.get("q", "")
    page = chart = None
    if edition is not None:
        page = editions.festivals_in_scope(current_user, edition, q, parse_page(request.args.get("page")))
        chart = editions.festivals_per_day(edition, current_user)
    return render_template(
        "dashboard/index.html",
        editions=all_editions,
        edition=edition,
        page=page,
        q=q,
        chart=chart,
        scope=scope_locality(current_user),
    )
