"""Cross-cutting web behaviour: error pages in the reader's language, JSON problems, security headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from festival.core.errors import DomainError

# Everything is served by the app itself: venues run offline on a LAN (DESIGN.md §2).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


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
        413: (_("Too large"), _("The file you sent is too large.")),
        429: (_("Too many attempts"), _("Please wait a minute and try again.")),
        500: (_("Server error"), _("Something went wrong on our side. Please try again later.")),
    }
    return messages.get(status, (_("Error"), ""))


def render_error(status: int, detail: str | None = None, code: str | None = None):
    title, default_detail = _messages(status)
    if wants_json():
        return problem(status, title, detail or default_detail, code)
    return render_template("errors/error.html", status=status, title=title, detail=detail or default_detail), status


def register_web(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        detail = None
        if isinstance(error, CSRFError):
            detail = _("Your form expired or was sent from elsewhere. Reload the page and try again.")
        return render_error(status, detail)

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        return render_error(error.status, str(error.message), error.code)

    @app.errorhandler(500)
    def _server_error(_error):
        return render_error(500)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
