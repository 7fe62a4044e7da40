"""/api/v1/registrations and /api/v1/keys: registering from an app or a kiosk, and the keys scanners verify with.

Registering goes through the very services of the registration form (`quotas.ensure_quota` and
`services.register`), so the window, consent, duplicate phones, the capacity and the waiting list follow one set of
rules, and the form and the API share one rate limit per client address (`registration_limit()`).

The API takes JSON and no cookies, so it is exempt from the CSRF check (festival/api/__init__.py): a page of
another site cannot send `application/json` to it without a CORS preflight, which nothing here answers. Errors
are RFC 9457 problems; a refused field also names the `field`. A duplicate phone says so (409 duplicate_phone)
without giving away the existing ticket: only its holder has the secret link.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext

from flask import current_app, jsonify, request
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from festival.api import registration_schemas as schemas
from festival.api.openapi import PROBLEM_JSON, Blueprint, Parser
from festival.core.errors import DomainError
from festival.core.headers import public_cache
from festival.core.limits import registration_limit
from festival.core.time import to_local
from festival.core.web import render_error_safely
from festival.extensions import db
from festival.registration import lookup, quotas, services, tickets
from festival.registration.models import Registration, RegistrationQuota, RegistrationStatus

bp_name = "api_registrations"


class JsonParser(Parser):
    """The read API's parser, for a JSON body: anything but a JSON object is one `invalid_body` problem."""

    def _raw_load_json(self, req):
        if not req.is_json or not req.get_data(cache=True).strip():
            raise DomainError(_l("Send a JSON object (Content-Type: application/json)."), "invalid_body")
        return super()._raw_load_json(req)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        raise DomainError(_l("The request body is not valid JSON."), "invalid_body")

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        messages = error.messages.get("json", error.messages) if isinstance(error.messages, dict) else {}
        if not isinstance(messages, dict) or "_schema" in messages:
            raise DomainError(_l("Send a JSON object (Content-Type: application/json)."), "invalid_body")
        super().handle_error(error, req, schema, error_status_code=error_status_code, error_headers=error_headers)


class RegistrationBlueprint(Blueprint):
    ARGUMENTS_PARSER = JsonParser()


bp = RegistrationBlueprint(
    bp_name, __name__, url_prefix="/api/v1", description="Registration, and the keys that verify tickets."
)


def _reader_language() -> str | None:
    """The body's `locale` when it is one of ours: an app without cookies chooses the language of its problems."""
    body = request.get_json(silent=True)
    chosen = body.get("locale") if isinstance(body, dict) else None
    return chosen if isinstance(chosen, str) and chosen in current_app.config["LANGUAGES"] else None


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    """The app's problem document (festival/core/web.py), in the body's language, naming the field at fault."""
    db.session.rollback()
    language = _reader_language()
    with force_locale(language) if language else nullcontext():
        response = render_error_safely(error.status, str(error.message), error.code)
    if error.field:
        body = response.get_json()
        body["field"] = error.field
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response


def _answer(status: int, description: str) -> dict:
    return {
        "status_code": status,
        "schema": schemas.FieldProblemSchema,
        "content_type": PROBLEM_JSON,
        "description": description,
    }


def quota_to_register(festival_id: int, item_id: int | None) -> RegistrationQuota:
    """The quota to register for (`quotas.registrable`, the form's rule), saved if it was not yet. An item's first
    registration saves its quota (the item's own setting, not part of anybody's registration) even when the
    registration is then refused."""
    quota = quotas.registrable(festival_id, item_id)
    return quota if quota.id is not None else quotas.ensure_quota(quota.festival, quota.item)


def registration_json(registration: Registration) -> dict:
    quota = registration.quota
    body = {
        "id": registration.id,
        "status": registration.status,
        "ticket_url": services.ticket_url(registration),
        "admits": {
            "festival_id": quota.festival_id,
            "item_id": quota.item_id,
            "title": quotas.title_of(quota),
            "starts_at": to_local(quotas.admits_start(quota)),
        },
    }
    if registration.status == RegistrationStatus.CONFIRMED.value:
        body["qr_payload"] = services.ticket_text(registration)
    elif registration.status == RegistrationStatus.WAITING.value:
        body["waiting_position"] = lookup.waiting_position(registration)
    return body


BAD_FIELD = (
    "A field is not valid (`field` names it): name_required, phone_required, phone_invalid, email_invalid, "
    "consent_required, name_too_long, text_too_long, invalid_body or invalid_<field>."
)
NOT_REGISTRABLE = (
    "No published festival day (festival_not_found), no such item taking registrations (item_not_found), or "
    "the day takes none as a whole (registration_not_found)."
)
REFUSED = (
    "duplicate_phone (the existing ticket is not revealed), registration_not_open, registration_closed, or "
    "quota_full (no places and no waiting list)."
)


@bp.route("/registrations", methods=["POST"])
@registration_limit()
@bp.arguments(schemas.RegistrationRequest, location="json", as_kwargs=True, example=schemas.REGISTRATION_EXAMPLE)
@bp.response(201, schemas.RegistrationCreated)
@bp.alt_response(**_answer(400, BAD_FIELD))
@bp.alt_response(**_answer(404, NOT_REGISTRABLE))
@bp.alt_response(**_answer(409, REFUSED))
@bp.alt_response(
    **_answer(429, "Too many registrations from this address (shared with the form)."),
    headers={"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
)
def register(festival_id: int, item_id: int | None, **fields):
    """Register a member of the public for a festival day or one of its agenda items.

    Confirmed while places are left (the answer then carries the signed ticket text for the QR code), else on
    the waiting list with the place in line. `consent` must be true. Limited per client address, together with
    the registration form.
    """
    quota = quota_to_register(festival_id, item_id)
    data = services.RegistrationData(
        full_name=fields["full_name"],
        phone=fields["phone"],
        email=fields.get("email") or "",
        affiliation=fields.get("affiliation") or "",
        consent=fields["consent"],
        locale=fields["locale"],
    )
    return registration_json(services.register(quota, data)), 201


TICKET_FORMAT = {
    "encoding": "RFC 4648 base32, upper case, without padding (the QR alphanumeric set)",
    "characters": tickets.TICKET_CHARS,
    "bytes": tickets.TICKET_BYTES,
    "claims": [
        {
            "name": "head",
            "bytes": 1,
            "description": "format 1 in the high nibble; bit 0: invitation; bit 1: "
            "admits one agenda item (else the festival day as a whole)",
        },
        {"name": "key_id", "bytes": 1, "description": "the first byte of SHA-256 of the raw public key (keys[].id)"},
        {"name": "year", "bytes": 1, "description": "the edition's year minus 2000"},
        {"name": "registration_id", "bytes": 4, "description": "unsigned, big-endian"},
        {"name": "admits_id", "bytes": 4, "description": "the agenda item's id (bit 1 set), else the festival day's"},
    ],  # fmt: skip
    "signature": "Ed25519 (64 bytes) over the 11 claim bytes, appended to them",
    "qr": f"version {tickets.QR_VERSION_MAX} at most, error correction level M, alphanumeric mode",
}


@bp.route("/keys", methods=["GET"])
@public_cache
@bp.response(
    200, schemas.KeysSchema, headers={"ETag": {"description": "Of the key list.", "schema": {"type": "string"}}}
)
@bp.alt_response(304, description="Not modified (If-None-Match)")
def keys():
    """The public keys that verify tickets offline, and the ticket format.

    A scanner downloads this once (it changes only when keys rotate), decodes the base32 QR text, finds the key by
    the key id byte and checks the Ed25519 signature over the claims. Whether a ticket still holds (not cancelled)
    is not in the signature.
    """
    body = {"keys": tickets.key_ring().published(), "ticket_format": TICKET_FORMAT}
    response = jsonify(body)
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    return response  # If-None-Match is answered for every API read at once (festival/api/__init__.py)
