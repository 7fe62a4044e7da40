"""The JSON API (/api/v1): public data, registration, the ticket keys, and an organizer's own counts (bearer
token); its OpenAPI 3.1 description is generated at /api/v1/openapi.json.

What every answer under /api/v1 shares is set here, after the views:
- a GET answered 200 carries a strong `ETag` (SHA-256 of the body), and `If-None-Match` with it answers 304: a
  client polling a list pays for the body only when it changed (the body of a cached list is itself keyed by the
  data version, festival/core/cache.py, so the tag changes exactly when the data does);
- every error is an RFC 9457 problem (festival/core/web.py); a 405 also names the methods allowed (`Allow`).
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException

API_CONFIG = {
    "API_TITLE": "Ngày Hội API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No flask-smorest documentation UI (it loads its scripts from a CDN): /api/docs serves Swagger UI from npm
    # instead (festival/api/docs.py).
}

API_PREFIX = "/api/"
DESCRIPTION = (
    "Public data of the festival days, registration, the keys that verify tickets, and (with a personal API token) "
    "an organizer's own registration counts. Lists take `page` and `per_page` and answer `page`, `per_page` and "
    "`total` with an RFC 8288 `Link` header. Every GET answer has an `ETag`: send it back in `If-None-Match` to "
    "get 304 Not Modified while nothing changed. Errors are RFC 9457 problem details (application/problem+json) "
    "with a stable `code`."
)


def _allowed_methods() -> str:
    try:
        methods = current_app.url_map.bind_to_environ(request.environ).allowed_methods()
    except HTTPException:
        methods = []
    return ", ".join(sorted(set(methods) | {"OPTIONS"})) if methods else ""


def finish_answer(response):
    """ETag and conditional GET on the API's successful reads; `Allow` on its 405 problems."""
    if not request.path.startswith(API_PREFIX):
        return response
    if response.status_code == 405 and "Allow" not in response.headers:
        allowed = _allowed_methods()
        if allowed:
            response.headers["Allow"] = allowed
    if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed:
        if "ETag" not in response.headers:
            response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:40])
        response.make_conditional(request)
    return response


def init_api(app: Flask) -> None:
    """Register the /api/v1 blueprints and the generated description."""
    from festival.api import checkin, private, registrations
    from festival.api.openapi import Api, ConditionalGetPlugin
    from festival.api.views import bp
    from festival.extensions import csrf

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": DESCRIPTION}, "extra_plugins": [ConditionalGetPlugin()]})
    api.spec.components.security_scheme(private.BEARER, private.SECURITY_SCHEME)
    api.spec.components.security_scheme(checkin.DEVICE, checkin.SECURITY_SCHEME)
    api.register_blueprint(bp)
    # JSON without cookies: exempt from the CSRF check (why: festival/api/registrations.py).
    csrf.exempt(registrations.bp)
    api.register_blueprint(registrations.bp)
    # Bearer token only, never the login cookie (festival/api/private.py): nothing for a forged form to ride on.
    csrf.exempt(private.bp)
    api.register_blueprint(private.bp)
    # A device token only (festival/api/checkin.py), as the private API.
    csrf.exempt(checkin.bp)
    api.register_blueprint(checkin.bp)
    # First in the list, so it runs last (Flask runs them in reverse): the 304 keeps the Cache-Control and
    # security headers the 200 got (festival/core/headers.py decides them on the 200).
    app.after_request_funcs.setdefault(None, []).insert(0, finish_answer)
    app.extensions["festival_api"] = api
