"""Signed tickets: compact, verifiable with the published key only, tamper-evident, rotatable."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from festival.registration import quotas, services
from festival.registration.tickets import (
    KeyRing,
    TicketClaims,
    TicketError,
    b64url,
    key_ring,
    private_pem,
    public_raw,
    qr_png,
    qr_version,
)


@pytest.fixture
def confirmed(make, world):
    item = make.registrable_item(world["festival"], capacity=5)
    return make.registration(quotas.ensure_quota(world["festival"], item))


def test_a_ticket_carries_key_edition_registration_and_what_it_admits(confirmed):
    text = services.ticket_text(confirmed)
    claims = key_ring().verify(text)
    assert claims.year == 2027
    assert claims.registration_id == confirmed.id
    assert claims.item_id == confirmed.quota.item_id and claims.festival_id is None
    assert claims.key_id == key_ring().current_id and not claims.invitation


def test_the_qr_code_is_version_5_at_level_m_in_alphanumeric_mode(confirmed):
    text = services.ticket_text(confirmed)
    assert len(text) == 120 and text.isalnum() and text == text.upper()
    assert qr_version(text) == 5
    assert qr_png(text).startswith(b"\x89PNG")


def test_the_published_key_alone_verifies_a_ticket(confirmed):
    text = services.ticket_text(confirmed)
    published = key_ring().published()[0]
    raw = base64.b32decode(text + "=" * (-len(text) % 8))
    public = Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(published["public_key"] + "="))
    public.verify(raw[11:], raw[:11])  # raises InvalidSignature when it does not verify


@pytest.mark.parametrize("position", [0, 3, 11, 60, 119])
def test_one_changed_character_does_not_verify(confirmed, position):
    text = services.ticket_text(confirmed)
    changed = text[:position] + ("B" if text[position] != "B" else "C") + text[position + 1 :]
    with pytest.raises(TicketError) as caught:
        key_ring().verify(changed)
    assert caught.value.code in {"ticket_forged", "ticket_malformed", "ticket_unknown_key"}


@pytest.mark.parametrize("text", ["", "hello", "A" * 119, "A" * 121, "1" * 120, "é" * 120, None])
def test_anything_else_is_a_coded_error(text):
    ring = KeyRing(Ed25519PrivateKey.generate(), [])
    with pytest.raises(TicketError):
        ring.verify(text)


def test_rotation_keeps_old_tickets_valid():
    old = Ed25519PrivateKey.generate()
    claims = TicketClaims(0, 2027, 42, 7, None, True)
    old_ring = KeyRing(old, [])
    ticket = old_ring.sign(TicketClaims(old_ring.current_id, 2027, 42, 7, None, True))
    new = Ed25519PrivateKey.generate()
    while KeyRing(new, []).current_id == old_ring.current_id:
        new = Ed25519PrivateKey.generate()
    rotated = KeyRing(new, [Ed25519PublicKey.from_public_bytes(public_raw(old.public_key()))])
    assert rotated.verify(ticket).registration_id == claims.registration_id
    assert [key["current"] for key in rotated.published()] == [True, False]
    assert rotated.published()[1]["public_key"] == b64url(public_raw(old.public_key()))
    assert private_pem(new).startswith("-----BEGIN PRIVATE KEY-----")


def test_the_ticket_calendar_file_holds_what_it_admits_in_local_time(confirmed):
    from icalendar import Calendar

    calendar = Calendar.from_ical(services.ticket_ics(confirmed))
    [event] = calendar.walk("VEVENT")
    item = confirmed.quota.item
    assert str(event["uid"]) == f"agenda-item-{item.id}@ngayhoi.vn"
    assert event.decoded("dtstart").utcoffset().total_seconds() == 7 * 3600
    assert event.decoded("dtstart") == item.starts_at
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Ho_Chi_Minh"
    assert confirmed.token in str(event["url"])
