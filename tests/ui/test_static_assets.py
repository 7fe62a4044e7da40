"""Static files: fingerprinted URLs cached for a year, text compressed (brotli, gzip), the home page light."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
from datetime import date
from pathlib import Path

import brotli
import pytest

from festival.core.assets import AssetStore

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def version_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def page_assets(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in ASSET_RE.findall(html)]


@pytest.fixture
def world(make):
    tree = make.tree()
    edition = make.edition(2027)
    for i, code in enumerate(["00004", "00070", "00376", "14758", "22015", "00376001", "00376002"]):
        venue = make.venue(tree[code], name=f"Nhà văn hoá {tree[code].name}")
        make.festival(edition, tree[code], day=date(2027, 8, 1 + i), venue=venue)
    return tree


def test_pages_link_their_css_and_js_with_the_content_hash(client, world):
    html = client.get("/").get_data(as_text=True)
    urls = page_assets(html)
    assert f"/static/css/app.css?v={version_of(STATIC / 'css' / 'app.css')}" in urls
    assert f"/static/js/app.js?v={version_of(STATIC / 'js' / 'app.js')}" in urls
    assert f"/static/favicon.svg?v={version_of(STATIC / 'favicon.svg')}" in urls


def test_a_fingerprinted_file_is_cached_for_a_year(client, world):
    version = version_of(STATIC / "css" / "app.css")
    response = client.get(f"/static/css/app.css?v={version}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()
    assert response.mimetype == "text/css"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("query", ["", "?v=0123456789abcdef"], ids=["plain", "old-version"])
def test_an_unversioned_or_outdated_url_is_revalidated(client, world, query):
    response = client.get(f"/static/css/app.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    etag = response.headers["ETag"]
    again = client.get(f"/static/css/app.css{query}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br, zstd", "br", brotli.decompress),
        ("br;q=0.5, gzip", "gzip", gzip.decompress),
        ("gzip, deflate", "gzip", gzip.decompress),
        ("", None, lambda body: body),
        ("identity", None, lambda body: body),
        ("br;q=0, gzip;q=0", None, lambda body: body),
    ],
)
@pytest.mark.parametrize("filename", ["css/app.css", "js/app.js", "favicon.svg"])
def test_text_assets_are_sent_compressed(client, world, accept, encoding, decode, filename):
    original = (STATIC / filename).read_bytes()
    url = f"/static/{filename}?v={version_of(STATIC / filename)}"
    response = client.get(url, headers={"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200
    body = response.get_data()
    if encoding and len(original) > 200:
        assert response.headers["Content-Encoding"] == encoding
        assert len(body) < len(original)
    else:
        assert response.headers.get("Content-Encoding") in (None, encoding)
    if response.headers.get("Content-Encoding") is None:
        decode = lambda b: b  # noqa: E731
    assert decode(body) == original
    assert int(response.headers["Content-Length"]) == len(body)
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["ETag"]
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_each_encoding_has_its_own_etag(client, world):
    url = f"/static/js/app.js?v={version_of(STATIC / 'js' / 'app.js')}"
    tags = {client.get(url, headers={"Accept-Encoding": accept}).headers["ETag"] for accept in ("br", "gzip", "")}
    assert len(tags) == 3
    br_tag = client.get(url, headers={"Accept-Encoding": "br"}).headers["ETag"]
    assert client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": br_tag}).status_code == 304
    assert client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": br_tag}).status_code == 200


def test_head_answers_like_get_without_a_body(client, world):
    url = f"/static/css/app.css?v={version_of(STATIC / 'css' / 'app.css')}"
    get = client.get(url, headers={"Accept-Encoding": "gzip"})
    head = client.head(url, headers={"Accept-Encoding": "gzip"})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "url",
    ["/static/nothing/here.css", "/static/../festival/app.py", "/static/%2e%2e/festival/app.py", "/static/css"],
)
def test_missing_or_outside_files_are_404(client, world, url):
    assert client.get(url).status_code == 404


def test_a_changed_file_gets_a_new_version(tmp_path):
    (tmp_path / "a.css").write_text("body { color: red; }" * 50)
    store = AssetStore(str(tmp_path))
    first = store.version("a.css")
    assert store.get("a.css").encodings()  # compressed once
    (tmp_path / "a.css").write_text("body { color: blue; }" * 50)
    stat = os.stat(tmp_path / "a.css")
    os.utime(tmp_path / "a.css", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = store.version("a.css")
    assert second != first
    assert brotli.decompress(store.get("a.css").encodings()["br"]) == (tmp_path / "a.css").read_bytes()
    assert store.version("missing.css") is None
    assert store.version("../a.css") is None


def test_the_chart_library_is_not_loaded_by_pages_without_a_chart(client, world):
    for url in ("/", "/localities", "/localities/01", "/login"):
        assert "chart.umd" not in " ".join(page_assets(client.get(url).get_data(as_text=True))), url


def test_the_home_page_with_its_css_and_js_weighs_at_most_30_kb_compressed(client, world):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data()
    total = len(gzip.compress(html, 6))  # as a proxy would send it
    for url in page_assets(html.decode()):
        asset = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200, url
        total += len(asset.get_data())
    assert total <= 30 * 1024, f"{total} bytes"


def test_a_file_too_large_to_keep_is_sent_from_the_disk(app, monkeypatch, tmp_path):
    from festival.core import assets

    (tmp_path / "big.json").write_bytes(b'{"x": "' + b"a" * 3000 + b'"}')
    monkeypatch.setattr(assets, "MAX_IN_MEMORY", 1000)
    monkeypatch.setitem(app.extensions, "festival_assets", AssetStore(str(tmp_path)))
    client = app.test_client()
    with app.test_request_context():
        from flask import url_for

        url = url_for("static", filename="big.json")
    assert "?v=" in url
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.get_data() == (tmp_path / "big.json").read_bytes()
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get("/static/big.json").headers["Cache-Control"] == "no-cache"
