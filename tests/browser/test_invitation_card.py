"""DONE WHEN: an organizer issues an invitation (giấy mời) in a real browser, and its card prints on A5 with a
QR code that decodes (zbarimg) to a ticket whose Ed25519 signature verifies with the published public key; its
ticket link copies to the clipboard; the registration pages fit a phone."""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.sync_api import expect
from sqlalchemy import select

from festival.extensions import db
from festival.registration.models import Registration
from festival.registration.tickets import _CLAIMS, key_ring
from tests.conftest import require_program
from tests.factories import Factory

pytestmark = pytest.mark.browser

MM = 96 / 25.4  # CSS pixels per millimetre
A5_POINTS = (419.53, 595.28)
# Chromium writes each page's size uncompressed: /MediaBox [0 0 419.52 595.2]
MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*0\s+0\s+([0-9.]+)\s+([0-9.]+)\s*\]")


@pytest.fixture
def commune(make):
    tree = make.tree()
    edition = make.edition(2027)
    venue = make.venue(tree["00376"], name="Nhà văn hoá xã Sóc Sơn")
    host = make.organization(tree["00376"], name="Công an xã Sóc Sơn")
    festival = make.festival(edition, tree["00376"], day=date(2027, 8, 10), venue=venue, hosts=[host])
    make.user("organizer", scope=tree["00376"], username="xasocson")
    return festival


def log_in(page, base: str) -> None:
    page.goto(base + "/login")
    page.fill("#username", "xasocson")
    page.fill("#password", Factory.PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/dashboard")


def verify_with_published_key(text: str) -> int:
    """Check the ticket as a scanner would, from the published key only; the registration id it names."""
    raw = base64.b32decode(text + "=" * (-len(text) % 8))
    claims, signature = raw[: _CLAIMS.size], raw[_CLAIMS.size :]
    [current] = [key for key in key_ring().published() if key["current"]]
    public = base64.urlsafe_b64decode(current["public_key"] + "=" * (-len(current["public_key"]) % 4))
    Ed25519PublicKey.from_public_bytes(public).verify(signature, claims)  # raises InvalidSignature otherwise
    return _CLAIMS.unpack(claims)[3]


def test_an_invitation_card_prints_on_a5_with_a_qr_code_that_verifies(chromium, live_server, commune, tmp_path):
    zbarimg = require_program("zbarimg")
    context = chromium.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server)
        page.goto(f"{live_server}/dashboard/festivals/{commune.id}/invitations/new")
        page.fill("#full_name", "Nguyễn Văn An")
        page.fill("#position_title", "Chủ tịch UBND xã")
        page.fill("#affiliation", "UBND xã Sóc Sơn")
        page.fill("#seat", "Hàng A, ghế 3")
        page.locator("main form button[type=submit]").click()
        card = page.locator(".invitation-card")
        expect(card).to_contain_text("Nguyễn Văn An")
        link = page.locator("#ticket-url")
        expect(link).to_have_value(re.compile(r"/t/[A-Za-z0-9_-]{43}$"))
        copy = page.locator("[data-copy]")
        copy.click()
        expect(copy).to_have_text(copy.get_attribute("data-copied"))
        assert page.evaluate("navigator.clipboard.readText()") == link.input_value()
        box = card.bounding_box()
        assert box["width"] <= 390, "the card fits a phone screen"

        page.emulate_media(media="print")
        box = card.bounding_box()
        assert abs(box["width"] - 148 * MM) < 2 and abs(box["height"] - 210 * MM) < 2
        expect(page.locator(".site-header")).to_be_hidden()

        pdf = tmp_path / "card.pdf"
        page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True)
        boxes = MEDIA_BOX.findall(pdf.read_bytes())
        assert len(boxes) == 1, "one card, one page"
        width, height = (float(value) for value in boxes[0])
        assert abs(width - A5_POINTS[0]) < 1 and abs(height - A5_POINTS[1]) < 1

        shot = tmp_path / "card.png"
        card.screenshot(path=str(shot))
        decoded = subprocess.run([zbarimg, "--quiet", "--raw", str(shot)], capture_output=True, text=True, check=True)
        text = decoded.stdout.strip()
    finally:
        context.close()
    registration_id = verify_with_published_key(text)
    entry = db.session.scalar(select(Registration).where(Registration.full_name == "Nguyễn Văn An"))
    assert registration_id == entry.id and entry.kind == "invitation"


@pytest.mark.parametrize("path", ["registrations", "quotas", "invitations/new", "invitations/import"])
def test_the_registration_pages_fit_a_phone(chromium, live_server, make, commune, path, tmp_path):
    from festival.registration import quotas

    item = make.registrable_item(commune, capacity=2)
    quota = quotas.ensure_quota(commune, item)
    make.registration(quota, "Phạm Thị Lan", "0912 000 111", email="lan@example.vn")
    make.invitation(quota, "Hoàng Văn Đức", position_title="Chủ tịch UBND xã", affiliation="UBND xã Sóc Sơn")
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        log_in(page, live_server)
        page.goto(f"{live_server}/dashboard/festivals/{commune.id}/{path}")
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
        assert overflow <= 0, f"{path} scrolls sideways on a 360 px phone"
    finally:
        context.close()
