"""The check-in API's bodies and answers (festival/api/checkin.py) as marshmallow schemas."""

from __future__ import annotations

import marshmallow as ma

from festival.api.openapi import WholeNumber
from festival.api.registration_schemas import PublicKeySchema
from festival.checkin.models import RESULTS
from festival.core.params import ID_MAX

fields = ma.fields


class EnrolRequest(ma.Schema):
    code = fields.String(
        required=True,
        validate=ma.validate.Length(1, 100),
        metadata={"description": "The one-time code of the enrolment QR code.", "example": "Zt3kq9…"},
    )
    name = fields.String(
        load_default="",
        validate=ma.validate.Length(0, 100),
        metadata={"description": "What the device list calls this device.", "example": "Cổng chính – máy 1"},
    )


class ListSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    festival_id = fields.Integer(required=True)
    item_id = fields.Integer(allow_none=True)
    admits = fields.String(required=True, metadata={"enum": ["both", "registrations", "invitations"]})
    reentry = fields.Boolean(required=True)
    opens_at = fields.String(required=True, metadata={"format": "date-time"})
    closes_at = fields.String(required=True, metadata={"format": "date-time"})


class DeviceSchema(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    festival_id = fields.Integer(required=True)
    kind = fields.String(required=True)


class EnrolledSchema(ma.Schema):
    token = fields.String(
        required=True, metadata={"description": "The device token (shown once): send it as Authorization: Bearer."}
    )
    device = fields.Nested(DeviceSchema, required=True)
    lists = fields.List(fields.Nested(ListSchema), required=True)


class DeviceInfoSchema(ma.Schema):
    device = fields.Nested(DeviceSchema, required=True)
    lists = fields.List(fields.Nested(ListSchema), required=True)
    server_time = fields.String(required=True, metadata={"format": "date-time"})


class ScanRequest(ma.Schema):
    code = fields.String(
        required=True,
        validate=ma.validate.Length(0, 1000),
        metadata={"description": "The text read from the QR code (or typed).", "example": "EABT…"},
    )
    list_id = WholeNumber(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(1, ID_MAX),
        metadata={"description": "The check-in list; absent: the festival day's entrance list.", "example": 3},
    )
    nonce = fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$"),
        metadata={"description": "A unique id of this scan (a retry with the same nonce changes nothing)."},
    )


class ScanAnswer(ma.Schema):
    nonce = fields.String(required=True)
    result = fields.String(required=True, metadata={"enum": list(RESULTS)})
    message = fields.String(required=True, metadata={"description": "The result in words, in the reader's language."})
    colour = fields.String(required=True, metadata={"enum": ["green", "amber", "red"]})
    list_id = fields.Integer(required=True)
    registration_id = fields.Integer(allow_none=True)
    name = fields.String(required=True)
    admits = fields.String(required=True)
    invitation = fields.Boolean(required=True)
    scanned_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    checked_in_at = fields.String(metadata={"format": "date-time"})
    checked_in_device = fields.String()
    duplicate = fields.Boolean(required=True)
    reentry = fields.Boolean(required=True)
    replayed = fields.Boolean(required=True)


class SyncRequest(ma.Schema):
    device_time = fields.AwareDateTime(
        required=True,
        metadata={"description": "The device's clock when it sends the batch (its offset corrects the scan times)."},
    )
    pending = fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(0, 10**9),
        metadata={"description": "Scans still waiting on the device after this batch."},
    )  # fmt: skip
    scans = fields.List(
        fields.Raw(),
        required=True,
        metadata={
            "description": "Up to 20,000 scans, each {nonce, list_id, code, scanned_at (device time), and optionally "
            "local_result: what the device decided}: each answered on its own, a malformed one with an `error`. "
            "Only a scan the device admitted (local_result ok, or absent) can be listed as a duplicate."
        },
    )


class RowError(ma.Schema):
    code = fields.String(required=True)
    detail = fields.String(required=True)


class SyncRowAnswer(ScanAnswer):
    class Meta:
        unknown = ma.INCLUDE

    index = fields.Integer(required=True)
    nonce = fields.String(allow_none=True)
    result = fields.String(metadata={"enum": list(RESULTS)})
    message = fields.String()
    colour = fields.String()
    list_id = fields.Integer(allow_none=True)
    name = fields.String()
    admits = fields.String()
    invitation = fields.Boolean()
    duplicate = fields.Boolean()
    reentry = fields.Boolean()
    replayed = fields.Boolean()
    error = fields.Nested(RowError)


class SyncAnswer(ma.Schema):
    results = fields.List(fields.Nested(SyncRowAnswer), required=True)
    server_time = fields.String(required=True, metadata={"format": "date-time"})
    clock_offset_ms = fields.Integer(required=True)
    corrected = fields.Boolean(required=True, metadata={"description": "Whether the scan times were corrected."})


class BundleList(ListSchema):
    year = fields.Integer(required=True)
    day_title = fields.String(required=True)


class BundleSchema(ma.Schema):
    list = fields.Nested(BundleList, required=True)
    keys = fields.List(fields.Nested(PublicKeySchema), required=True)
    items = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    ticket_fields = fields.List(fields.String(), required=True)
    tickets = fields.List(fields.List(fields.Raw()), required=True)
    revoked = fields.List(fields.Integer(), required=True)
    waiting = fields.List(fields.Integer(), required=True)
    checked_in = fields.List(fields.List(fields.Raw()), required=True)
