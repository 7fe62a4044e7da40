"""A resident registers on the public pages: the form, its errors, the window, the waiting list, duplicates, the
festival page's offers and the rate limit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival import create_app
from festival.core.cache import store as cache_store
from festival.core.time import utcnow
from festival.extensions import db
from festival.mail.models import OutgoingMail
from festival.registration import quotas, services
from festival.registration.models import Registration
from tests.accounts.support import english_client, form_fields
from tests.conftest import CSRF_RE, csrf_token
from tests.test_permissions import APP_SETTINGS


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def item(make, world):
    return make.registrable_item(world["festival"], capacity=2, venue=world["venue"])


def url_of(item) -> str:
    return f"/festivals/{item.festival_id}/items/{item.id}/register"


def submit(client, url: str, page: str | None = None, **values):
    """Post the form as a resident fills it (the CSRF token from `page`, default the form's own page)."""
    data = {"phone": "0912 345 678", "full_name": "Nguyễn Thị Hoà", "consent": "y", **values}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page or url)})


def registrations() -> list[Registration]:
    db.session.expire_all()
    return db.session.scalars(select(Registration).order_by(Registration.id)).all()


def test_a_resident_registers_and_lands_on_the_ticket_page(client, item):
    page = client.get(url_of(item)).get_data(as_text=True)
    # The consent box is there, unticked, and says what the data is for, how long, who sees it and the rights.
    assert 'name="consent"' in page and "checked" not in page.split('name="consent"')[1].split(">")[0]
    for words in ("only to register you", "deleted after the festival day", "check-in staff", "Law 91/2025/QH15"):
        assert words in page
    assert page.index('name="phone"') < page.index('name="full_name"')  # phone first

    response = submit(client, url_of(item), phone="+84 912 345 678", email="hoa@example.vn", affiliation="Thôn Đông")
    assert response.status_code == 303
    [registration] = registrations()
    assert response.headers["Location"].endswith(f"/t/{registration.token}")
    assert registration.status == "confirmed" and registration.phone == "+84912345678"
    assert registration.affiliation == "Thôn Đông" and registration.consent_version == services.CONSENT_VERSION
    ticket = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are registered" in ticket and "Nguyễn Thị Hoà" in ticket and "10/08/2027" in ticket


def test_the_festival_day_as_a_whole_takes_registrations_once_its_quota_exists(client, world, make):
    festival = world["festival"]
    make.registrable_item(festival)  # publishes the program
    url = f"/festivals/{festival.id}/register"
    assert client.get(url).status_code == 404  # the organizers did not open it
    quotas.ensure_quota(festival)
    assert submit(client, url).status_code == 303
    assert registrations()[0].quota.item_id is None


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"consent": None}, "consent", "needs your consent"),
        ({"phone": "12345"}, "phone", "not a valid phone number"),
        ({"phone": ""}, "phone", "Enter a phone number."),
        ({"full_name": "  "}, "full_name", "Enter the full name."),
        ({"email": "not-an-address"}, "email", "not a valid e-mail address"),
        ({"affiliation": "x" * 350}, "affiliation", "too long"),
    ],
)
def test_a_refused_form_says_why_next_to_the_field_and_keeps_what_was_typed(client, item, values, field, message):
    typed = {"full_name": "Trần Văn Minh", "email": "minh@example.vn", "phone": "0987 654 321", **values}
    response = submit(client, url_of(item), **typed)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    fields = form_fields(html)
    if field != "consent":
        assert fields[field].has_error
    for name, value in typed.items():
        if value is not None and name != "affiliation":
            assert fields[name].value == value
    assert registrations() == []


def test_closed_not_yet_open_and_stopped_windows_are_said_and_refuse(client, item, make):
    quota = quotas.ensure_quota(item.festival, item)
    for change, words in (
        ({"closes_at": utcnow() - timedelta(hours=1)}, "Registration has closed."),
        ({"closes_at": None, "opens_at": utcnow() + timedelta(days=1)}, "Registration has not opened yet."),
        ({"opens_at": None, "accepting": False}, "stopped by the organizers"),
    ):
        for name, value in change.items():
            setattr(quota, name, value)
        db.session.commit()
        page = client.get(url_of(item))
        assert page.status_code == 200 and words in page.get_data(as_text=True)
        assert 'name="full_name"' not in page.get_data(as_text=True)
        response = submit(client, url_of(item), page="/tickets/find")  # a closed page has no form
        assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert registrations() == []


def test_unknown_or_unregistrable_items_answer_404(client, world, item):
    festival = world["festival"]
    assert client.get(f"/festivals/{festival.id}/items/{world['item'].id}/register").status_code == 404
    assert client.get(f"/festivals/{festival.id}/items/999999/register").status_code == 404
    assert client.get(f"/festivals/999999/items/{item.id}/register").status_code == 404


def test_a_full_item_says_so_before_submitting_and_puts_the_next_on_the_waiting_list(client, item, make):
    quota = quotas.ensure_quota(item.festival, item)
    make.registration(quota)
    make.registration(quota)
    page = client.get(url_of(item)).get_data(as_text=True)
    assert "All places are taken" in page and "Join the waiting list" in page
    response = submit(client, url_of(item))
    assert response.status_code == 303
    assert registrations()[-1].status == "waiting"
    ticket = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your place in line: 1" in ticket and "qr." not in ticket


def test_a_full_item_without_waiting_list_shows_no_form(client, item, make):
    quota = quotas.ensure_quota(item.festival, item)
    quota.waiting_list = False
    db.session.commit()
    make.registration(quota)
    make.registration(quota)
    page = client.get(url_of(item)).get_data(as_text=True)
    assert "There are no places left." in page and 'name="full_name"' not in page


def test_a_duplicate_phone_is_offered_a_resend_to_the_masked_address_never_the_link(client, item, make):
    quota = quotas.ensure_quota(item.festival, item)
    existing = make.registration(quota, "Phạm Thị Lan", "0912 345 678", email="lan@example.vn")
    response = submit(client, url_of(item), phone="84912345678", full_name="Someone Else")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "already registered" in html
    assert "l***@example.vn" in html and "lan@example.vn" not in html and existing.token not in html
    before = db.session.scalar(select(func.count(OutgoingMail.id)))

    token = CSRF_RE.search(html).group(1)
    resent = client.post(url_of(item), data={"action": "resend", "phone": "84912345678", "csrf_token": token})
    html = resent.get_data(as_text=True)
    assert "sent the ticket again to l***@example.vn" in html and existing.token not in html
    mails = db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert len(mails) == before + 1
    assert mails[-1].kind == "ticket_links" and mails[-1].to_address == "lan@example.vn"
    assert existing.token in mails[-1].body_text


def test_a_duplicate_without_email_is_told_to_contact_the_organizers(client, item, make):
    quota = quotas.ensure_quota(item.festival, item)
    existing = make.registration(quota, "Đỗ Văn Nam", "0912 345 678")
    html = submit(client, url_of(item)).get_data(as_text=True)
    assert "contact the organizers" in html and 'value="resend"' not in html and existing.token not in html


def test_the_festival_page_shows_what_takes_registration(client, world, item, make):
    # Before anyone registered the item has no saved quota: it is offered with the item's capacity.
    html = client.get(f"/festivals/{world['festival'].id}").get_data(as_text=True)
    assert "Khám sức khoẻ miễn phí" in html and "2 places left." in html and f'href="{url_of(item)}"' in html
    page = client.get(url_of(item)).get_data(as_text=True)
    assert "Register: Khám sức khoẻ miễn phí" in page and "09:00–10:00" in page
    quota = quotas.ensure_quota(item.festival, item)
    make.registration(quota)
    # The block is kept for a minute (a registration does not change the public data): expire it.
    cache_store().clear()
    html = client.get(f"/festivals/{world['festival'].id}").get_data(as_text=True)
    assert "Khám sức khoẻ miễn phí" in html and "1 place left." in html and "Registration is open." in html
    assert f'href="{url_of(item)}"' in html
    make.registration(quota)
    cache_store().clear()
    html = client.get(f"/festivals/{world['festival'].id}").get_data(as_text=True)
    assert "Full: waiting list open." in html and "Join the waiting list" in html


def test_a_flood_of_registrations_is_refused_with_429(app, database, item):
    settings = {key: app.config[key] for key in APP_SETTINGS}
    limited = create_app({**settings, "REGISTRATION_RATE_LIMIT": "3 per minute"})
    client = english_client(limited)
    url = url_of(item)
    with limited.app_context():
        token = CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)
        codes = [
            client.post(url, data={"phone": "12", "full_name": "A", "csrf_token": token}).status_code for _ in range(5)
        ]
        engine = db.engine
    engine.dispose()
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
