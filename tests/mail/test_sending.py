"""A registration's e-mail reaches a real SMTP server with its ticket attached, and a mail server that is down
never costs a registration: the mail waits, is retried with a growing delay, and goes out exactly once."""

from __future__ import annotations

import subprocess
import threading
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from festival.core.time import to_local, utcnow
from festival.extensions import db
from festival.mail import dispatch
from festival.mail.models import MailStatus, OutgoingMail
from festival.registration import quotas, services
from festival.registration.models import RegistrationStatus
from tests.conftest import require_program
from tests.mail.conftest import REFUSED_PREFIX, wait_for_sending


@pytest.fixture(autouse=True)
def english_commands(app, monkeypatch):
    """Commands answer in FESTIVAL_LANGUAGE (Vietnamese by default); these tests read their English."""
    monkeypatch.setitem(app.config, "CLI_LANGUAGE", "en")


@pytest.fixture
def quota(world, make):
    item = make.registrable_item(world["festival"], capacity=1, venue=world["venue"])
    return quotas.ensure_quota(world["festival"], item)


def mails_of(registration) -> list[OutgoingMail]:
    db.session.commit()  # see what other sessions (the sending thread, the command) wrote
    return list(
        db.session.scalars(
            select(OutgoingMail).where(OutgoingMail.registration_id == registration.id).order_by(OutgoingMail.id)
        )
    )


def attachment(message, filename: str):
    parts = [part for part in message.iter_attachments() if part.get_filename() == filename]
    assert len(parts) == 1, f"{filename} attached {len(parts)} times"
    return parts[0]


def decode_qr(png: bytes, tmp_path) -> str:
    zbarimg = require_program("zbarimg")
    path = tmp_path / "ticket-qr.png"
    path.write_bytes(png)
    result = subprocess.run([zbarimg, "--raw", "-q", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_confirmation_arrives_with_the_ticket_qr_and_the_calendar_file(app, quota, smtp, send_after_commit, tmp_path):
    registration = services.register(
        quota, services.RegistrationData("Phạm Thị Lan", "0912 000 111", email="lan@example.vn", consent=True)
    )
    wait_for_sending(app)

    [message] = smtp.to("lan@example.vn")
    assert "Khám sức khoẻ miễn phí" in message["Subject"]
    assert message["From"] == app.config["MAIL_SENDER"]
    body = message.get_body(("plain",)).get_content()
    assert "Phạm Thị Lan" in body
    assert services.ticket_url(registration) in body
    item = registration.quota.item
    assert f"10/08/2027, {to_local(item.starts_at):%H:%M}–{to_local(item.ends_at):%H:%M}" in body
    assert "Nhà văn hoá xã" in body

    qr = attachment(message, "ticket-qr.png")
    assert qr.get_content_type() == "image/png"
    assert decode_qr(qr.get_content(), tmp_path) == services.ticket_text(registration)

    ics = attachment(message, "ticket.ics")
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_param("method") == "PUBLISH"
    assert ics.get_content_charset() == "utf-8"
    [event] = Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")
    assert event.decoded("dtstart") == registration.quota.item.starts_at
    assert services.ticket_url(registration) in str(event.get("url"))

    [mail] = mails_of(registration)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT.value, 1, "")


def test_a_registration_made_while_the_mail_server_is_down_is_kept_and_its_mail_goes_out_once_later(
    app, quota, smtp_server, send_after_commit
):
    registration = services.register(
        quota, services.RegistrationData("Đỗ Văn Nam", "0912 000 222", email="nam@example.vn", consent=True)
    )
    wait_for_sending(app)

    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED.value
    [mail] = mails_of(registration)
    assert mail.status == MailStatus.PENDING.value
    assert mail.attempts == 1
    assert "Connection refused" in mail.last_error or "Errno" in mail.last_error
    assert mail.next_attempt_at > utcnow()  # a minute from the failure

    # The server is back; a minute later the timer runs the command.
    smtp_server.start()
    db.session.execute(update(OutgoingMail).values(next_attempt_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    again = app.test_cli_runner().invoke(args=["mail", "send"])
    assert again.exit_code == 0, again.output

    assert len(smtp_server.inbox.to("nam@example.vn")) == 1
    [mail] = mails_of(registration)
    assert (mail.status, mail.attempts, mail.last_error) == (MailStatus.SENT.value, 2, "")


def test_failed_attempts_wait_longer_each_time_then_the_mail_is_given_up(app, quota, mail_port, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 6)
    registration = services.register(
        quota, services.RegistrationData("Lê Thị Hoa", "0912 000 333", email="hoa@example.vn", consent=True)
    )
    now = utcnow()
    waits = []
    for _ in range(6):
        report = dispatch.send_due(now=now)
        [mail] = mails_of(registration)
        if mail.status == MailStatus.FAILED.value:
            assert report.failed == [mail.id]
            break
        assert report.retrying == [mail.id]
        waits.append(mail.next_attempt_at - now)
        assert dispatch.send_due(now=mail.next_attempt_at - timedelta(seconds=1)).tried == 0  # not due before
        now = mail.next_attempt_at
    assert [int(w.total_seconds() // 60) for w in waits] == [1, 5, 15, 60, 360]
    assert (mail.status, mail.attempts) == (MailStatus.FAILED.value, 6)
    assert dispatch.send_due(now=now + timedelta(days=1)).tried == 0  # given up: only an organizer retries it
    db.session.refresh(registration)
    assert registration.status == RegistrationStatus.CONFIRMED.value


def test_an_address_the_server_refuses_for_good_is_given_up_at_once(app, quota, smtp):
    registration = services.register(
        quota,
        services.RegistrationData("Vũ Văn Hùng", "0912 000 444", email=f"{REFUSED_PREFIX}example.vn", consent=True),
    )
    report = dispatch.send_due()
    [mail] = mails_of(registration)
    assert report.failed == [mail.id]
    assert (mail.status, mail.attempts) == (MailStatus.FAILED.value, 1)
    assert "550" in mail.last_error
    assert smtp.messages == []


def test_two_senders_at_once_send_each_mail_exactly_once(app, world, make, smtp):
    item = make.registrable_item(world["festival"], capacity=None, venue=world["venue"])
    quota = quotas.ensure_quota(world["festival"], item)
    for n in range(12):
        make.registration(quota, f"Người {n}", f"0912 100 {n:03d}", email=f"nguoi{n}@example.vn")
    db.session.remove()
    start = threading.Barrier(2)
    reports: list = []

    def sender():
        with app.app_context():
            start.wait()
            reports.append(dispatch.send_due())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    ids = [message["Message-ID"] for message in smtp.messages]
    assert len(ids) == 12 and len(set(ids)) == 12
    assert sorted(mail_id for report in reports for mail_id in report.sent) == sorted(
        db.session.scalars(select(OutgoingMail.id)).all()
    )
    assert set(db.session.scalars(select(OutgoingMail.status)).all()) == {MailStatus.SENT.value}


def test_a_ticket_cancelled_before_its_confirmation_went_out_is_not_attached(app, quota, smtp):
    registration = services.register(
        quota, services.RegistrationData("Trần Văn Tú", "0912 000 555", email="tu@example.vn", consent=True)
    )
    services.cancel(registration)
    dispatch.send_due()
    confirmation, cancellation = smtp.to("tu@example.vn")
    assert services.ticket_url(registration) in confirmation.get_body(("plain",)).get_content()
    assert list(confirmation.iter_attachments()) == []
    assert list(cancellation.iter_attachments()) == []


def test_without_a_mail_server_the_message_is_written_to_the_log(app, quota, caplog):
    assert app.config["MAIL_SERVER"] is None
    registration = services.register(
        quota, services.RegistrationData("Ngô Thị Mai", "0912 000 666", email="mai@example.vn", consent=True)
    )
    caplog.set_level("INFO", logger=app.logger.name)
    report = dispatch.send_due()
    [mail] = mails_of(registration)
    assert report.sent == [mail.id]
    assert mail.status == MailStatus.SENT.value
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "To: mai@example.vn" in logged
    assert "ticket-qr.png" in logged and "ticket.ics" in logged


def test_when_the_server_cannot_be_reached_a_round_stops_after_one_attempt(app, world, make, mail_port):
    item = make.registrable_item(world["festival"], capacity=None, venue=world["venue"])
    quota = quotas.ensure_quota(world["festival"], item)
    for n in range(3):
        make.registration(quota, f"Người {n}", f"0912 300 {n:03d}", email=f"nguoi{n}@example.vn")
    report = dispatch.send_due()
    assert report.unreachable and report.tried == 1
    db.session.commit()
    attempts = sorted(db.session.scalars(select(OutgoingMail.attempts)).all())
    assert attempts == [0, 0, 1]  # the two untried ones are not counted as failures, and stay due
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1
    assert "0 sent, 1 to be tried again, 0 given up." in result.output


def test_a_place_freed_sends_the_promoted_person_their_new_ticket(app, quota, smtp, tmp_path):
    first = services.register(
        quota, services.RegistrationData("Phan Văn Khoa", "0912 000 881", email="khoa@example.vn", consent=True)
    )
    second = services.register(
        quota, services.RegistrationData("Mai Thị Yến", "0912 000 882", email="yen@example.vn", consent=True)
    )
    dispatch.send_due()
    [waiting] = smtp.to("yen@example.vn")
    assert list(waiting.iter_attachments()) == []  # no ticket while on the waiting list

    services.cancel(first)
    dispatch.send_due()
    cancelled = smtp.to("khoa@example.vn")[-1]
    assert list(cancelled.iter_attachments()) == []
    promotion = smtp.to("yen@example.vn")[-1]
    db.session.refresh(second)
    assert second.status == RegistrationStatus.CONFIRMED.value
    assert services.ticket_url(second) in promotion.get_body(("plain",)).get_content()
    png = attachment(promotion, "ticket-qr.png").get_content()
    assert decode_qr(png, tmp_path) == services.ticket_text(second)
    attachment(promotion, "ticket.ics")


def test_an_invitation_carries_the_seat_and_the_ticket(app, quota, smtp, tmp_path):
    invitation = services.invite(
        quota,
        services.InvitationData(
            "Hoàng Văn Đức", position_title="Chủ tịch UBND xã", seat="Hàng A, ghế 3", email="duc@example.vn"
        ),  # fmt: skip
    )
    dispatch.send_due()
    [message] = smtp.to("duc@example.vn")
    body = message.get_body(("plain",)).get_content()
    assert "Hàng A, ghế 3" in body and "Hoàng Văn Đức" in body
    assert decode_qr(attachment(message, "ticket-qr.png").get_content(), tmp_path) == services.ticket_text(invitation)
