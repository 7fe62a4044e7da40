"""Every user-facing string is in both catalogs, translated, with its placeholders; the languages switch."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import post_form

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The msgids in the sources right now (not the committed .pot, which may be stale)."""
    out = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-c", "from babel.messages.frontend import main; main()", "-q", "extract",
            "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(out), ".",
        ],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    with out.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_catalog_is_complete(extracted, lang):
    with (ROOT / "festival" / "translations" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    entries = {m.id: m for m in catalog if m.id}
    missing = sorted(str(i) for i in extracted - set(entries))
    assert missing == [], f"run `make messages` and translate: {missing[:10]}"
    untranslated = sorted(str(i) for i, m in entries.items() if i in extracted and (m.fuzzy or not m.string))
    assert untranslated == [], f"{lang}: untranslated or fuzzy: {untranslated[:10]}"
    for msgid, message in entries.items():
        if msgid in extracted and isinstance(msgid, str):
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(message.string)), msgid


def test_vietnamese_is_really_vietnamese():
    with (ROOT / "festival" / "translations" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="vi")
    same = [m.id for m in catalog if m.id and m.string == m.id and len(m.id) > 12 and "%" not in m.id]
    assert len(same) <= 2, f"copied instead of translated: {same[:10]}"


def test_vietnamese_by_default_and_english_sticks(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Đăng nhập" in page
    response = post_form(client, "/language", {"lang": "en", "next": "/login"}, page="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert "lang=en" in response.headers["Set-Cookie"] and "Max-Age" in response.headers["Set-Cookie"]
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Log in" in page
    page = client.get("/no-such-page").get_data(as_text=True)
    assert "Not found" in page


def test_language_switch_refuses_foreign_redirects_and_unknown_languages(client):
    response = client.post("/language", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert "lang=" not in response.headers.get("Set-Cookie", "")


def test_dates_and_times_are_local_and_dd_mm_yyyy(make, client):
    from datetime import date, time

    tree = make.tree()
    edition = make.edition(2027)
    make.festival(edition, tree["00004"], day=date(2027, 8, 5), start=time(7, 30), end=time(11, 0))
    page = client.get("/").get_data(as_text=True)
    assert "05/08/2027" in page and "07:30–11:00" in page
    assert "19/08/2027" in page  # the main day


def test_numbers_use_vietnamese_grouping(app):
    from festival.core.i18n import format_number

    with app.test_request_context("/"):
        assert format_number(1234567.5) == "1.234.567,5"
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert format_number(1234567.5) == "1,234,567.5"
