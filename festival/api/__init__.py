"""The JSON API (/api/v1): read-only, public data; its OpenAPI 3.1 description is generated at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask

API_CONFIG = {
    "API_TITLE": "Ngày Hội API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No documentation UI: it would load its scripts from a CDN, and venues run offline.
}


def init_api(app: Flask) -> None:
    """Register the /api/v1 blueprint and the generated description."""
    from festival.api.openapi import Api
    from festival.api.views import bp

    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"info": {"description": "Public, read-only data of the festival days."}})
    api.register_blueprint(bp)
    app.extensions["festival_api"] = api
