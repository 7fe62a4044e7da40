"""In a real browser, on a phone: a resident registers from the festival page, lands on their ticket, downloads
its QR code, and the code that a scanner reads is the signed ticket, checked with the published public key."""

from __future__ import annotations

import base64
import subprocess

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.sync_api import expect
from sqlalchemy import select

from festival.extensions import db
from festival.registration import services
from festival.registration.models import Registration
from festival.registration.tickets import _CLAIMS, key_ring
from tests.conftest import require_program

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def signature_holds(text: str, public_key: Ed25519PublicKey) -> bool:
    """What a scanner does offline: base32 → claims and signature, checked with the published key."""
    try:
        raw = base64.b32decode(text + "=" * (-len(text) % 8))
        public_key.verify(raw[_CLAIMS.size :], raw[: _CLAIMS.size])
    except (InvalidSignature, ValueError):
        return False
    return True


def test_a_resident_registers_on_a_phone_and_the_downloaded_qr_is_the_signed_ticket(
    live_server, chromium, world, make, tmp_path
):
    zbarimg = require_program("zbarimg")
    festival = world["festival"]
    make.registrable_item(festival, capacity=20, venue=world["venue"])
    context = chromium.new_context(locale="vi-VN", viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{live_server}/festivals/{festival.id}")
        offer = page.locator(".offer", has_text="Khám sức khoẻ miễn phí")
        expect(offer).to_contain_text("20")
        offer.get_by_role("link").click()

        # Phone first, then the name; the consent box is unticked until the resident ticks it.
        expect(page.locator("form.register-form input").nth(1)).to_have_attribute("name", "phone")
        consent = page.locator("#consent")
        expect(consent).not_to_be_checked()
        page.fill("#phone", "0912 345 678")
        page.fill("#full_name", "Nguyễn Thị Hoà")
        page.fill("#affiliation", "Thôn Đông")
        consent.check()
        page.locator("form.register-form button[type=submit]").click()

        expect(page).to_have_url(__import__("re").compile(r"/t/[A-Za-z0-9_-]{43}$"))
        expect(page.locator(".ticket h1")).to_have_text("Khám sức khoẻ miễn phí")
        expect(page.locator(".ticket-qr img")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

        with page.expect_download() as download_info:
            page.locator("#download-qr").click()
        png = tmp_path / "ticket.png"
        download_info.value.save_as(png)
    finally:
        context.close()
    assert errors == []

    decoded = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    text = decoded.stdout.strip()
    db.session.expire_all()
    registration = db.session.scalar(select(Registration).where(Registration.phone == "+84912345678"))
    assert registration.status == "confirmed" and registration.full_name == "Nguyễn Thị Hoà"
    assert text == services.ticket_text(registration)

    [published] = key_ring().published()
    raw_key = base64.urlsafe_b64decode(published["public_key"] + "=" * (-len(published["public_key"]) % 4))
    public_key = Ed25519PublicKey.from_public_bytes(raw_key)
    assert signature_holds(text, public_key)
    # One character changed (here in the registration id, then in the signature): the ticket no longer holds.
    for position in (8, 100):
        changed = text[:position] + ("B" if text[position] != "B" else "C") + text[position + 1 :]
        assert not signature_holds(changed, public_key)
