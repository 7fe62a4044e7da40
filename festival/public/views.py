"""Public pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from festival.core.cache import cached_fragment, query_key
from festival.core.headers import public_cache
from festival.core.i18n import LANG_COOKIE
from festival.core.pagination import parse_page
from festival.core.web import local_target
from festival.editions import services as editions
from festival.extensions import csrf

bp = Blueprint("public", __name__)

ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
@public_cache
def home():
    number = parse_page(request.args.get("page"))

    def content() -> str:
        edition = editions.current_edition()
        page = stats = None
        if edition is not None:
            page = editions.public_festivals(edition, number)
            stats = editions.edition_stats(edition)
        return render_template("public/_home.html", edition=edition, page=page, stats=stats)

    # Keyed by every argument, not only the page: the pagination links repeat the others, and a fragment must not
    # carry one visitor's arguments to the next.
    return render_template("public/home.html", content=cached_fragment("home", query_key(), content))


@bp.get("/healthz")
def healthz():
    """The trivial endpoint: no database, no template. The benchmark's ceiling."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


def cross_origin() -> bool:
    """Whether a browser sent this request from another site (the rule of Go's http.CrossOriginProtection).

    Browsers say where a request comes from: `Sec-Fetch-Site` (every current browser) and `Origin` (on every
    POST). A request that has neither comes from no browser (curl, a script), which is no cross-site forgery.
    """
    if request.headers.get("Sec-Fetch-Site", "").lower() in {"cross-site", "same-site"}:
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    parts = urlsplit(origin)
    return (parts.scheme, parts.netloc.lower()) != (request.scheme, request.host.lower())


@bp.post("/language")
@csrf.exempt
def set_language():
    """Switch the language; the choice sticks in a cookie for a year.

    The form carries no CSRF token (a token needs a session cookie, which would make every public page personal
    and uncacheable); cross-site posts are refused by their headers instead. At worst a forged switch would only
    change the language.
    """
    if cross_origin():
        raise CSRFError("The request came from another site.")
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
