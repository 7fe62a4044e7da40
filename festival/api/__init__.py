"""The JSON API (/api/v1): public data, registration and the ticket keys; its OpenAPI 3.1 description is generated
at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask

API_CONFIG = {
    "API_TITLE": "Ngày Hội API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No flask-smorest documentation UI (it loads its scripts from a CDN): /api/docs serves Swagger UI from npm
    # instead (festival/api/docs.py).
}


def init_api(app: Flask) -> None:
    """Register the /api/v1 blueprint and the generated description."""
    from festival.api import registrations
    from festival.api.openapi import Api
    from festival.api.views import bp
    from festival.extensions import csrf

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    description = "Public data of the festival days, registration, and the keys that verify tickets."
    api = Api(app, spec_kwargs={"info": {"description": description}})
    api.register_blueprint(bp)
    # JSON without cookies: exempt from the CSRF check (why: festival/api/registrations.py).
    csrf.exempt(registrations.bp)
    api.register_blueprint(registrations.bp)
    app.extensions["festival_api"] = api
