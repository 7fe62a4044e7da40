"""The organizer sees the mail of their festival day that has not gone out, and sends it again now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from festival.core.time import utcnow
from festival.extensions import db
from festival.mail.models import MailStatus, OutgoingMail
from festival.registration import quotas
from tests.accounts.support import english_client
from tests.conftest import csrf_token, login
from tests.mail.conftest import wait_for_sending


@pytest.fixture
def tickets(world, make):
    """The world's festival with a pending confirmation (lan@example.vn) and, beside it, a failed one."""
    tickets = make.tickets(world)
    failed = make.registration(tickets["quota"], "Bùi Thị Thu", "0912 000 999", email="thu@example.vn")
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.registration_id == failed.id)
        .values(status=MailStatus.FAILED.value, attempts=10, last_error="421 Service not available")
    )
    db.session.commit()
    tickets["failed_mail"] = db.session.scalar(select(OutgoingMail).where(OutgoingMail.registration_id == failed.id))
    return tickets


@pytest.fixture
def browser(app, database):
    return english_client(app)


def page_url(world) -> str:
    return f"/dashboard/festivals/{world['festival'].id}/mail"


def mail_row(mail_id: int) -> OutgoingMail:
    db.session.commit()
    return db.session.get(OutgoingMail, mail_id)


def test_the_organizer_sees_failed_and_pending_mail_with_what_went_wrong(browser, world, tickets):
    login(browser, "orga")
    html = browser.get(page_url(world)).get_data(as_text=True)
    assert "Unsent e-mail" in html
    assert "lan@example.vn" in html and "thu@example.vn" in html
    assert html.index("thu@example.vn") < html.index("lan@example.vn")  # failed first: it needs someone
    assert "421 Service not available" in html
    assert "Confirmation" in html and "Failed: 1" in html and "Pending: 1" in html
    assert "Retry all now" in html


def test_the_registrations_page_leads_to_the_unsent_mail_and_back(browser, world, tickets):
    login(browser, "orga")
    registrations = f"/dashboard/festivals/{world['festival'].id}/registrations"
    assert f'href="{page_url(world)}"' in browser.get(registrations).get_data(as_text=True)
    assert f'href="{registrations}"' in browser.get(page_url(world)).get_data(as_text=True)


def test_an_organizer_of_another_province_is_refused(browser, world, make, tickets):
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    login(browser, "thanhhoa")
    token = csrf_token(browser, "/dashboard")
    mail = tickets["failed_mail"]
    assert browser.get(page_url(world)).status_code == 403
    assert browser.post(f"/dashboard/mail/{mail.id}/retry", data={"csrf_token": token}).status_code == 403
    assert browser.post(page_url(world) + "/retry", data={"csrf_token": token}).status_code == 403
    assert mail_row(mail.id).status == MailStatus.FAILED.value


def test_anonymous_visitors_are_sent_to_the_login_page(browser, world, tickets):
    response = browser.get(page_url(world))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_retrying_a_failed_mail_sends_it_after_the_request(app, browser, world, tickets, smtp, send_after_commit):
    login(browser, "orga")
    mail = tickets["failed_mail"]
    response = browser.post(
        f"/dashboard/mail/{mail.id}/retry", data={"csrf_token": csrf_token(browser, page_url(world))}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(world) + "?page=1")
    wait_for_sending(app)
    assert [m["To"] for m in smtp.messages].count("thu@example.vn") == 1
    assert mail_row(mail.id).status == MailStatus.SENT.value
    assert "will be sent again now" in browser.get(page_url(world)).get_data(as_text=True)


def test_retry_all_makes_every_unsent_mail_due_now(browser, world, tickets):
    later = utcnow() + timedelta(hours=6)
    db.session.execute(update(OutgoingMail).values(next_attempt_at=later))
    db.session.commit()
    login(browser, "orga")
    response = browser.post(page_url(world) + "/retry", data={"csrf_token": csrf_token(browser, page_url(world))})
    assert response.status_code == 302
    rows = db.session.scalars(select(OutgoingMail).execution_options(populate_existing=True)).all()
    assert {row.status for row in rows} == {MailStatus.PENDING.value}
    assert all(row.next_attempt_at <= utcnow() for row in rows)
    assert "2 e-mails will be sent again now." in browser.get(page_url(world)).get_data(as_text=True)


def test_when_everything_went_out_the_page_says_so(browser, world, tickets):
    db.session.execute(update(OutgoingMail).values(status=MailStatus.SENT.value, sent_at=utcnow()))
    db.session.commit()
    login(browser, "orga")
    html = browser.get(page_url(world)).get_data(as_text=True)
    assert "Every e-mail of this festival day has been sent." in html
    assert "Retry all now" not in html


def test_a_long_list_is_paginated(browser, world, make):
    item = make.registrable_item(world["festival"], capacity=None, venue=world["venue"])
    quota = quotas.ensure_quota(world["festival"], item)
    for n in range(27):
        make.registration(quota, f"Người {n}", f"0913 200 {n:03d}", email=f"nguoi{n:02d}@example.vn")
    login(browser, "orga")
    first = browser.get(page_url(world)).get_data(as_text=True)
    second = browser.get(page_url(world) + "?page=2").get_data(as_text=True)
    assert first.count('id="mail-') == 25 and second.count('id="mail-') == 2
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "nguoi26@example.vn" in second and "nguoi26@example.vn" not in first
