"""/api/docs: the API's page for people, served by the app itself (venues run offline: no CDN).

A short introduction with curl examples, then Swagger UI reading /api/v1/openapi.json. Swagger UI's files come
from the `swagger-ui-dist` npm package, copied into static/vendor by scripts/vendor.mjs at build; a static script
(static/js/api-docs.js) starts it, as the Content-Security-Policy allows no inline script.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for

from festival.core.headers import public_cache

bp = Blueprint("api_page", __name__)

# What the examples register for: an illustration, not a real festival day or person.
EXAMPLE_FESTIVAL_ID = 1


@bp.get("/api/docs")
@public_cache
def docs():
    """The page; the examples name this server's address, so they can be pasted as they are."""
    base = request.host_url.rstrip("/")
    return render_template(
        "api/docs.html",
        base=base,
        spec_url=url_for("api-docs.openapi_json"),
        festival_id=EXAMPLE_FESTIVAL_ID,
    )
