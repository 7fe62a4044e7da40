"""A registrant's personal data rights: download everything held about them, erase it (the waiting list moves,
counts stay), and the purge of past festival days from the command line."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration import lookup, privacy, quotas, services
from festival.registration.models import Attendance, Registration, RegistrationQuota
from tests.accounts.support import english_client
from tests.conftest import csrf_token


@pytest.fixture(autouse=True)
def english_commands(app, monkeypatch):
    """Commands answer in FESTIVAL_LANGUAGE (Vietnamese by default); these tests read their English."""
    monkeypatch.setitem(app.config, "CLI_LANGUAGE", "en")


PERSONAL = ("full_name", "name_key", "phone", "email", "affiliation", "position_title", "seat")


@pytest.fixture
def client(app, database):
    return english_client(app)


def fresh(registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_the_data_download_holds_everything_about_the_person_as_an_attachment(client, tickets):
    registration = tickets["registration"]
    response = client.get(f"/t/{registration.token}/data.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.data)
    held = data["registration"]
    assert held["full_name"] == "Phạm Thị Lan" and held["phone"] == "+84912000111"
    assert held["email"] == "lan@example.vn" and held["status"] == "confirmed"
    assert held["consent_version"] == services.CONSENT_VERSION and held["consent_at"].endswith("+07:00")
    assert data["admits"]["title"] == "Khám sức khoẻ miễn phí" and data["admits"]["starts_at"].startswith("2027-08-10")
    assert [mail["kind"] for mail in data["emails"]] == ["confirmation"]
    assert data["emails"][0]["to"] == "lan@example.vn"


def test_erasing_cancels_blanks_the_person_kills_the_link_and_deletes_their_mail(tickets):
    registration, waiting = tickets["registration"], tickets["waiting"]
    old_token = registration.token
    lookup.send_ticket_links("lan@example.vn")  # a "find my ticket" mail holds the address too
    quota_id = registration.quota_id
    privacy.erase(registration)

    erased = fresh(registration)
    assert erased.status == "cancelled" and erased.cancelled_by == "privacy" and erased.erased_at is not None
    for name in PERSONAL:
        assert getattr(erased, name) in ("", None), name
    assert erased.token != old_token
    with pytest.raises(Exception) as caught:
        services.by_token(erased.token)
    assert getattr(caught.value, "status", None) == 404
    # Nothing left that holds the address or the name.
    held = db.session.scalars(select(OutgoingMail)).all()
    assert all(mail.to_address != "lan@example.vn" and "Phạm Thị Lan" not in mail.body_text for mail in held)
    assert all(mail.registration_id != registration.id for mail in held)
    # The waiting list moved and the counts are kept.
    assert fresh(waiting).status == "confirmed"
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.quota_id == quota_id)) == 3
    assert db.session.get(RegistrationQuota, quota_id).taken == 1


def test_erasing_from_the_ticket_page_asks_first(client, tickets):
    registration = tickets["registration"]
    url = f"/t/{registration.token}/erase"
    page = client.get(url)
    assert page.status_code == 200 and "Yes, delete my data" in page.get_data(as_text=True)
    assert fresh(registration).erased_at is None
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 200 and "Your data has been deleted" in response.get_data(as_text=True)
    assert fresh(registration).erased_at is not None
    assert client.get(f"/t/{registration.token}").status_code == 404


def test_purge_anonymises_the_registrations_of_past_days_only(app, tickets, make, world):
    # Phường Ba Đình's festival day, 12/08/2027 (tests/conftest.py `world`).
    later = db.session.scalar(select(LocalityFestival).where(LocalityFestival.starts_at > world["festival"].ends_at))
    item = make.registrable_item(later)
    kept = make.registration(quotas.ensure_quota(later, item), "Lê Văn Tám", "0913 111 222")
    db.session.add(Attendance(registration_id=tickets["invitation"].id, note="Đến sớm"))
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--before", "2027-08-11"])
    assert result.exit_code == 0, result.output
    assert "Registrations anonymised: 3 (festival days that ended before 11/08/2027: 1)." in result.output
    for name in ("registration", "waiting", "invitation"):
        purged = fresh(tickets[name])
        assert purged.erased_at is not None and purged.full_name == "" and purged.phone is None
    # Statuses and attendance stay for the counts; the note is gone with the names.
    assert fresh(tickets["registration"]).status == "confirmed" and fresh(tickets["waiting"]).status == "waiting"
    assert fresh(tickets["invitation"]).attendance.note == ""
    assert db.session.scalar(select(func.count(OutgoingMail.id))) == 0
    assert fresh(kept).full_name == "Lê Văn Tám"

    again = app.test_cli_runner().invoke(args=["privacy", "purge", "--before", "2027-08-11"])
    assert "Registrations anonymised: 0 " in again.output


def test_purge_keeps_a_day_that_ends_on_the_given_date(app, tickets):
    day = tickets["registration"].festival.starts_at.date()
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--before", day.isoformat()])
    assert result.exit_code == 0 and fresh(tickets["registration"]).erased_at is None
    after = (day + timedelta(days=1)).isoformat()
    app.test_cli_runner().invoke(args=["privacy", "purge", "--before", after])
    assert fresh(tickets["registration"]).erased_at is not None


@pytest.mark.parametrize("value", ["31/12/2027", "2027-02-30", "tomorrow", ""])
def test_purge_refuses_a_bad_date_clearly(app, tickets, value):
    result = app.test_cli_runner().invoke(args=["privacy", "purge", "--before", value])
    assert result.exit_code == 2 and "is not a date: write it as YYYY-MM-DD" in result.output
    assert fresh(tickets["registration"]).erased_at is None
