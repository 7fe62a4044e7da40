"""/api/docs: the API's page for people, served by the app itself with Swagger UI from npm (no CDN)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from festival.core.i18n import LANG_COOKIE
from tests.programs import publish_program

ROOT = Path(__file__).resolve().parents[2]


def test_the_page_introduces_the_api_with_curl_examples(client, database):
    response = client.get("/api/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    for example in (
        "curl -s http://localhost/api/v1/festivals/",
        "/api/v1/agenda-items?year=2027&amp;locality=01",
        "-X POST http://localhost/api/v1/registrations",
        "http://localhost/api/v1/keys",
    ):
        assert example in html, example


def test_the_page_speaks_the_readers_language(client, database):
    """Vietnamese unless the reader chose English (the language cookie); the examples stay code."""
    vietnamese = client.get("/api/docs").get_data(as_text=True)
    assert '<html lang="vi">' in vietnamese
    client.set_cookie(LANG_COOKIE, "en")
    english = client.get("/api/docs").get_data(as_text=True)
    assert '<html lang="en">' in english and "Examples with curl" in english
    assert "curl -s -i http://localhost/api/v1/keys" in english


def test_the_page_loads_only_the_apps_own_files(client, database):
    html = client.get("/api/docs").get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    for asset in assets:
        assert asset.startswith(("/", "#")), asset  # nothing from another host, no CDN
    scripts = [src.split("?")[0] for src in re.findall(r'<script src="([^"]+)"', html)]
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in scripts and "/static/js/api-docs.js" in scripts
    assert not re.search(r"<script>(?!\s*</script>)", html)  # no inline script: the CSP allows none


def test_swagger_ui_is_copied_from_npm_by_the_build():
    """scripts/vendor.mjs copies the files (static/vendor is built, never committed)."""
    build = (ROOT / "scripts" / "vendor.mjs").read_text()
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert f"node_modules/swagger-ui-dist/{name}" in build
        assert (ROOT / "static" / "vendor" / "swagger-ui" / name).is_file(), "run `npm run build`"


def test_the_footer_links_to_the_api_page(client, database):
    assert 'href="/api/docs"' in client.get("/").get_data(as_text=True)


@pytest.mark.browser
def test_a_developer_sees_every_operation_listed(page, live_server, served, make, world, app):
    publish_program(make, world)
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Whatever Swagger UI would do against the Content-Security-Policy (an inline style, eval) is reported here.
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.violations.push(e.violatedDirective));"
    )
    page.goto(f"{live_server}/api/docs")
    operations = page.locator(".opblock-summary-path")
    operations.first.wait_for()
    shown = {text.replace("\u200b", "") for text in operations.all_inner_texts()}
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert shown == set(spec["paths"])
    assert page.locator(".opblock-post .opblock-summary-path", has_text="/api/v1/registrations").count() == 1
    assert page.evaluate("window.violations") == []
    assert errors == []
    assert "/api/v1/openapi.json" in served


@pytest.mark.browser
def test_the_page_fits_a_phone(page, live_server, make, world):
    publish_program(make, world)
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{live_server}/api/docs")
    page.locator(".opblock-summary-path").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("#api-examples-title").is_visible()
