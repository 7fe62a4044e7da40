"""Sending what the outbox holds: claim a row, send it, record the outcome; retry later with a growing delay.

Any number of senders may run at once (the after-commit thread of every gunicorn worker, `flask mail send` from a
timer): a row is claimed by one conditional UPDATE that moves its `next_attempt_at` a lease into the future and
counts the attempt, so a second sender's UPDATE finds it no longer due and leaves it. The lease outlives any
SMTP timeout; a sender that dies mid-way leaves the row to be tried again when its lease ends (counted as an
attempt). Delivery is therefore at least once, and a repeat keeps its Message-ID (festival/mail/sender.py).

Nothing here touches a registration: a failed mail is a row with an error, never a lost registration.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update

from festival.core.time import utcnow
from festival.extensions import db
from festival.mail import sender
from festival.mail.models import MailStatus, OutgoingMail

BATCH = 50


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    unreachable: bool = False  # the round stopped: the mail server could not be reached

    @property
    def tried(self) -> int:
        return len(self.sent) + len(self.retrying) + len(self.failed)


def retry_delay(attempts: int, config: dict | None = None) -> timedelta:
    """The wait after the `attempts`-th failed attempt: MAIL_RETRY_MINUTES in turn (1, 5, 15, 60 by default),
    then its last value (6 hours) for every attempt after."""
    minutes = (config or current_app.config)["MAIL_RETRY_MINUTES"]
    return timedelta(minutes=minutes[min(max(attempts, 1), len(minutes)) - 1])


def due_ids(now: datetime, limit: int = BATCH) -> list[int]:
    ids = db.session.scalars(
        select(OutgoingMail.id)
        .where(OutgoingMail.status == MailStatus.PENDING.value, OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(limit)
    ).all()
    db.session.commit()  # end the read, so that each claim below starts its own short write transaction
    return list(ids)


def claim(mail_id: int, now: datetime) -> bool:
    """Take a due row for this sender (True), or learn that another sender has it or it is no longer due."""
    lease = timedelta(seconds=current_app.config["MAIL_CLAIM_SECONDS"])
    won = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.id == mail_id,
            OutgoingMail.status == MailStatus.PENDING.value,
            OutgoingMail.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + lease, attempts=OutgoingMail.attempts + 1),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return won == 1


def send_due(*, now: datetime | None = None, limit: int | None = None) -> SendReport:
    """Send every mail that is due (at most `limit`), each claimed first. Safe to run in several places at once."""
    report = SendReport()
    seen: set[int] = set()  # a row comes back at most once per run, whatever the clocks say
    transport = sender.backend()
    try:
        while limit is None or report.tried < limit:
            batch_now = now or utcnow()
            size = BATCH if limit is None else min(BATCH, limit - report.tried)
            ids = [mail_id for mail_id in due_ids(batch_now, size) if mail_id not in seen]
            if not ids:
                break
            seen.update(ids)
            for mail_id in ids:
                if claim(mail_id, batch_now) and not _send_claimed(mail_id, transport, report, batch_now):
                    report.unreachable = True  # the rest stays due for the next round
                    return report
    finally:
        transport.close()
    return report


def _send_claimed(mail_id: int, transport, report: SendReport, now: datetime) -> bool:
    """Send one claimed mail and record the outcome; False when the mail server could not be reached."""
    mail = db.session.get(OutgoingMail, mail_id)
    try:
        message = sender.build_message(mail)
        transport.send(message)
    except Exception as error:  # noqa: BLE001 - every failure is recorded on the row and retried
        db.session.rollback()
        _record_failure(mail_id, error, report, now)
        return not sender.server_unreachable(error)
    db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == mail_id)
        .values(status=MailStatus.SENT.value, sent_at=now, last_error=""),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    report.sent.append(mail_id)
    return True


def _record_failure(mail_id: int, error: Exception, report: SendReport, now: datetime) -> None:
    mail = db.session.get(OutgoingMail, mail_id)
    db.session.refresh(mail)
    give_up = isinstance(error, sender.PermanentFailure) or mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    values = {"last_error": sender.describe(error)}
    if give_up:
        values["status"] = MailStatus.FAILED.value
    else:
        values["next_attempt_at"] = now + retry_delay(mail.attempts)
    db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id == mail_id).values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    (report.failed if give_up else report.retrying).append(mail_id)
    current_app.logger.warning(
        "e-mail %s, attempt %s: %s%s", mail_id, mail.attempts, values["last_error"], " (given up)" if give_up else ""
    )


def purge_sent(older_than: timedelta, *, now: datetime | None = None) -> int:
    """Delete sent mail older than `older_than`: its text holds names and links, kept no longer than needed to
    answer "did my ticket go out?". Returns how many."""
    cutoff = (now or utcnow()) - older_than
    deleted = db.session.execute(
        delete(OutgoingMail).where(OutgoingMail.status == MailStatus.SENT.value, OutgoingMail.sent_at < cutoff),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return deleted
