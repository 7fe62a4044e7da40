"""The organizer dashboard."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from festival.accounts.auth import scope_locality
from festival.core.errors import DomainError
from festival.core.pagination import Page, parse_page
from festival.core.time import today_local
from festival.dashboard import services
from festival.editions import services as editions

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.get("")
@login_required
def index():
    all_editions = editions.list_editions()
    if request.args.get("edition"):
        edition = services.chosen_edition(request.args["edition"], all_editions)
    else:
        edition = editions.pick_current(all_editions, today_local(), include_drafts=True)
    q = request.args.get("q", "")
    page = chart = chosen = None
    filter_error = None
    if edition is not None:
        try:
            chosen = services.locality_filter(current_user, request.args.get("locality"), q, "q" in request.args)
        except DomainError as error:
            # The chosen unit is unknown or outside the scope: say so, and show nothing of it.
            filter_error = error
            page = Page(items=[], page=1, per_page=1, total=0)
        else:
            q = chosen.query
            page = editions.festivals_in_scope(
                current_user, edition, q, parse_page(request.args.get("page")), within=chosen.locality
            )
        chart = editions.festivals_per_day(edition, current_user, chosen.locality if chosen else None)
    return render_template(
        "dashboard/index.html",
        editions=all_editions,
        edition=edition,
        page=page,
        q=q,
        locality=chosen.locality if chosen else None,
        filter_error=filter_error,
        chart=chart,
        scope=scope_locality(current_user),
    )
