"""The organizers' devices, enrolment QR code, scans log and duplicates: the QR code decodes to the scanner's
enrolment address with the code in the fragment and that code enrols a phone once; revoking stops its token at
once; the log filters by result and device in a bounded number of queries; two offline phones that admitted one
ticket show one duplicate, with the device that holds the check-in."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest

from festival.checkin import devices
from festival.checkin.scanning import Row, new_nonce, record, scan
from festival.core.time import utcnow
from festival.extensions import db
from tests.accounts.support import english_client
from tests.conftest import count_queries, login, post_form, require_program


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def hub(world) -> str:
    return f"/dashboard/festivals/{world['festival'].id}/checkin"


@pytest.fixture
def orga(client, gate):
    assert login(client, "orga").status_code == 302
    return client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def offline(gate, code: str, minutes_ago: float) -> Row:
    moment = utcnow() - timedelta(minutes=minutes_ago)
    return Row(nonce=new_nonce(), list_id=gate["list"].id, code=code, device_time=moment, offline=True)


def test_the_enrolment_qr_code_holds_the_scanner_address_and_enrols_one_phone_once(orga, gate, hub, tmp_path):
    zbarimg = require_program("zbarimg")
    response = post_form(orga, f"{hub}/enrol", {}, page=hub)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert "Valid for 10 minutes" in html and "It works once" in html
    svg = re.search(r"<svg .*?</svg>", html, re.S).group(0)
    (tmp_path / "enrol.svg").write_text(svg, encoding="utf-8")
    read = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "enrol.svg")], capture_output=True, text=True)
    url = read.stdout.strip()
    assert url.startswith("http://localhost/checkin/enrol#"), (url, read.stderr)
    code = url.split("#", 1)[1]
    assert "?" not in url and len(code) >= 20
    enrolled = orga.post("/api/v1/checkin/devices", json={"code": code, "name": "Điện thoại cổng 2"})
    assert enrolled.status_code == 201, enrolled.get_json()
    token = enrolled.get_json()["token"]
    assert orga.get("/api/v1/checkin/device", headers=bearer(token)).status_code == 200
    assert orga.post("/api/v1/checkin/devices", json={"code": code}).status_code == 410  # once
    row = orga.get(hub).get_data(as_text=True).split("Điện thoại cổng 2", 1)[1].split("</tr>", 1)[0]
    assert "Nguyễn Văn An" in row and "Phone" in row and "never" not in row.split("Enrolled", 1)[0]


def test_the_enrolment_address_uses_public_base_url_when_set(app, orga, gate, hub):
    app.config["PUBLIC_BASE_URL"] = "https://ngayhoi.example.vn/"
    try:
        html = post_form(orga, f"{hub}/enrol", {}, page=hub).get_data(as_text=True)
    finally:
        app.config["PUBLIC_BASE_URL"] = None
    assert "https://ngayhoi.example.vn/checkin/enrol#" in html


def test_enrolling_needs_a_post_with_the_csrf_token(orga, gate, hub):
    assert orga.get(f"{hub}/enrol").status_code == 405
    assert orga.post(f"{hub}/enrol", data={}).status_code == 400


def test_revoking_a_device_asks_first_then_stops_its_token_at_once(orga, gate, hub):
    url = f"{hub}/devices/{gate['device'].id}/revoke"
    assert orga.get("/api/v1/checkin/device", headers=bearer(gate["token"])).status_code == 200
    confirm = orga.get(url)
    assert confirm.status_code == 200 and "Revoke the device" in confirm.get_data(as_text=True)
    assert devices.authenticate(f"Bearer {gate['token']}") is not None  # asking changed nothing
    done = post_form(orga, url, {}, follow_redirects=True)
    assert "it can no longer scan or upload" in done.get_data(as_text=True)
    assert orga.get("/api/v1/checkin/device", headers=bearer(gate["token"])).status_code == 401
    answer = orga.post("/api/v1/checkin/scan", json={"code": gate["codes"][0]}, headers=bearer(gate["token"]))
    assert answer.status_code == 401
    assert "Revoked" in orga.get(hub).get_data(as_text=True)


def test_check_in_staff_in_scope_revoke_devices(client, gate, hub, make, world):
    make.user("checkin_staff", scope=world["tree"]["00376"], username="soatve")
    assert login(client, "soatve").status_code == 302
    assert post_form(client, f"{hub}/devices/{gate['device'].id}/revoke", {}, page=hub).status_code == 302
    db.session.expire_all()
    assert devices.authenticate(f"Bearer {gate['token']}") is None


def test_the_device_list_shows_pending_uploads_and_a_clock_that_is_off(orga, gate, hub):
    record(gate["device"], [offline(gate, gate["codes"][0], 3)], device_now=utcnow() - timedelta(hours=2), pending=7)
    row = orga.get(hub).get_data(as_text=True).split('id="device-', 1)[1].split("</tr>", 1)[0]
    assert "Máy 1" in row and ">7<" in row and "2 h 0 min behind" in row


def test_the_scans_log_lists_newest_first_with_result_device_and_raw_device_time(orga, gate, world, hub):
    second = devices.create_device(world["festival"], "Máy 2").device
    db.session.commit()
    scan(gate["device"], gate["list"], gate["codes"][0])
    scan(gate["device"], gate["list"], "HELLO")
    skewed = utcnow() + timedelta(hours=3)  # the phone's clock runs 3 hours ahead; it scanned just now
    row = Row(nonce=new_nonce(), list_id=gate["list"].id, code=gate["codes"][1], device_time=skewed, offline=True)
    record(second, [row], device_now=skewed)
    html = orga.get(f"{hub}/scans").get_data(as_text=True)
    assert html.index("Khách 0") < html.index("HELLO") < html.index("Phạm Thị Lan")  # corrected times, newest first
    assert "Welcome: checked in" in html and "Not a valid ticket" in html
    assert html.count("device clock:") == 1 and "offline" in html  # the skewed phone's raw time is kept
    only = orga.get(f"{hub}/scans?result=unknown").get_data(as_text=True)
    assert "HELLO" in only and "Phạm Thị Lan" not in only
    by_device = orga.get(f"{hub}/scans?device={second.id}").get_data(as_text=True)
    assert "Khách 0" in by_device and "Phạm Thị Lan" not in by_device
    for junk in ("result=nope", "device=abc", "device=99999999999", "page=-4"):
        assert orga.get(f"{hub}/scans?{junk}").status_code == 200


def test_the_scans_log_runs_the_same_queries_for_few_scans_or_many(orga, gate, world, hub):
    scan(gate["device"], gate["list"], gate["codes"][0])
    orga.get(f"{hub}/scans")
    with count_queries() as few:
        orga.get(f"{hub}/scans")
    for n in range(3):
        other = devices.create_device(world["festival"], f"Máy {n + 2}").device
        db.session.commit()
        rows = [offline(gate, code, 30 - n) for code in gate["codes"]] + [offline(gate, "rác", 1)]
        record(other, rows, device_now=utcnow())
    with count_queries() as many:
        html = orga.get(f"{hub}/scans").get_data(as_text=True)
    assert html.count('id="scan-') == 1 + 3 * 5
    assert len(many) == len(few)


def test_two_offline_phones_admitting_one_ticket_show_one_duplicate_with_the_check_in(orga, gate, world, hub):
    second = devices.create_device(world["festival"], "Máy 2").device
    db.session.commit()
    code = gate["codes"][0]
    record(gate["device"], [offline(gate, code, 5)], device_now=utcnow())  # uploads first, admitted later
    record(second, [offline(gate, code, 20)], device_now=utcnow())  # the earlier admission takes the check-in
    html = orga.get(f"{hub}/duplicates").get_data(as_text=True)
    assert html.count('id="duplicate-') == 1
    row = html.split('id="duplicate-', 1)[1].split("</tr>", 1)[0]
    assert "Phạm Thị Lan" in row and "Cổng chính" in row
    admitted_again, holder = row.split("Máy 1", 1)[1], row.split("Máy 2", 1)[1]
    assert row.index("Máy 1") < row.index("Máy 2") and admitted_again and holder  # Máy 1 lost to Máy 2
    assert "1 duplicate" in orga.get(hub).get_data(as_text=True)
    with count_queries() as statements:
        orga.get(f"{hub}/duplicates")
    assert len(statements) <= 12


def test_no_duplicates_says_so(orga, gate, hub):
    assert "No duplicates" in orga.get(f"{hub}/duplicates").get_data(as_text=True)
