"""/api/v1/checkin: what scanners call. Every endpoint but enrolment takes a device token
(`Authorization: Bearer nhd_…`, festival/checkin/devices.py), never the login cookie (so no CSRF token either),
and works only on its festival day's check-in lists: another festival's list is a 404, whether it exists or not.
A revoked device gets 401 at its next request. Answers are private (`no-store`).
"""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from functools import wraps

from flask import g, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from festival.api import checkin_schemas as schemas
from festival.api.openapi import PROBLEM_JSON
from festival.api.registration_schemas import FieldProblemSchema
from festival.api.registrations import RegistrationBlueprint, _domain_error
from festival.checkin import bundle as bundles
from festival.checkin import devices
from festival.checkin import lists as list_rules
from festival.checkin.models import Result
from festival.checkin.scanning import Answer, Row, record, scan
from festival.core.errors import DomainError
from festival.core.time import utcnow
from festival.core.web import problem

bp = RegistrationBlueprint(
    "api_checkin", __name__, url_prefix="/api/v1/checkin", description="Check-in: scanners (device token)."
)
bp.errorhandler(DomainError)(_domain_error)

DEVICE = "device"
SECURITY = [{DEVICE: []}]
SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A device token, from POST /api/v1/checkin/devices (an enrolment QR code) or "
    "`flask devices enrol --festival ID`.",
}
BATCH_MAX = 20_000
RESULT_VALUES = frozenset(r.value for r in Result)
NONCE_MAX = 64


def _problem(status: int, description: str) -> dict:
    return {
        "status_code": status,
        "schema": FieldProblemSchema,
        "content_type": PROBLEM_JSON,
        "description": description,
    }


UNAUTHORIZED = _problem(401, "No device token, or an unknown, malformed or revoked one (device_token_required).")
BAD_BODY = _problem(400, "The body is not valid (`field` names the field at fault): invalid_body, invalid_<field>.")
NO_LIST = _problem(404, "No such check-in list for this device's festival day (list_not_found).")


def device_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        device = devices.authenticate(request.headers.get("Authorization"))
        if device is None:
            response = problem(
                401,
                _("Unauthorized"),
                _("This device is not enrolled, or it was revoked: enrol it again from the check-in page."),
                "device_token_required",
            )
            response.headers["WWW-Authenticate"] = 'Bearer realm="checkin"'
            return response
        g.device = device
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Authorization")
    return response


def answer_json(answer: Answer, labels: dict | None = None) -> dict:
    message = labels[answer.result] if labels is not None else str(answer.result.label)
    return {**answer.to_json(), "message": message, "colour": answer.result.colour}


def _lists_json(festival_id: int) -> list[dict]:
    return [bundles.list_json(cl) for cl in list_rules.lists_of(festival_id)]


def _device_json(device) -> dict:
    return {"id": device.id, "name": device.name, "festival_id": device.festival_id, "kind": device.kind}


@bp.route("/devices", methods=["POST"])
@bp.arguments(schemas.EnrolRequest, location="json", as_kwargs=True)
@bp.alt_response(**BAD_BODY)
@bp.response(201, schemas.EnrolledSchema)
@bp.alt_response(**_problem(404, "The enrolment code is not known (enrolment_not_found)."))
@bp.alt_response(**_problem(410, "The enrolment code expired or was used (enrolment_expired)."))
def enrol(code: str, name: str):
    """Enrol this device with the one-time code of an enrolment QR code; answers its token, once."""
    new = devices.enrol(code, name)
    list_rules.ensure_day_list(new.device.festival)
    return {"token": new.token, "device": _device_json(new.device), "lists": _lists_json(new.device.festival_id)}, 201


@bp.route("/device", methods=["GET"])
@device_required  # before the body is parsed: a stranger gets 401, not 400
@bp.doc(security=SECURITY)
@bp.response(200, schemas.DeviceInfoSchema)
@bp.alt_response(**UNAUTHORIZED)
def device_info():
    """This device, its festival day's check-in lists and the server's clock."""
    device = g.device
    return {
        "device": _device_json(device),
        "lists": _lists_json(device.festival_id),
        "server_time": utcnow().isoformat(),
    }


@bp.route("/scan", methods=["POST"])
@device_required  # before the body is parsed: a stranger gets 401, not 400
@bp.doc(security=SECURITY)
@bp.arguments(schemas.ScanRequest, location="json", as_kwargs=True)
@bp.alt_response(**BAD_BODY)
@bp.response(200, schemas.ScanAnswer)
@bp.alt_response(**UNAUTHORIZED)
@bp.alt_response(**NO_LIST)
def scan_code(code: str, list_id: int | None, nonce: str | None):
    """Scan a ticket now: `result` is one of ok, already_checked_in (with when and on which device), unknown,
    revoked, wrong_list, not_open, closed, waiting_list. Every scan is recorded, accepted or not."""
    device = g.device
    if list_id is None:
        checkin_list = list_rules.ensure_day_list(device.festival)
    else:
        checkin_list = list_rules.get_for_festival(list_id, device.festival_id)
    # A response, not a dict: the answer is built here, and not dumped again through the documented schema.
    return jsonify(answer_json(scan(device, checkin_list, code, nonce)))


def _row_error(index: int, nonce, code: str, detail) -> dict:
    return {"index": index, "nonce": nonce if isinstance(nonce, str) else None,
            "error": {"code": code, "detail": str(detail)}}  # fmt: skip


def _parse_row(index: int, raw, list_ids) -> Row | dict:
    if not isinstance(raw, dict):
        return _row_error(index, None, "invalid_row", _l("A scan must be an object."))
    nonce = raw.get("nonce")
    if not isinstance(nonce, str) or not 8 <= len(nonce) <= NONCE_MAX or not nonce.replace("-", "").isalnum():
        return _row_error(index, nonce, "invalid_nonce", _l("A scan needs a nonce of 8 to 64 letters and digits."))
    list_id = raw.get("list_id")
    if isinstance(list_id, bool) or not isinstance(list_id, int) or list_id not in list_ids:
        return _row_error(index, nonce, "list_not_found", _l("This festival day has no such check-in list."))
    code = raw.get("code")
    if not isinstance(code, str) or len(code) > 1000:
        return _row_error(index, nonce, "invalid_code", _l("A scan needs the text that was read (code)."))
    moment = raw.get("scanned_at")
    try:
        device_time = datetime.fromisoformat(moment) if isinstance(moment, str) and len(moment) < 40 else None
    except ValueError:
        device_time = None
    if device_time is None or device_time.tzinfo is None:
        return _row_error(
            index, nonce, "invalid_scanned_at", _l("A scan needs its time on the device, with its offset (ISO 8601).")
        )
    local = raw.get("local_result")
    local = local if isinstance(local, str) and local in RESULT_VALUES else None
    return Row(nonce=nonce, list_id=list_id, code=code, device_time=device_time, offline=True, local_result=local)


@bp.route("/sync", methods=["POST"])
@device_required  # before the body is parsed: a stranger gets 401, not 400
@bp.doc(security=SECURITY)
@bp.arguments(schemas.SyncRequest, location="json", as_kwargs=True)
@bp.alt_response(**BAD_BODY)
@bp.response(200, schemas.SyncAnswer)
@bp.alt_response(**UNAUTHORIZED)
@bp.alt_response(**_problem(413, "More than 20,000 scans in one batch (batch_too_large)."))
def sync(device_time: datetime, pending: int | None, scans: list):
    """Upload scans made offline, in one batch: each row answered on its own (a malformed one with an `error`),
    in the order sent. Idempotent: a nonce already received answers what it answered then (`replayed`). When
    two devices admitted the same ticket, the earliest scan is the check-in and the others are duplicates."""
    device = g.device
    if len(scans) > BATCH_MAX:
        raise DomainError(_l("Send at most 20,000 scans per batch."), "batch_too_large", status=413)
    lists = {cl.id: cl for cl in list_rules.lists_of(device.festival_id)}
    parsed = [_parse_row(i, raw, lists.keys()) for i, raw in enumerate(scans)]
    rows = [p for p in parsed if isinstance(p, Row)]
    answers = iter(record(device, rows, lists=lists, device_now=device_time, pending=pending) if rows else ())
    now = utcnow()
    labels = {result: str(result.label) for result in Result}
    results = []
    for index, item in enumerate(parsed):
        results.append({"index": index, **answer_json(next(answers), labels)} if isinstance(item, Row) else item)
    offset = int((now - device_time).total_seconds() * 1000)
    body = {"results": results, "server_time": now.isoformat(), "clock_offset_ms": offset,
            "corrected": abs(offset) > 120_000}  # fmt: skip
    return jsonify(body)  # as built: 10,000 rows are not dumped again through the documented schema


@bp.route("/lists/<int:list_id>/bundle", methods=["GET"])
@device_required  # before the body is parsed: a stranger gets 401, not 400
@bp.doc(security=SECURITY)
@bp.response(200, schemas.BundleSchema)
@bp.alt_response(**UNAUTHORIZED)
@bp.alt_response(**NO_LIST)
def bundle(list_id: int):
    """The offline bundle of a check-in list: public keys, valid tickets, revoked and waiting ones, and those
    checked in. Compressed with gzip when the client accepts it; ETag and 304 as every GET."""
    checkin_list = list_rules.get_for_festival(list_id, g.device.festival_id)
    body = json.dumps(bundles.build(checkin_list), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = jsonify()
    response.vary.add("Accept-Encoding")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(gzip.compress(body, 6, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response.set_data(body)
    return response
