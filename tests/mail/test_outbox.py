"""The outbox keeps personal data no longer than needed, and its settings are read as documented."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from festival.config import ConfigError, load_config
from festival.core.time import utcnow
from festival.extensions import db
from festival.mail import dispatch, outbox
from festival.mail.models import MailStatus, OutgoingMail


def count() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(OutgoingMail))


def test_sent_mail_is_deleted_after_the_retention_period_and_unsent_mail_is_kept(app, world, make):
    tickets = make.tickets(world)
    make.registration(tickets["quota"], "Bùi Thị Thu", "0912 000 999", email="thu@example.vn")
    old, recent = db.session.scalars(select(OutgoingMail.id).order_by(OutgoingMail.id)).all()
    long_ago = utcnow() - timedelta(days=40)
    db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id == old).values(status=MailStatus.SENT.value, sent_at=long_ago)
    )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["mail", "purge"])
    assert result.exit_code == 0, result.output
    assert db.session.scalars(select(OutgoingMail.id)).all() == [recent]


def test_erasing_a_registration_erases_its_mail(app, world, make):
    tickets = make.tickets(world)
    assert count() == 1
    assert outbox.forget_registration(tickets["registration"].id) == 1
    assert count() == 0


def test_retry_delays_and_their_setting(app, monkeypatch):
    assert [dispatch.retry_delay(n, app.config) for n in (1, 2, 3, 4, 5, 9)] == [
        timedelta(minutes=m) for m in (1, 5, 15, 60, 360, 360)
    ]
    monkeypatch.setenv("MAIL_RETRY_MINUTES", "2, 10,30")
    assert load_config("/tmp")["MAIL_RETRY_MINUTES"] == (2, 10, 30)
    monkeypatch.setenv("MAIL_RETRY_MINUTES", "soon")
    with pytest.raises(ConfigError, match="MAIL_RETRY_MINUTES"):
        load_config("/tmp")


def test_sending_after_the_commit_is_on_by_default_except_in_tests(app, monkeypatch):
    from festival import create_app

    monkeypatch.delenv("MAIL_SEND_AFTER_COMMIT", raising=False)
    assert app.config["MAIL_SEND_AFTER_COMMIT"] is False
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["MAIL_SEND_AFTER_COMMIT"] is True
    monkeypatch.setenv("MAIL_SEND_AFTER_COMMIT", "off")
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["MAIL_SEND_AFTER_COMMIT"] is False
