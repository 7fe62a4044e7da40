"""Self check-in: the A4 poster and its QR code, "I am here" with the ticket this phone keeps, and the phone number
with the ticket code's last 4 characters; every way through the one scan service, as the festival day's self
device."""

from __future__ import annotations

import base64
import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from festival.checkin import lists, selfcheck
from festival.checkin.models import CheckinList, Device, Scan
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from tests.accounts.support import english_client
from tests.conftest import csrf_token, login, require_program


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def poster(gate):
    token = selfcheck.poster_token(gate["list"])
    return {**gate, "url": f"/checkin/self/{token}", "token": token}


def poster_url(gate, world) -> str:
    return f"/dashboard/festivals/{world['festival'].id}/checkin/lists/{gate['list'].id}/poster"


def tap(client, poster, code: str):
    return client.post(poster["url"], data={"code": code, "csrf_token": csrf_token(client, poster["url"])})


def find(client, poster, phone: str, tail: str):
    data = {"phone": phone, "tail": tail, "csrf_token": csrf_token(client, poster["url"])}
    return client.post(poster["url"] + "/find", data=data)


def result_of(response) -> str | None:
    match = re.search(r'data-result="([a-z_]+)"', response.get_data(as_text=True))
    return match.group(1) if match else None


def test_the_poster_is_an_a4_page_whose_qr_code_opens_the_self_check_in_page(app, client, gate, world, tmp_path):
    zbarimg = require_program("zbarimg")
    assert gate["list"].poster_token is None
    login(client, "orga")

    page = client.get(poster_url(gate, world))

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    db.session.refresh(gate["list"])
    token = gate["list"].poster_token
    assert token and len(token) == 43
    assert world["festival"].locality.full_name in html and "Nhà văn hoá xã" in html
    assert "css/checkin-self.css" in html  # @page A4
    svg = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)
    image = tmp_path / "poster.svg"
    image.write_bytes(base64.b64decode(svg))
    read = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True, check=True)
    assert read.stdout.strip() == f"http://localhost/checkin/self/{token}"
    assert client.get(poster_url(gate, world)).status_code == 200
    db.session.refresh(gate["list"])
    assert gate["list"].poster_token == token  # printed again: the same code


def test_a_new_poster_code_makes_the_old_posters_stop_working(client, poster, world):
    login(client, "orga")
    url = poster_url(poster, world)
    assert client.get(poster["url"]).status_code == 200

    response = client.post(url, data={"csrf_token": csrf_token(client, url)})

    assert response.status_code == 302
    db.session.refresh(poster["list"])
    assert poster["list"].poster_token != poster["token"]
    assert client.get(poster["url"]).status_code == 404
    assert client.get(f"/checkin/self/{poster['list'].poster_token}").status_code == 200


def test_strangers_get_no_poster(client, gate, world, make):
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    make.user("checkin_staff", scope=world["tree"]["00376"], username="soatve")
    url = poster_url(gate, world)
    assert client.get(url).status_code == 302
    login(client, "thanhhoa")
    assert client.get(url).status_code == 403
    staff = english_client(client.application)
    login(staff, "soatve")
    assert staff.get(url).status_code == 200
    elsewhere = db.session.scalar(select(LocalityFestival).where(LocalityFestival.id != world["festival"].id))
    other = lists.save(elsewhere, lists.ListData(name="Khác"))
    assert staff.get(f"/dashboard/festivals/{world['festival'].id}/checkin/lists/{other.id}/poster").status_code == 404


def test_one_tap_with_the_ticket_on_the_phone_checks_in_as_the_self_device(client, poster):
    page = client.get(poster["url"])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-self-tickets" in html and 'data-festival="' in html

    first = tap(client, poster, poster["codes"][1])

    assert first.status_code == 200
    assert result_of(first) == "ok"
    assert "Welcome: checked in" in first.get_data(as_text=True)
    assert "Khách 0" in first.get_data(as_text=True)
    scan = db.session.scalar(select(Scan).order_by(Scan.id.desc()).limit(1))
    device = db.session.get(Device, scan.device_id)
    assert (device.kind, device.festival_id, scan.list_id) == ("self", poster["list"].festival_id, poster["list"].id)

    again = tap(client, poster, poster["codes"][1])
    assert result_of(again) == "already_checked_in"
    assert 'class="self-result self-amber"' in again.get_data(as_text=True)
    assert db.session.scalars(select(Device).where(Device.kind == "self")).all() == [device]  # one self device

    forged = tap(client, poster, poster["codes"][2][:-4] + "AAAA")
    assert result_of(forged) == "unknown"
    assert 'class="self-result self-red"' in forged.get_data(as_text=True)


def test_the_posters_list_decides_what_is_valid(client, poster, world):
    later = lists.save(
        world["festival"],
        lists.ListData(name="Chiều", opens_at=utcnow() + timedelta(hours=2), closes_at=utcnow() + timedelta(hours=5)),
    )
    token = selfcheck.poster_token(later)
    waiting_and_later = {**poster, "url": f"/checkin/self/{token}"}
    assert result_of(tap(client, waiting_and_later, poster["codes"][1])) == "not_open"


def test_without_the_ticket_the_phone_number_and_the_last_four_characters_check_in(client, poster):
    code = poster["codes"][1]
    response = find(client, poster, "0913 000 000", code[-4:].lower())
    assert response.status_code == 200
    assert result_of(response) == "ok"


def test_a_wrong_code_or_phone_gets_the_same_neutral_answer_and_keeps_what_was_typed(client, poster):
    code = poster["codes"][1]
    wrong_tail = "ZZZ9" if code[-4:] != "ZZZ9" else "ZZZ8"
    for phone, tail in (("0913 000 000", wrong_tail), ("0988 777 666", code[-4:])):
        response = find(client, poster, phone, tail)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert result_of(response) is None
        assert "We found no confirmed ticket of this festival day with this phone number and code." in html
        assert f'value="{phone}"' in html and f'value="{tail}"' in html
    assert db.session.scalars(select(Scan)).all() == []


def test_bad_input_is_refused_with_a_message_next_to_the_field(client, poster):
    response = find(client, poster, "not a phone", "12")
    assert response.status_code == 422
    assert "is not a valid phone number" in response.get_data(as_text=True)
    response = find(client, poster, "0913 000 000", "1!")
    assert response.status_code == 422
    assert "Enter the last 4 characters of the ticket code" in response.get_data(as_text=True)
    no_token = client.post(poster["url"] + "/find", data={"phone": "0913 000 000", "tail": "ABCD"})
    assert no_token.status_code in (400, 422)
    assert client.get("/checkin/self/short").status_code == 404
    assert client.get("/checkin/self/" + "x" * 43).status_code == 404
    assert db.session.scalar(select(CheckinList.id).where(CheckinList.poster_token.is_(None))) is None


def test_the_ticket_page_shows_the_codes_last_characters_and_gives_the_phone_its_code(client, gate):
    registration = gate["more"][0]
    html = client.get(f"/t/{registration.token}").get_data(as_text=True)
    code = gate["codes"][1]
    assert f"Ticket code: …{code[-4:]}" in html
    assert f'data-ticket-code="{code}"' in html
    waiting = client.get(f"/t/{gate['waiting'].token}").get_data(as_text=True)
    assert "data-ticket-code" not in waiting and "Ticket code" not in waiting
