"""Signed tickets that a scanner checks offline with a public key, and their QR codes.

A ticket is 11 bytes of claims signed with Ed25519 (64 bytes), written in base32 upper case without padding:
120 characters of the QR alphanumeric set, which fit a version-5 QR code at error correction M (122 characters
at most); base64 would need byte mode and version 6. Every extra byte costs camera reliability in dim light.

Claims, big-endian: head (1 byte: format 1 in the high nibble; bit 0 set for an invitation, bit 1 set when it
admits to one agenda item rather than to the festival day as a whole), key id (1 byte: the first byte of
SHA-256 of the raw public key), edition year − 2000 (1), registration id (4), and the id of what it admits (4:
the agenda item, or the festival day).

Keys come from configuration: `TICKET_SIGNING_KEY` (a PEM private key, or its 32 raw bytes in base64url), else
the PEM file `TICKET_SIGNING_KEY_FILE` (default `instance/ticket-signing-key.pem`, generated on first use, for
development and single-server installations). Rotating: put the old key's public half (`flask tickets keys`
prints it) in `TICKET_RETIRED_KEYS` (comma-separated, base64url) and configure the new private key; tickets signed
with the old key keep verifying, new ones are signed with the new key, and `/api/v1/keys` publishes both.

A signature says who issued a ticket, not whether it still holds: a cancelled registration's ticket verifies and
is revoked by the registration's status (services.check_ticket, and the revocation list scanners download).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import logging
import os
import struct
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.image.svg
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from festival.config import ConfigError
from festival.core.errors import DomainError

log = logging.getLogger(__name__)

FORMAT = 1
_CLAIMS = struct.Struct(">BBBII")
YEAR_BASE = 2000
SIGNATURE_BYTES = 64
TICKET_BYTES = _CLAIMS.size + SIGNATURE_BYTES  # 75
TICKET_CHARS = -(-TICKET_BYTES * 8 // 5)  # 120
QR_VERSION_MAX = 5
EXTENSION = "ticket_keys"


class TicketError(DomainError):
    """A text that is not one of our valid tickets. Codes: ticket_malformed, ticket_unknown_key, ticket_forged."""


@dataclass(frozen=True)
class TicketClaims:
    key_id: int
    year: int
    registration_id: int
    # What it admits: one agenda item (item_id), or the festival day as a whole (festival_id, item_id None).
    festival_id: int | None
    item_id: int | None
    invitation: bool

    def pack(self) -> bytes:
        head = (FORMAT << 4) | (1 if self.invitation else 0) | (2 if self.item_id else 0)
        admits = self.item_id or self.festival_id or 0
        return _CLAIMS.pack(head, self.key_id, self.year - YEAR_BASE, self.registration_id, admits)

    @classmethod
    def unpack(cls, raw: bytes) -> TicketClaims:
        head, key_id, year, registration_id, admits = _CLAIMS.unpack(raw)
        if head >> 4 != FORMAT or head & 0x0C:
            raise TicketError(_l("This is not a ticket of ours."), "ticket_malformed")
        item = bool(head & 2)
        return cls(
            key_id,
            YEAR_BASE + year,
            registration_id,
            None if item else admits,
            admits if item else None,
            bool(head & 1),
        )


def key_id_of(public: Ed25519PublicKey) -> int:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[0]


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64url_decode(text: str) -> bytes:
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


class KeyRing:
    """The current signing key and every public key that still verifies."""

    def __init__(self, current: Ed25519PrivateKey, retired: list[Ed25519PublicKey]):
        self.current = current
        self.current_id = key_id_of(current.public_key())
        self.public: dict[int, Ed25519PublicKey] = {self.current_id: current.public_key()}
        for key in retired:
            kid = key_id_of(key)
            if kid in self.public and public_raw(self.public[kid]) != public_raw(key):
                raise ConfigError(f"TICKET_RETIRED_KEYS: two keys share the key id {kid:02x}; generate another key")
            self.public.setdefault(kid, key)

    def sign(self, claims: TicketClaims) -> str:
        raw = claims.pack()
        signed = raw + self.current.sign(raw)
        return base64.b32encode(signed).decode("ascii").rstrip("=")

    def verify(self, text: str) -> TicketClaims:
        """The claims of a ticket text we signed, or TicketError (never another exception, whatever the text)."""
        cleaned = (text or "").strip().upper()
        if len(cleaned) != TICKET_CHARS:
            raise TicketError(_l("This is not a ticket of ours."), "ticket_malformed")
        try:
            raw = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
        except (binascii.Error, ValueError):
            raise TicketError(_l("This is not a ticket of ours."), "ticket_malformed") from None
        if len(raw) != TICKET_BYTES:
            raise TicketError(_l("This is not a ticket of ours."), "ticket_malformed")
        claims = TicketClaims.unpack(raw[: _CLAIMS.size])
        key = self.public.get(claims.key_id)
        if key is None:
            raise TicketError(_l("This ticket was signed with a key we do not know."), "ticket_unknown_key")
        try:
            key.verify(raw[_CLAIMS.size :], raw[: _CLAIMS.size])
        except InvalidSignature:
            raise TicketError(_l("This ticket's signature is not valid."), "ticket_forged") from None
        return claims

    def published(self) -> list[dict]:
        """The public keys for scanners: id, algorithm, raw key in base64url, and whether it signs new tickets."""
        return [
            {
                "id": f"{kid:02x}",
                "algorithm": "Ed25519",
                "public_key": b64url(public_raw(key)),
                "current": kid == self.current_id,
            }
            for kid, key in sorted(self.public.items(), key=lambda pair: pair[0] != self.current_id)
        ]


def _load_private(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(_b64url_decode(text))
    except (ValueError, TypeError, binascii.Error) as error:
        raise ConfigError(f"TICKET_SIGNING_KEY is not an Ed25519 private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError("TICKET_SIGNING_KEY is not an Ed25519 private key")
    return key


def private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


_file_lock = threading.Lock()


def _key_from_file(path: Path) -> Ed25519PrivateKey:
    """Read the key file, creating it first when missing (atomically: workers starting together agree)."""
    with _file_lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as out:
                    out.write(private_pem(Ed25519PrivateKey.generate()))
                log.warning("Generated a ticket signing key in %s (set TICKET_SIGNING_KEY to choose one)", path)
    return _load_private(path.read_text())


def _retired(config_value) -> list[Ed25519PublicKey]:
    if not config_value:
        return []
    values = config_value if isinstance(config_value, list | tuple) else str(config_value).replace(",", " ").split()
    keys = []
    for value in values:
        try:
            keys.append(Ed25519PublicKey.from_public_bytes(_b64url_decode(value)))
        except (ValueError, binascii.Error):
            raise ConfigError(f"TICKET_RETIRED_KEYS: {value!r} is not an Ed25519 public key (base64url)") from None
    return keys


def build_key_ring(config: dict, instance_path: str) -> KeyRing:
    if config.get("TICKET_SIGNING_KEY"):
        current = _load_private(config["TICKET_SIGNING_KEY"])
    else:
        path = Path(config.get("TICKET_SIGNING_KEY_FILE") or Path(instance_path) / "ticket-signing-key.pem")
        current = _key_from_file(path)
    return KeyRing(current, _retired(config.get("TICKET_RETIRED_KEYS")))


def key_ring(app: Flask | None = None) -> KeyRing:
    """The app's key ring, built on first use."""
    app = app or current_app._get_current_object()
    ring = app.extensions.get(EXTENSION)
    if ring is None:
        ring = app.extensions[EXTENSION] = build_key_ring(app.config, app.instance_path)
    return ring


# --- QR codes ---------------------------------------------------------------------------------------------------


def _qr(payload: str, box_size: int = 8) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(qrcode.util.QRData(payload, mode=qrcode.util.MODE_ALPHA_NUM))
    code.make(fit=True)
    if code.version > QR_VERSION_MAX:
        raise ValueError(f"a ticket QR code must be version {QR_VERSION_MAX} or less, not {code.version}")
    return code


def qr_version(payload: str) -> int:
    return _qr(payload).version


@lru_cache(maxsize=1024)
def qr_png(payload: str, box_size: int = 8) -> bytes:
    """The ticket's QR code as a PNG (black on white, 4 modules of quiet zone). Built once per payload."""
    out = io.BytesIO()
    _qr(payload, box_size).make_image().save(out, format="PNG", optimize=True)
    return out.getvalue()


@lru_cache(maxsize=1024)
def qr_svg(payload: str) -> bytes:
    """The ticket's QR code as an SVG path (scales to any print size)."""
    image = _qr(payload, 10).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="utf-8")


def qr_etag(payload: str, fmt: str) -> str:
    return hashlib.sha256(f"{fmt}:{payload}".encode("ascii")).hexdigest()[:32]
