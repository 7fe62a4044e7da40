"""The language switch needs no session: public pages set no cookie, and cross-site posts are refused by their
Sec-Fetch-Site / Origin headers instead of a CSRF token."""

from __future__ import annotations

import pytest

PUBLIC_PAGES = [
    "/",
    "/?page=2",
    "/localities",
    "/localities?q=ha+noi",
    "/localities/01",
    "/localities/00376",
    "/localities/zz999",
    "/no/such/page",
    "/api/v1/localities?q=ha",
    "/healthz",
    "/static/css/app.css",
]


@pytest.mark.parametrize("lang", [None, "vi", "en"])
def test_anonymous_public_pages_set_no_cookie(client, world, lang):
    if lang:
        client.set_cookie("lang", lang)
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code < 500, url
        assert response.headers.getlist("Set-Cookie") == [], f"{url} sets {response.headers.getlist('Set-Cookie')}"
    assert client.get_cookie("session") is None


def test_the_login_page_may_start_a_session_for_its_form(client, world):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.get_data(as_text=True)


def test_the_language_form_carries_no_token(client, world):
    page = client.get("/localities/01").get_data(as_text=True)
    form = page[page.index('class="lang-switch"') : page.index("</form>", page.index('class="lang-switch"'))]
    assert 'name="lang"' in form and 'value="en"' in form
    assert "csrf_token" not in form
    assert 'name="csrf_token"' not in page  # no other form on an anonymous visitor's public page either


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no browser: curl, a script (no forgery possible)
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        {"Sec-Fetch-Site": "none"},  # typed or bookmarked
        {"Origin": "http://localhost"},  # an older browser on this site
    ],
    ids=["no-browser", "same-origin", "user-initiated", "origin-only"],
)
def test_the_switch_works_from_this_site_without_a_session(client, world, headers):
    response = client.post("/language", data={"lang": "en", "next": "/localities/01"}, headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == "/localities/01"
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and cookies[0].startswith("lang=en;"), cookies
    assert '<html lang="en">' in client.get("/localities/01").get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another origin
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost:8080"},
        {"Origin": "https://localhost"},
        {"Origin": "null"},
    ],
)
def test_a_cross_origin_switch_is_refused_and_changes_nothing(client, world, headers):
    client.set_cookie("lang", "vi")
    response = client.post("/language", data={"lang": "en", "next": "/"}, headers=headers)
    assert response.status_code == 400
    assert response.headers.getlist("Set-Cookie") == []
    assert "Biểu mẫu đã hết hạn hoặc được gửi từ nơi khác." in response.get_data(as_text=True)
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)
