"""Public pages."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from babel.dates import format_date
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from festival.agenda import published
from festival.agenda.models import CommendationLevel, SigningKind
from festival.core.cache import cached_fragment, cached_text, query_key
from festival.core.headers import public_cache
from festival.core.i18n import LANG_COOKIE, current_language
from festival.core.pagination import parse_page
from festival.core.time import to_local
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


@bp.get("/festivals/<int:festival_id>")
@public_cache
def festival(festival_id: int):
    """A festival day's public page: its published program, commendations and signings; a festival whose program
    is still a draft shows only its date and venue. Printable on A4 (static/css/festival.css)."""

    def content() -> str:
        # An unknown festival, or one of an unpublished edition, raises NotFound: a 404 is not cached.
        shown = published.festival_page(festival_id)
        html = render_template(
            "public/_festival.html",
            shown=shown,
            festival=shown.festival,
            weekday=weekday,
            levels={level.value: level.label for level in CommendationLevel},
            signing_kinds={kind.value: kind.label for kind in SigningKind},
        )
        return json.dumps([shown.festival.locality.full_name, html], ensure_ascii=False)

    title, html = json.loads(cached_text("festival", (festival_id,), content))
    return render_template("public/festival.html", title=title, content=Markup(html))


def weekday(moment) -> str:
    """The local day of the week, in the reader's language ("Thứ Ba", "Tuesday")."""
    return format_date(to_local(moment).date(), "EEEE", locale=current_language())


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
