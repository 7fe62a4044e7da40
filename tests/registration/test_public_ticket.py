"""The ticket page and what its secret link gives: the QR images, the calendar file, cancelling, a new link, and
"find my ticket"."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

from festival import create_app
from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration import quotas, services
from festival.registration.models import Registration
from tests.accounts.support import english_client
from tests.conftest import csrf_token, require_program
from tests.test_permissions import APP_SETTINGS


@pytest.fixture
def client(app, database):
    return english_client(app)


def mails() -> list[OutgoingMail]:
    db.session.expire_all()
    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def test_a_confirmed_ticket_shows_what_it_admits_its_qr_and_keeps_its_link_secret(client, tickets, world):
    registration = tickets["registration"]
    response = client.get(f"/t/{registration.token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Confirmed" in html and "Khám sức khoẻ miễn phí" in html and "Phạm Thị Lan" in html
    assert "10/08/2027" in html and "Nhà văn hoá xã" in html
    assert f'src="/t/{registration.token}/qr.svg"' in html and f'href="/t/{registration.token}/ticket.ics"' in html
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert "Set-Cookie" not in response.headers  # no form on the page: no session either


def test_the_waiting_ticket_shows_its_place_in_line_and_no_qr(client, tickets):
    waiting = tickets["waiting"]
    html = client.get(f"/t/{waiting.token}").get_data(as_text=True)
    assert "On the waiting list" in html and "Your place in line: 1" in html and "qr.svg" not in html
    assert client.get(f"/t/{waiting.token}/qr.png").status_code == 404


@pytest.mark.parametrize("change", ["truncate", "tamper", "long", "empty-ish"])
def test_a_tampered_or_truncated_link_is_404(client, tickets, change):
    token = tickets["registration"].token
    wrong = {
        "truncate": token[:-1],
        "tamper": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "long": token + "x" * 40,
        "empty-ish": "-",
    }[change]
    for suffix in ("", "/qr.png", "/qr.svg", "/ticket.ics", "/data.json", "/cancel", "/erase"):
        assert client.get(f"/t/{wrong}{suffix}").status_code == 404, suffix


def test_the_qr_png_decodes_to_the_signed_ticket_and_answers_304_to_its_etag(client, tickets, tmp_path):
    zbarimg = require_program("zbarimg")
    registration = tickets["registration"]
    response = client.get(f"/t/{registration.token}/qr.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "private, no-cache" and response.headers["X-Robots-Tag"] == "noindex"
    png = tmp_path / "ticket.png"
    png.write_bytes(response.data)
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    assert decoded.stdout.strip() == services.ticket_text(registration)

    etag = response.headers["ETag"]
    again = client.get(f"/t/{registration.token}/qr.png", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    svg = client.get(f"/t/{registration.token}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data and svg.headers["ETag"] != etag


def test_the_calendar_file_is_an_attachment_of_what_the_ticket_admits(client, tickets):
    registration = tickets["registration"]
    response = client.get(f"/t/{registration.token}/ticket.ics")
    assert response.mimetype == "text/calendar" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in text and "Khám sức khoẻ miễn phí" in text and registration.token in text


def test_cancelling_asks_first_then_frees_the_place_for_the_first_waiting(client, tickets):
    registration, waiting = tickets["registration"], tickets["waiting"]
    url = f"/t/{registration.token}/cancel"
    page = client.get(url).get_data(as_text=True)
    assert "Yes, cancel my registration" in page
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"  # asking changed nothing

    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/t/{registration.token}")
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "cancelled"
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    html = client.get(f"/t/{registration.token}").get_data(as_text=True)
    assert "has been cancelled" in html and "qr.svg" not in html
    assert client.get(f"/t/{registration.token}/qr.png").status_code == 404
    assert client.get(url).status_code == 303  # nothing left to cancel


def test_a_cancel_without_the_csrf_token_changes_nothing(client, tickets):
    registration = tickets["registration"]
    client.post(f"/t/{registration.token}/cancel", data={})
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).status == "confirmed"


def test_replacing_the_link_kills_the_old_one(client, tickets):
    registration = tickets["registration"]
    old = registration.token
    url = f"/t/{old}/replace"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    db.session.expire_all()
    new = db.session.get(Registration, registration.id).token
    assert new != old and response.headers["Location"].endswith(f"/t/{new}")
    assert client.get(f"/t/{old}").status_code == 404
    assert client.get(f"/t/{new}").status_code == 200


@pytest.mark.parametrize("contact", ["0912 000 111", "+84912000111", "LAN@example.vn", "0999 999 999", "x@y.vn"])
def test_find_my_ticket_always_answers_the_same_and_mails_only_the_address_on_file(client, tickets, contact):
    before = len(mails())
    response = client.post(
        "/tickets/find", data={"contact": contact, "csrf_token": csrf_token(client, "/tickets/find")}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "If tickets were registered with this phone number or e-mail" in html
    assert tickets["registration"].token not in html
    new = mails()[before:]
    if contact in ("0999 999 999", "x@y.vn"):
        assert new == []
    else:
        [mail] = new
        assert mail.kind == "ticket_links" and mail.to_address == "lan@example.vn"
        assert tickets["registration"].token in mail.body_text


def test_find_my_ticket_explains_an_unreadable_number(client, tickets):
    response = client.post("/tickets/find", data={"contact": "12", "csrf_token": csrf_token(client, "/tickets/find")})
    assert "not a valid phone number" in response.get_data(as_text=True)


def test_one_mail_per_address_even_for_several_tickets(client, tickets, make, world):
    other = make.registrable_item(world["festival"], title="Tư vấn pháp luật")
    quota = quotas.ensure_quota(world["festival"], other)
    make.registration(quota, "Phạm Thị Lan", "0912 000 111", email="lan@example.vn")
    before = len(mails())
    client.post("/tickets/find", data={"contact": "0912000111", "csrf_token": csrf_token(client, "/tickets/find")})
    [mail] = mails()[before:]
    assert "Khám sức khoẻ miễn phí" in mail.body_text and "Tư vấn pháp luật" in mail.body_text


def test_a_flood_of_ticket_look_ups_is_refused_with_429(app, database, tickets):
    limited = create_app({**{key: app.config[key] for key in APP_SETTINGS}, "TICKET_LOOKUP_RATE_LIMIT": "2 per minute"})
    client = english_client(limited)
    with limited.app_context():
        token = csrf_token(client, "/tickets/find")
        codes = [
            client.post("/tickets/find", data={"contact": "x@y.vn", "csrf_token": token}).status_code for _ in range(4)
        ]
        engine = db.engine
    engine.dispose()
    assert codes == [200, 200, 429, 429]
