"""The scan service: every reason, one row per scan, idempotent uploads, the earliest of two offline admissions
wins, and a device clock that is off is corrected with its raw times kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin import devices, lists
from festival.checkin.models import CheckIn, Result, Scan
from festival.checkin.scanning import Row, new_nonce, record, scan
from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.registration import services
from festival.registration.tickets import TicketClaims, key_ring


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_valid_ticket_is_admitted_once_then_already_checked_in_with_when_and_where(gate):
    first = scan(gate["device"], gate["list"], gate["codes"][0])
    assert first.result is Result.OK and first.name == "Phạm Thị Lan" and first.admits == "Khám sức khoẻ miễn phí"
    again = scan(gate["device"], gate["list"], gate["codes"][0])
    assert again.result is Result.ALREADY_CHECKED_IN and again.checked_in_device == "Máy 1"
    assert again.checked_in_at == first.scanned_at and not again.duplicate
    assert count(CheckIn) == 1 and count(Scan) == 2  # every scan is a row of its own


@pytest.mark.parametrize(
    "text",
    ["", "hello", "https://example.com/?q=1", "A" * 120, "0" * 5000, "'; DROP TABLE checkins; --", "\x00\n\t"],
)
def test_any_text_that_is_not_our_ticket_is_unknown_and_recorded(gate, text):
    answer = scan(gate["device"], gate["list"], text)
    assert answer.result is Result.UNKNOWN and answer.registration_id is None
    stored = db.session.scalars(select(Scan)).one()
    assert stored.result == "unknown" and len(stored.code) <= 40


def test_a_truncated_or_resigned_ticket_is_unknown(gate):
    code = gate["codes"][0]
    assert scan(gate["device"], gate["list"], code[:-1]).result is Result.UNKNOWN
    flipped = code[:-2] + ("A" if code[-2] != "A" else "B") + code[-1]
    assert scan(gate["device"], gate["list"], flipped).result is Result.UNKNOWN
    # Claims re-signed with another key (a forger's): the key id is unknown or the signature fails.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from festival.registration.tickets import KeyRing

    ring = key_ring()
    claims = ring.verify(code)
    forged = KeyRing(Ed25519PrivateKey.generate(), []).sign(
        TicketClaims(ring.current_id, claims.year, claims.registration_id, claims.festival_id, claims.item_id, False)
    )
    assert scan(gate["device"], gate["list"], forged).result is Result.UNKNOWN
    assert count(CheckIn) == 0


def test_cancelled_waiting_and_other_festivals_tickets_are_refused_with_their_reason(gate, world, make):
    cancelled = gate["more"][0]
    services.cancel(cancelled, by="attendee")
    assert scan(gate["device"], gate["list"], gate["codes"][1]).result is Result.REVOKED
    waiting = gate["waiting"]
    waiting_code = key_ring().sign(
        TicketClaims(key_ring().current_id, 2027, waiting.id, None, gate["item"].id, False)
    )  # as if it had been confirmed once
    assert scan(gate["device"], gate["list"], waiting_code).result is Result.WAITING_LIST
    other_festival = db.session.scalar(
        select(LocalityFestival).where(LocalityFestival.locality_id == world["tree"]["14758"].id)
    )
    elsewhere = lists.save(other_festival, lists.ListData(opens_at=utcnow() - timedelta(hours=1)))
    other_device = devices.create_device(other_festival, "Thanh Hoá").device
    assert scan(other_device, elsewhere, gate["codes"][0]).result is Result.WRONG_LIST


def test_a_list_for_invitations_only_refuses_registrations(gate, world):
    guests = lists.save(
        world["festival"],
        lists.ListData(name="Đại biểu", admits="invitations", opens_at=utcnow() - timedelta(hours=1)),
    )
    assert scan(gate["device"], guests, gate["codes"][0]).result is Result.WRONG_LIST
    invitation = services.ticket_text(gate["invitation"])
    assert scan(gate["device"], guests, invitation).result is Result.OK


def test_scanning_before_the_window_or_after_it_is_not_open_or_closed(gate, world):
    later = lists.save(world["festival"], lists.ListData(name="Sau"))  # opens 2 h before the 2027 festival day
    assert scan(gate["device"], later, gate["codes"][0]).result is Result.NOT_OPEN
    over = lists.save(
        world["festival"],
        lists.ListData(name="Đã xong", opens_at=utcnow() - timedelta(hours=3), closes_at=utcnow() - timedelta(hours=1)),
    )
    assert scan(gate["device"], over, gate["codes"][0]).result is Result.CLOSED


def test_reentry_lists_admit_a_checked_in_ticket_again(gate, world):
    hall = lists.save(
        world["festival"], lists.ListData(name="Hội trường", reentry=True, opens_at=utcnow() - timedelta(hours=1))
    )
    assert scan(gate["device"], hall, gate["codes"][0]).result is Result.OK
    again = scan(gate["device"], hall, gate["codes"][0])
    assert again.result is Result.OK and again.reentry and count(CheckIn) == 1


def offline(gate, code: str, minutes_ago: float, nonce: str | None = None) -> Row:
    return Row(
        nonce=nonce or new_nonce(),
        list_id=gate["list"].id,
        code=code,
        device_time=utcnow() - timedelta(minutes=minutes_ago),
        offline=True,
    )


def test_the_same_batch_twice_changes_nothing(gate):
    rows = [offline(gate, code, 10 - n) for n, code in enumerate(gate["codes"][:3])]
    first = record(gate["device"], rows, device_now=utcnow())
    assert [a.result for a in first] == [Result.OK] * 3
    again = record(gate["device"], rows, device_now=utcnow())
    assert [a.result for a in again] == [Result.OK] * 3 and all(a.replayed for a in again)
    assert count(CheckIn) == 3 and count(Scan) == 3


def test_two_offline_phones_admitting_one_ticket_give_one_check_in_the_earliest(gate, world):
    second = devices.create_device(world["festival"], "Máy 2").device
    db.session.commit()
    code = gate["codes"][0]
    late = record(gate["device"], [offline(gate, code, 5)], device_now=utcnow())[0]
    assert late.result is Result.OK
    early = record(second, [offline(gate, code, 20)], device_now=utcnow())[0]
    assert early.result is Result.OK  # it was first: it takes the check-in over
    check_in = db.session.scalars(select(CheckIn)).one()
    assert check_in.device_id == second.id
    scans = {s.device_id: s for s in db.session.scalars(select(Scan))}
    assert scans[gate["device"].id].result == "already_checked_in" and scans[gate["device"].id].duplicate
    assert scans[second.id].result == "ok" and not scans[second.id].duplicate
    # A third, later upload of the same ticket is a duplicate too.
    third = record(gate["device"], [offline(gate, code, 1)], device_now=utcnow())[0]
    assert third.result is Result.ALREADY_CHECKED_IN and third.duplicate and third.checked_in_device == "Máy 2"
    assert count(CheckIn) == 1


def test_a_device_clock_hours_off_is_corrected_and_its_raw_times_kept(gate):
    skew = timedelta(hours=5)
    device_now = utcnow() + skew  # the phone's clock runs 5 hours ahead
    row = Row(new_nonce(), gate["list"].id, gate["codes"][0], device_time=device_now - timedelta(minutes=3),
              offline=True)  # fmt: skip
    answer = record(gate["device"], [row], device_now=device_now)[0]
    assert answer.result is Result.OK  # not "closed": the corrected time is 3 minutes ago
    stored = db.session.scalars(select(Scan)).one()
    assert abs((utcnow() - timedelta(minutes=3)) - stored.scanned_at) < timedelta(seconds=30)
    assert stored.device_scanned_at == row.device_time and abs(stored.clock_offset_ms + 5 * 3600 * 1000) < 30_000
    db.session.refresh(gate["device"])
    assert abs(gate["device"].clock_offset_ms + 5 * 3600 * 1000) < 30_000


def test_a_revoked_device_is_not_authenticated(gate):
    assert devices.authenticate(f"Bearer {gate['token']}").id == gate["device"].id
    devices.revoke(gate["device"])
    assert devices.authenticate(f"Bearer {gate['token']}") is None
    for header in (None, "", "Bearer", "Basic abc", "Bearer nhd_short", f"Bearer {gate['token']}x"):
        assert devices.authenticate(header) is None


def test_an_enrolment_code_gives_one_device_and_expires(gate, world):
    new = devices.start_enrolment(world["festival"])
    device = devices.enrol(new.code, "Điện thoại của Hoa")
    assert device.device.name == "Điện thoại của Hoa" and devices.authenticate(f"Bearer {device.token}")
    with pytest.raises(Exception) as used:
        devices.enrol(new.code, "again")
    assert getattr(used.value, "code", "") == "enrolment_expired"
    stale = devices.start_enrolment(world["festival"])
    stale.enrolment.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(Exception) as expired:
        devices.enrol(stale.code, "late")
    assert getattr(expired.value, "code", "") == "enrolment_expired"


def test_a_scan_the_offline_phone_itself_refused_is_not_a_duplicate(gate):
    code = gate["codes"][0]
    admitted = offline(gate, code, 10)
    admitted.local_result = "ok"
    again = offline(gate, code, 5)
    again.local_result = "already_checked_in"  # the phone knew: it had admitted the ticket itself
    answers = record(gate["device"], [admitted, again], device_now=utcnow())
    assert [a.result for a in answers] == [Result.OK, Result.ALREADY_CHECKED_IN]
    assert not answers[1].duplicate
    assert db.session.scalar(select(func.count()).select_from(Scan).where(Scan.duplicate.is_(True))) == 0


def test_a_large_batch_is_checked_on_threads_with_the_same_answers(gate):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from festival.checkin import scanning
    from festival.registration.tickets import KeyRing

    forger = KeyRing(Ed25519PrivateKey.generate(), [])
    forged = [
        forger.sign(TicketClaims(key_ring().current_id, 2027, n, gate["list"].festival_id, None, False))
        for n in range(scanning.PARALLEL_FROM)
    ]
    rows = [offline(gate, code, 20 - n) for n, code in enumerate(gate["codes"])]
    rows += [offline(gate, code, 1) for code in forged]
    answers = record(gate["device"], rows, device_now=utcnow())
    assert [a.result for a in answers[: len(gate["codes"])]] == [Result.OK] * len(gate["codes"])
    assert {a.result for a in answers[len(gate["codes"]) :]} == {Result.UNKNOWN}
    assert count(CheckIn) == len(gate["codes"]) and count(Scan) == len(rows)
