"""Response headers set on every answer: security headers, HSTS over HTTPS, and who may cache what.

- Pages seen by a logged-in user show organizer or personal data: `Cache-Control: no-store`, so that neither a
  shared proxy nor the browser's back button keeps them after logout.
- Public pages marked with `public_cache` may be kept briefly by a proxy (`public, max-age=…`) when the visitor
  is anonymous and the answer writes no session (a flashed message or a CSRF form is per visitor).
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, current_app, g, request, session

# Everything is served by the app itself: venues run offline on a LAN, with no CDN (docs/domain.md, "Offline").
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def public_cache(view):
    """Mark a GET view whose anonymous answer is the same for every visitor of a language."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        g.public_cache = True
        return view(*args, **kwargs)

    return wrapped


def _logged_in() -> bool:
    # Only a user Flask-Login has already loaded for this request: an answer that never looked at the user
    # cannot show their data, and loading it here would cost a query.
    user = g.get("_login_user")
    return bool(user is not None and user.is_authenticated)


def _cache_control(response, present: set[str]) -> None:
    if "cache-control" in present or request.endpoint == "static":
        return
    if _logged_in():
        response.headers["Cache-Control"] = "no-store"
        return
    if (
        g.get("public_cache")
        and request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not session.modified
        and not session
    ):
        seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
        response.headers["Cache-Control"] = f"public, max-age={seconds}"


SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def _security_headers(response):
    headers = response.headers
    present = {name.lower() for name, _value in headers.items()}  # one pass, not one scan per header
    headers.extend([(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present])
    if request.environ.get("wsgi.url_scheme") == "https" and current_app.config["HSTS_SECONDS"]:
        headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    _cache_control(response, present)
    return response


def register_headers(app: Flask) -> None:
    app.after_request(_security_headers)
