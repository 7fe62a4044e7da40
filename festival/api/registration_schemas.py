"""The registration API's body and answers as marshmallow schemas (festival/api/registrations.py): they parse,
serialize and describe, as festival/api/schemas.py does for the read API."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from festival.api.openapi import ProblemSchema, WholeNumber
from festival.core.params import ID_MAX

fields = ma.fields


class FieldProblemSchema(ProblemSchema):
    field = fields.String(
        metadata={"description": "The request field at fault, when there is one.", "example": "phone"}
    )


class StrictBoolean(fields.Boolean):
    """JSON true or false only: "yes", 1 or "on" are not an answer to a consent question."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class RegistrationRequest(ma.Schema):
    """A member of the public registers for a festival day as a whole or for one of its agenda items."""

    class Meta:
        ordered = True

    festival_id = WholeNumber(
        required=True,
        validate=ma.validate.Range(1, ID_MAX),
        metadata={
            "description": "The festival day (its id in /api/v1/festivals).",
            "example": 12,
            "problem": _l("festival_id must be the number of a published festival day."),
        },
    )
    item_id = WholeNumber(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(1, ID_MAX),
        metadata={
            "description": "The agenda item to register for; absent or null: the festival day as a whole.",
            "example": 345,
            "problem": _l("item_id must be the number of an agenda item of this festival day."),
        },
    )
    full_name = fields.String(
        load_default="",
        metadata={
            "description": "Full name in one field, as written on an ID card (NFC; at most 200 characters).",
            "example": "Nguyễn Thị Hoa",
            "problem": _l("full_name must be text."),
        },
    )
    phone = fields.String(
        load_default="",
        metadata={
            "description": "A Vietnamese or international phone number; one active registration per phone.",
            "example": "0912 345 678",
            "problem": _l("phone must be text."),
        },
    )
    email = fields.String(
        load_default="",
        allow_none=True,
        metadata={
            "description": "Optional: where the ticket link is sent.",
            "example": "hoa@example.vn",
            "problem": _l("email must be text."),
        },
    )
    affiliation = fields.String(
        load_default="",
        allow_none=True,
        metadata={
            "description": "Optional: school, company or residential group (at most 300 characters).",
            "example": "Tổ dân phố số 3",
            "problem": _l("affiliation must be text."),
        },
    )
    consent = StrictBoolean(
        load_default=False,
        metadata={
            "description": (
                "Must be true: the registrant agreed to the processing of their personal data (purpose, "
                "retention and who sees it, as the registration page states). Absent or false: 400 "
                "consent_required."
            ),
            "example": True,
            "problem": _l("consent must be true or false."),
        },
    )
    locale = fields.String(
        load_default="vi",
        validate=ma.validate.OneOf(["vi", "en"]),
        metadata={
            "description": "The language of the e-mails and the ticket page.",
            "example": "vi",
            "problem": _l("locale must be vi or en."),
        },
    )


REGISTRATION_EXAMPLE = {
    "festival_id": 12,
    "item_id": 345,
    "full_name": "Nguyễn Thị Hoa",
    "phone": "0912 345 678",
    "email": "hoa@example.vn",
    "affiliation": "Tổ dân phố số 3",
    "consent": True,
    "locale": "vi",
}


class AdmitsSchema(ma.Schema):
    festival_id = fields.Integer(required=True)
    item_id = fields.Integer(required=True, allow_none=True, metadata={"description": "null: the whole day."})
    title = fields.String(required=True)
    starts_at = fields.DateTime(required=True, metadata={"description": "ISO 8601 with the +07:00 offset."})


class RegistrationCreated(ma.Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True, validate=ma.validate.OneOf(["confirmed", "waiting"]))
    ticket_url = fields.String(
        required=True,
        metadata={"description": "The ticket page: a secret link, for the registrant only.", "format": "uri"},
    )
    qr_payload = fields.String(
        metadata={
            "description": "When confirmed: the signed ticket text of the QR code (see /api/v1/keys).",
            "example": "C" * 120,
        }
    )
    waiting_position = fields.Integer(metadata={"description": "When waiting: the place in line, from 1."})
    admits = fields.Nested(AdmitsSchema, required=True, metadata={"description": "What the ticket admits to."})


class PublicKeySchema(ma.Schema):
    id = fields.String(required=True, metadata={"description": "Two hex digits: the ticket's key id byte."})
    algorithm = fields.String(required=True, validate=ma.validate.OneOf(["Ed25519"]))
    public_key = fields.String(required=True, metadata={"description": "The raw 32-byte key in base64url."})
    current = fields.Boolean(required=True, metadata={"description": "Signs new tickets (others: retired)."})


class ClaimSchema(ma.Schema):
    name = fields.String(required=True)
    bytes = fields.Integer(required=True)
    description = fields.String(required=True)


class TicketFormatSchema(ma.Schema):
    encoding = fields.String(required=True)
    characters = fields.Integer(required=True)
    bytes = fields.Integer(required=True)
    claims = fields.List(fields.Nested(ClaimSchema), required=True, metadata={"description": "Big-endian."})
    signature = fields.String(required=True)
    qr = fields.String(required=True)


class KeysSchema(ma.Schema):
    keys = fields.List(fields.Nested(PublicKeySchema), required=True)
    ticket_format = fields.Nested(TicketFormatSchema, required=True)
