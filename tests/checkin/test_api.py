"""The check-in API as a scanner uses it: enrolment, scanning a QR code read off a ticket page by zbarimg with a
token from `flask devices enrol`, offline batches with malformed rows, the offline bundle, and what a stranger
or a revoked device gets."""

from __future__ import annotations

import gzip
import json
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin import devices, lists
from festival.checkin.models import CheckIn, Scan
from festival.core.time import utcnow
from festival.extensions import db
from festival.registration import services
from tests.accounts.support import english_client
from tests.conftest import require_program


@pytest.fixture
def client(app, database):
    return english_client(app)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_ticket_pages_qr_read_by_zbar_is_admitted_with_a_token_from_flask_devices_enrol(
    app, client, gate, world, tmp_path
):
    zbarimg = require_program("zbarimg")
    result = app.test_cli_runner().invoke(args=["devices", "enrol", "--festival", str(world["festival"].id)])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("nhd_") and len(token) == 47

    registration = gate["registration"]
    png = tmp_path / "ticket.png"
    png.write_bytes(client.get(f"/t/{registration.token}/qr.png").data)
    code = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, check=True).stdout.strip()

    body = {"code": code, "list_id": gate["list"].id}
    first = client.post("/api/v1/checkin/scan", json=body, headers=bearer(token))
    assert first.status_code == 200, first.get_json()
    answer = first.get_json()
    assert answer["result"] == "ok" and answer["name"] == "Phạm Thị Lan" and answer["colour"] == "green"
    assert first.headers["Cache-Control"] == "no-store"
    second = client.post("/api/v1/checkin/scan", json=body, headers=bearer(token)).get_json()
    assert second["result"] == "already_checked_in" and second["checked_in_device"] == "Script"
    assert second["message"] == "Already checked in" and second["colour"] == "amber"


def test_enrolling_with_the_one_time_code_gives_a_token_for_the_festivals_lists(client, gate, world):
    new = devices.start_enrolment(world["festival"])
    response = client.post("/api/v1/checkin/devices", json={"code": new.code, "name": "Điện thoại cổng 2"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["device"]["name"] == "Điện thoại cổng 2" and gate["list"].id in [cl["id"] for cl in body["lists"]]
    info = client.get("/api/v1/checkin/device", headers=bearer(body["token"]))
    assert info.status_code == 200 and info.get_json()["device"]["festival_id"] == world["festival"].id
    again = client.post("/api/v1/checkin/devices", json={"code": new.code})
    assert again.status_code == 410 and again.get_json()["code"] == "enrolment_expired"
    assert client.post("/api/v1/checkin/devices", json={"code": "x" * 30}).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nhd_" + "A" * 43, "Basic dXNlcjpwYXNz"])
def test_without_a_valid_device_token_every_endpoint_is_a_401_problem(client, gate, header):
    headers = {"Authorization": header} if header else {}
    for method, url, body in [
        ("POST", "/api/v1/checkin/scan", {"code": gate["codes"][0]}),
        ("POST", "/api/v1/checkin/sync", {"device_time": utcnow().isoformat(), "scans": []}),
        ("GET", f"/api/v1/checkin/lists/{gate['list'].id}/bundle", None),
        ("GET", "/api/v1/checkin/device", None),
    ]:
        response = client.open(url, method=method, json=body, headers=headers)
        assert response.status_code == 401 and response.mimetype == "application/problem+json", url
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(Scan) == 0


def test_a_revoked_device_stops_at_once(client, gate):
    assert client.post("/api/v1/checkin/scan", json={"code": "x"}, headers=bearer(gate["token"])).status_code == 200
    devices.revoke(gate["device"])
    response = client.post("/api/v1/checkin/scan", json={"code": gate["codes"][0]}, headers=bearer(gate["token"]))
    assert response.status_code == 401 and count(CheckIn) == 0


def test_another_festivals_list_is_a_404_for_scan_and_bundle(client, gate, world):
    from festival.editions.models import LocalityFestival

    other = db.session.scalar(select(LocalityFestival).where(LocalityFestival.locality_id == world["tree"]["14758"].id))
    foreign = lists.save(other, lists.ListData())
    headers = bearer(gate["token"])
    assert client.get(f"/api/v1/checkin/lists/{foreign.id}/bundle", headers=headers).status_code == 404
    scan = client.post("/api/v1/checkin/scan", json={"code": "x", "list_id": foreign.id}, headers=headers)
    assert scan.status_code == 404 and scan.get_json()["code"] == "list_not_found"
    assert client.get("/api/v1/checkin/lists/999999/bundle", headers=headers).get_json()["code"] == "list_not_found"


def test_a_batch_with_malformed_rows_answers_each_row_and_a_replay_changes_nothing(client, gate):
    now = utcnow()
    good = [
        {"nonce": f"good-nonce-{n}", "list_id": gate["list"].id, "code": code,
         "scanned_at": (now - timedelta(minutes=10 - n)).isoformat()}
        for n, code in enumerate(gate["codes"][:3])
    ]  # fmt: skip
    bad = [
        "not an object",
        {"nonce": "x", "list_id": gate["list"].id, "code": "A", "scanned_at": now.isoformat()},
        {"nonce": "valid-nonce-1", "list_id": 999999, "code": "A", "scanned_at": now.isoformat()},
        {"nonce": "valid-nonce-2", "list_id": gate["list"].id, "code": 12, "scanned_at": now.isoformat()},
        {"nonce": "valid-nonce-3", "list_id": gate["list"].id, "code": "A", "scanned_at": "yesterday"},
        {"nonce": "valid-nonce-4", "list_id": gate["list"].id, "code": "A", "scanned_at": "2027-08-10T08:00:00"},
        {"nonce": "valid-nonce-5", "list_id": gate["list"].id, "code": "FORGED" * 20, "scanned_at": now.isoformat()},
    ]
    body = {"device_time": now.isoformat(), "pending": 0, "scans": good + bad}
    response = client.post("/api/v1/checkin/sync", json=body, headers=bearer(gate["token"]))
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["index"] for r in results] == list(range(len(good) + len(bad)))
    assert [r["result"] for r in results[:3]] == ["ok"] * 3
    errors = [r.get("error", {}).get("code") for r in results[3:]]
    assert errors == [
        "invalid_row", "invalid_nonce", "list_not_found", "invalid_code", "invalid_scanned_at", "invalid_scanned_at",
        None,
    ]  # fmt: skip
    assert results[-1]["result"] == "unknown"
    assert count(CheckIn) == 3 and count(Scan) == 4

    replay = client.post("/api/v1/checkin/sync", json=body, headers=bearer(gate["token"])).get_json()["results"]
    assert [r.get("replayed") for r in replay[:3]] == [True] * 3 and [r["result"] for r in replay[:3]] == ["ok"] * 3
    assert count(CheckIn) == 3 and count(Scan) == 4


@pytest.mark.parametrize(
    "body",
    [None, [], "text", {"scans": []}, {"device_time": "now", "scans": []}, {"device_time": "2027-01-01T00:00:00",
                                                                             "scans": []}],
)  # fmt: skip
def test_a_malformed_batch_is_a_400_problem(client, gate, body):
    response = client.post(
        "/api/v1/checkin/sync", data=json.dumps(body), content_type="application/json", headers=bearer(gate["token"])
    )
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_the_bundle_holds_keys_valid_revoked_and_checked_in_tickets_and_answers_304(client, gate):
    services.cancel(gate["more"][0], by="attendee")
    client.post("/api/v1/checkin/scan", json={"code": gate["codes"][0], "list_id": gate["list"].id},
                headers=bearer(gate["token"]))  # fmt: skip
    url = f"/api/v1/checkin/lists/{gate['list'].id}/bundle"
    response = client.get(url, headers={**bearer(gate["token"]), "Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    bundle = json.loads(gzip.decompress(response.data))
    valid = {t[0]: t for t in bundle["tickets"]}
    assert gate["registration"].id in valid and valid[gate["registration"].id][1] == "Phạm Thị Lan"
    assert gate["more"][0].id in bundle["revoked"] and gate["waiting"].id in bundle["waiting"]
    assert [c[0] for c in bundle["checked_in"]] == [gate["registration"].id]
    assert bundle["keys"][0]["algorithm"] == "Ed25519" and bundle["list"]["name"] == "Cổng chính"
    again = client.get(url, headers={**bearer(gate["token"]), "Accept-Encoding": "gzip",
                                     "If-None-Match": response.headers["ETag"]})  # fmt: skip
    assert again.status_code == 304
    plain = client.get(url, headers=bearer(gate["token"]))
    assert "Content-Encoding" not in plain.headers and plain.get_json()["tickets"] == bundle["tickets"]
