"""What an organizer does with the mail of a festival day that has not gone out: see it, and try it again now."""

from __future__ import annotations

from sqlalchemy import Select, func, select, update

from festival.audit import recorder
from festival.core.pagination import Page, paginate
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.mail.background import send_soon
from festival.mail.models import MailStatus, OutgoingMail

PER_PAGE = 25
UNSENT = (MailStatus.PENDING.value, MailStatus.FAILED.value)


def _unsent(festival: LocalityFestival) -> Select:
    return select(OutgoingMail).where(OutgoingMail.festival_id == festival.id, OutgoingMail.status.in_(UNSENT))


def unsent_page(festival: LocalityFestival, page: int = 1) -> Page:
    """Failed mail first (it needs someone), then pending mail in the order it will be tried."""
    failed_first = (OutgoingMail.status == MailStatus.PENDING.value).asc()
    stmt = _unsent(festival).order_by(failed_first, OutgoingMail.next_attempt_at, OutgoingMail.id)
    return paginate(stmt, page, PER_PAGE)


def unsent_counts(festival: LocalityFestival) -> dict[str, int]:
    rows = db.session.execute(
        select(OutgoingMail.status, func.count())
        .where(OutgoingMail.festival_id == festival.id, OutgoingMail.status.in_(UNSENT))
        .group_by(OutgoingMail.status)
    ).all()
    counts = {status: 0 for status in UNSENT}
    counts.update({status: count for status, count in rows})
    return counts


def retry(mail: OutgoingMail) -> bool:
    """Make an unsent mail due now (a failed one gets one more attempt). False when it was sent meanwhile."""
    return bool(_make_due(OutgoingMail.id == mail.id, mail.festival_id))


def retry_all(festival: LocalityFestival) -> int:
    """Make every unsent mail of a festival day due now; how many."""
    return _make_due(OutgoingMail.festival_id == festival.id, festival.id)


def _make_due(which, festival_id: int | None) -> int:
    """Unsent mail matching `which` becomes pending and due now (one conditional UPDATE: what a sender sent
    meanwhile stays sent), noted in the change log, and a sending round is asked for. Commits."""
    changed = db.session.execute(
        update(OutgoingMail)
        .where(which, OutgoingMail.status.in_(UNSENT))
        .values(status=MailStatus.PENDING.value, next_attempt_at=utcnow()),
        execution_options={"synchronize_session": False},
    ).rowcount
    _note(festival_id, changed)
    db.session.commit()
    if changed:
        send_soon()
    return changed


def _note(festival_id: int | None, count: int) -> None:
    """The change log says that mail was retried and how much, never to whom (personal data)."""
    festival = db.session.get(LocalityFestival, festival_id) if festival_id else None
    if festival is not None and count:
        recorder.note(db.session, festival, "mail_retry", {"mails": (None, count)})
