"""Public pages."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from festival.core.i18n import LANG_COOKIE
from festival.core.pagination import parse_page
from festival.core.web import local_target
from festival.editions import services as editions

bp = Blueprint("public", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def home():
    edition = editions.current_edition()
    page = stats = None
    if edition is not None:
        page = editions.public_festivals(edition, parse_page(request.args.get("page")))
        stats = editions.edition_stats(edition)
    return render_template("public/home.html", edition=edition, page=page, stats=stats)


@bp.get("/healthz")
def healthz():
    """The trivial endpoint: no database, no template. The benchmark's ceiling."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/language")
def set_language():
    """Switch the language; the choice sticks in a cookie for a year."""
    lang = request.form.get("lang", "")
    response = redirect(local_target(request.form.get("next")) or url_for("public.home"))
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=ONE_YEAR,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response
