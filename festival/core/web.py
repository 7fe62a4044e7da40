"""Cross-cutting web behaviour: error pages in the reader's language, JSON problems, and the one place where bad
input becomes a 400/404 instead of a 500.

- URL converters check ids against the columns' range before any query (`<int:…>` is replaced app-wide).
- A NUL character anywhere in the path, the query string or a form is refused with a 400: PostgreSQL cannot
  store it in text and would fail inside the driver.
- A unique-constraint race that a service did not map (see `festival.core.db.commit_unique`) becomes a 409.
- Any other unexpected error rolls the session back first (so the error page itself can still query) and renders
  a 500 page of the app, with the security headers; if even that fails, a minimal page in the reader's language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, g, has_request_context, jsonify, make_response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from festival.core.db import is_unique_violation
from festival.core.errors import DomainError
from festival.core.params import ID_MAX
from festival.extensions import csrf

FORM_MIMETYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def local_target(target: str | None) -> str | None:
    r"""`target` if it is a path on this site, else None: no open redirect.

    Browsers read a backslash as a slash ("/\evil.example" is "//evil.example") and drop tabs and new lines
    from URLs ("/<TAB>/evil.example" is "//evil.example"), so targets with either are refused, as well as those
    with a scheme or a host.
    """
    if target and target.startswith("/") and "\\" not in target and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and not target.startswith("//"):
            return target
    return None


def wants_json() -> bool:
    return request.path.startswith("/api/")


def public_base() -> str:
    """The site's address for links that leave the page (feeds, e-mails, QR codes): PUBLIC_BASE_URL, else the
    address of the current request, without a trailing slash."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://127.0.0.1:5000").rstrip("/")


def problem(status: int, title: str, detail: str = "", code: str | None = None, **extra):
    """An RFC 9457 problem details response."""
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    if code:
        body["code"] = code
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _messages(status: int) -> tuple[str, str]:
    messages = {
        400: (_("Bad request"), _("The request could not be understood.")),
        403: (_("Forbidden"), _("You do not have permission to see this page.")),
        404: (_("Not found"), _("The page or the unit you asked for does not exist.")),
        405: (_("Method not allowed"), _("This address does not accept that kind of request.")),
        409: (_("Conflict"), _("Someone else changed the same data at the same moment. Reload and try again.")),
        413: (_("Too large"), _("The file you sent is too large.")),
        429: (_("Too many attempts"), _("Please wait a minute and try again.")),
        500: (_("Server error"), _("Something went wrong on our side. Please try again later.")),
        503: (_("Unavailable"), _("The service is not available right now. Please try again later.")),
    }
    return messages.get(status, (_("Error"), ""))


def render_error(status: int, detail: str | None = None, code: str | None = None):
    title, default_detail = _messages(status)
    if wants_json():
        return problem(status, title, detail or default_detail, code)
    return render_template("errors/error.html", status=status, title=title, detail=detail or default_detail), status


def _rollback() -> None:
    """Leave the session usable: a failed flush or commit leaves it refusing every query until rolled back."""
    from festival.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection itself may be gone; the page must still render
        current_app.logger.exception("rollback after an error failed")


def render_error_safely(status: int, detail: str | None = None, code: str | None = None):
    """render_error, falling back to a minimal page when the template cannot render (no database, say)."""
    try:
        return render_error(status, detail, code)
    except Exception:  # noqa: BLE001 - last resort: never answer with a bare server page
        current_app.logger.exception("the error page failed to render")
        _rollback()
        title, default_detail = _messages(status)
        if wants_json():
            return problem(status, title, detail or default_detail, code)
        lang = escape(str(g.get("lang") or request.cookies.get("lang") or "vi"))
        body = (
            f'<!doctype html><html lang="{lang}"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{status} · {escape(title)}</h1><p>{escape(detail or default_detail)}</p>"
            f'<p><a href="/">{escape(_("Back to the home page"))}</a></p></html>'
        )
        return body, status, {"Content-Type": "text/html; charset=utf-8"}


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer built once instead of on every request.

    Flask makes a new itsdangerous serializer for each request (and itsdangerous test-serializes `{}` to make it):
    the largest single cost of a request that does nothing else. The serializer holds no per-request state, so
    one per key is enough; a new SECRET_KEY (or new fallbacks) makes a new one.
    """

    def get_signing_serializer(self, app):
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = getattr(self, "_cached", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        serializer = super().get_signing_serializer(app)
        self._cached = (key, serializer)
        return serializer


class IdConverter(IntegerConverter):
    """`<int:…>` everywhere: a whole number from 0 to the largest id every database holds, else no match (404).

    Werkzeug's own converter accepts any length of digits, and a number past 2³¹−1 (PostgreSQL) or 2⁶³−1
    (SQLite) then fails inside the driver instead of finding nothing.
    """

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, 0 if min is None else min, ID_MAX if max is None else max, signed)


def _has_nul(values) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul() -> None:
    """Refuse a NUL character in the path, the query string or a form: no field of ours accepts one."""
    environ = request.environ
    if (
        "\x00" not in environ.get("PATH_INFO", "")
        and "%00" not in environ.get("QUERY_STRING", "")
        and request.method in ("GET", "HEAD")
    ):
        return  # the common case, decided without parsing anything: a NUL can only come percent-encoded
    writes = request.method in {"POST", "PUT", "PATCH", "DELETE"} and request.mimetype in FORM_MIMETYPES
    if "\x00" in request.path or _has_nul(request.args) or (writes and _has_nul(request.form)):
        raise DomainError(_l("The request contains a NUL character, which no field accepts."), "nul_character")


def guard_request() -> None:
    """Before every view: NUL refused, then the CSRF token of a writing request checked (views marked with
    `csrf.exempt` aside): Flask-WTF's check, called only where it applies."""
    refuse_nul()
    if request.method in current_app.config["WTF_CSRF_METHODS"]:
        csrf.protect(apply_exemptions=True)


def register_web(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = IdConverter
    app.before_request(guard_request)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        detail = None
        if isinstance(error, CSRFError):
            detail = _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        if status >= 500:
            _rollback()
        response = make_response(render_error_safely(status, detail))
        # The exception's own headers: a 405 must name the methods allowed (Allow, RFC 9110), a 429 may say when.
        response.headers.extend([(k, v) for k, v in error.get_headers() if k.lower() != "content-type"])
        return response

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        _rollback()
        return render_error_safely(error.status, str(error.message), error.code)

    @app.errorhandler(IntegrityError)
    def _integrity_error(error: IntegrityError):
        _rollback()
        if is_unique_violation(error):
            # A unique constraint a service did not map to a field error: two requests saving the same at once.
            current_app.logger.warning("unique constraint race: %s", error.orig)
            return render_error_safely(409)
        # A check or a foreign key the services should have enforced first: a bug, answered as one.
        current_app.logger.exception("integrity error on %s %s", request.method, request.path)
        return render_error_safely(500)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        current_app.logger.exception("unexpected error on %s %s", request.method, request.path)
        _rollback()
        return render_error_safely(500)
