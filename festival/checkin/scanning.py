"""The one scan service: a scan at the door (`scan`) and a batch of offline scans (`sync`) are recorded by the
same set-based steps (`record`), so both answer by the same rules with one reason of `Result`.

For a batch of any size it runs a fixed number of statements, not one per row:

1. the nonces this device already sent (a replayed upload answers what it answered the first time, and changes
   nothing);
2. the tickets: each text's Ed25519 signature checked (cached per text), then the registrations they name, in one
   query: unknown, wrong list, revoked, waiting list, not open or closed;
3. the check-ins that already exist for the admitted tickets, then one upsert per chunk that keeps the earliest
   scan per list and ticket (`ON CONFLICT … DO UPDATE … WHERE excluded.checked_in_at < checkins.checked_in_at`,
   on PostgreSQL and SQLite alike): two offline phones that admitted the same ticket give one check-in, the
   earliest, whichever uploads first;
4. when an earlier scan took a check-in over, the scan that had it becomes a duplicate (one UPDATE per list);
5. the scan rows, inserted together (`ON CONFLICT (device_id, nonce) DO NOTHING`: the same batch sent twice at
   once still records each scan once).

A device's clock is compared with the server's at every sync (the batch says what time the device thinks it
is): an offset over CLOCK_TOLERANCE corrects the scan times, and the raw times are kept.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import exists, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from festival.agenda.models import AgendaItem
from festival.checkin import lists as list_rules
from festival.checkin.devices import touch
from festival.checkin.models import CheckIn, CheckinList, Device, Result, Scan
from festival.core.text import printable
from festival.core.time import utcnow
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.registration.models import Registration, RegistrationKind, RegistrationQuota, RegistrationStatus
from festival.registration.tickets import KeyRing, TicketClaims, TicketError, key_ring

CLOCK_TOLERANCE = timedelta(minutes=2)
CHUNK = 1000
CODE_KEPT = 40  # characters of an unrecognised text kept for the organizer


@dataclass
class Row:
    """One scan to record: online (`device_time` None: the server's clock) or from an offline device."""

    nonce: str
    list_id: int
    code: str
    device_time: datetime | None = None
    offline: bool = False
    # What the offline device decided, when it says: only an admission it made can be a duplicate.
    local_result: str | None = None


@dataclass
class Answer:
    nonce: str
    result: Result
    list_id: int
    registration_id: int | None = None
    name: str = ""
    admits: str = ""
    invitation: bool = False
    scanned_at: datetime | None = None
    # For already_checked_in: when and on which device the ticket was checked in.
    checked_in_at: datetime | None = None
    checked_in_device: str = ""
    duplicate: bool = False
    reentry: bool = False
    replayed: bool = False

    def to_json(self) -> dict:
        body = {
            "nonce": self.nonce,
            "result": self.result.value,
            "list_id": self.list_id,
            "registration_id": self.registration_id,
            "name": self.name,
            "admits": self.admits,
            "invitation": self.invitation,
            "scanned_at": self.scanned_at.isoformat() if self.scanned_at else None,
            "duplicate": self.duplicate,
            "reentry": self.reentry,
            "replayed": self.replayed,
        }
        if self.checked_in_at is not None:
            body["checked_in_at"] = self.checked_in_at.isoformat()
            body["checked_in_device"] = self.checked_in_device
        return body


@dataclass
class _Ticket:
    id: int
    status: str
    invitation: bool
    name: str
    erased: bool
    festival_id: int
    item_id: int | None
    item_title: str | None


@dataclass
class _Context:
    device: Device
    lists: dict[int, CheckinList]
    year: int
    day_title: str
    now: datetime
    offset: timedelta
    answers: dict[str, Answer] = field(default_factory=dict)


@lru_cache(maxsize=65536)
def _verify(ring: KeyRing, text: str) -> TicketClaims | None:
    """The claims of a ticket text, None when it is not one of ours (signatures are checked once per text)."""
    try:
        return ring.verify(text)
    except TicketError:
        return None


def new_nonce() -> str:
    return uuid.uuid4().hex


def scan(device: Device, checkin_list: CheckinList, code: str, nonce: str | None = None) -> Answer:
    """Record one scan at the door, now (the API and the scanner page when online). Commits."""
    row = Row(nonce=nonce or new_nonce(), list_id=checkin_list.id, code=code or "")
    return record(device, [row], lists={checkin_list.id: checkin_list}, server_nonces=nonce is None)[0]


def record(
    device: Device,
    rows: list[Row],
    *,
    lists: dict[int, CheckinList] | None = None,
    device_now: datetime | None = None,
    pending: int | None = None,
    server_nonces: bool = False,
) -> list[Answer]:
    """Record scans of `device` (of its festival day's lists only: the caller checked `list_id`). Commits.

    `device_now` is the device's clock when it sent the batch: its offset from the server's clock corrects the
    times of the batch when over CLOCK_TOLERANCE. `pending` is what the device still holds, for the device list.
    `server_nonces`: the nonces were made here just now, so none can have been recorded before."""
    now = utcnow()
    offset = timedelta(0)
    if device_now is not None and abs(now - device_now) > CLOCK_TOLERANCE:
        offset = now - device_now
    if lists is None:
        lists = {cl.id: cl for cl in list_rules.lists_of(device.festival_id)}
    if db.engine.dialect.name == "postgresql" and all(row.device_time is None for row in rows):
        # A door scan does not wait for the disk flush of its commit (this transaction only): it is answered
        # ~1 ms sooner. A crash of the database server can lose the last instants of scans, never corrupt them.
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    year, day_title = _festival_facts(device.festival_id)
    ctx = _Context(device, lists, year, day_title, now, offset)
    fresh = _replays(ctx, rows, server_nonces)
    tickets = _tickets(fresh)
    candidates = _judge(ctx, fresh, tickets)
    if candidates:
        _admit(ctx, candidates, tickets)
    _insert_scans(ctx, fresh, tickets)
    _note_contact(ctx, device_now, pending)
    db.session.commit()
    return [ctx.answers[row.nonce] for row in rows]


_FACTS: dict[int, tuple[int, str]] = {}


def forget_facts() -> None:
    """Drop what `_festival_facts` keeps (the tests, whose databases reuse ids)."""
    _FACTS.clear()


def _festival_facts(festival_id: int) -> tuple[int, str]:
    """A festival day's edition year and its unit's name: they do not change, so each worker reads them once."""
    found = _FACTS.get(festival_id)
    if found is None:
        row = db.session.execute(
            select(Edition.year, Locality.full_name)
            .select_from(LocalityFestival)
            .join(Edition, Edition.id == LocalityFestival.edition_id)
            .join(Locality, Locality.id == LocalityFestival.locality_id)
            .where(LocalityFestival.id == festival_id)
        ).one()
        found = _FACTS[festival_id] = (row.year, row.full_name)
    return found


def _scanned_at(ctx: _Context, row: Row) -> datetime:
    if row.device_time is None:
        return ctx.now
    corrected = row.device_time + ctx.offset
    return min(corrected, ctx.now)  # a scan is never later than its upload


def _replays(ctx: _Context, rows: list[Row], server_nonces: bool) -> list[Row]:
    """Answer the nonces already recorded for this device as they were; return the others (first of each nonce)."""
    seen: set[str] = set()
    unique = [r for r in rows if not (r.nonce in seen or seen.add(r.nonce))]
    if server_nonces:
        return unique
    stored: dict[str, Scan] = {}
    for start in range(0, len(unique), CHUNK):
        chunk = [r.nonce for r in unique[start : start + CHUNK]]
        for found in db.session.scalars(select(Scan).where(Scan.device_id == ctx.device.id, Scan.nonce.in_(chunk))):
            stored[found.nonce] = found
    if stored:
        _answer_replays(ctx, stored)
    return [r for r in unique if r.nonce not in stored]


def _answer_replays(ctx: _Context, stored: dict[str, Scan]) -> None:
    ids = {s.registration_id for s in stored.values() if s.registration_id}
    names = {
        r.id: r.full_name
        for r in db.session.execute(select(Registration.id, Registration.full_name).where(Registration.id.in_(ids)))
    }
    for nonce, found in stored.items():
        ctx.answers[nonce] = Answer(
            nonce=nonce,
            result=Result(found.result),
            list_id=found.list_id,
            registration_id=found.registration_id,
            name=names.get(found.registration_id, ""),
            scanned_at=found.scanned_at,
            duplicate=found.duplicate,
            reentry=found.reentry,
            replayed=True,
        )


VERIFY_THREADS = 2
PARALLEL_FROM = 500  # texts: below this, threads cost more than they save
_POOL: list[ThreadPoolExecutor] = []


def _verify_all(ring: KeyRing, texts: list[str]) -> None:
    """Check many signatures at once, on VERIFY_THREADS threads (the Ed25519 check releases the GIL: a batch of
    10,000 offline scans takes half the time on two cores); the answers land in `_verify`'s cache."""
    if len(texts) < PARALLEL_FROM:
        return
    if not _POOL:
        _POOL.append(ThreadPoolExecutor(max_workers=VERIFY_THREADS, thread_name_prefix="ticket-verify"))
    shares = [texts[n::VERIFY_THREADS] for n in range(VERIFY_THREADS)]
    list(_POOL[0].map(lambda share: [_verify(ring, text) for text in share], shares))


def _tickets(rows: list[Row]) -> dict[int, _Ticket]:
    ring = key_ring()
    _verify_all(ring, [row.code.strip().upper() for row in rows if len(row.code) < 200])
    ids = set()
    for row in rows:
        claims = _verify(ring, row.code.strip().upper()) if len(row.code) < 200 else None
        if claims is not None:
            ids.add(claims.registration_id)
    found: dict[int, _Ticket] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), CHUNK):
        statement = (
            select(
                Registration.id,
                Registration.status,
                Registration.kind,
                Registration.full_name,
                Registration.erased_at,
                RegistrationQuota.festival_id,
                RegistrationQuota.item_id,
                AgendaItem.title,
            )
            .join(RegistrationQuota, RegistrationQuota.id == Registration.quota_id)
            .outerjoin(AgendaItem, AgendaItem.id == RegistrationQuota.item_id)
            .where(Registration.id.in_(id_list[start : start + CHUNK]))
        )
        for r in db.session.execute(statement):
            found[r.id] = _Ticket(
                r.id, r.status, r.kind == RegistrationKind.INVITATION.value, r.full_name, r.erased_at is not None,
                r.festival_id, r.item_id, r.title,
            )  # fmt: skip
    return found


def _judge(ctx: _Context, rows: list[Row], tickets: dict[int, _Ticket]) -> list[tuple[Row, _Ticket]]:
    """Answer every row that is refused; return the (row, ticket) pairs that may be admitted."""
    ring = key_ring()
    candidates = []
    for row in rows:
        checkin_list = ctx.lists[row.list_id]
        scanned_at = _scanned_at(ctx, row)
        answer = Answer(nonce=row.nonce, result=Result.UNKNOWN, list_id=row.list_id, scanned_at=scanned_at)
        ctx.answers[row.nonce] = answer
        claims = _verify(ring, row.code.strip().upper()) if len(row.code) < 200 else None
        ticket = tickets.get(claims.registration_id) if claims is not None else None
        if ticket is None or ticket.erased or not _claims_match(claims, ticket):
            continue  # unknown: unreadable, forged, not ours, or its registration is gone
        answer.registration_id, answer.name, answer.invitation = ticket.id, ticket.name, ticket.invitation
        answer.admits = ticket.item_title or ctx.day_title
        on_list = list_rules.admits_ticket(checkin_list, claims, ticket.festival_id, ctx.year)
        if not on_list or not list_rules.admits_kind(checkin_list, ticket.invitation):
            answer.result = Result.WRONG_LIST
        elif ticket.status == RegistrationStatus.CANCELLED.value:
            answer.result = Result.REVOKED
        elif ticket.status == RegistrationStatus.WAITING.value:
            answer.result = Result.WAITING_LIST
        else:
            state = list_rules.window(checkin_list, scanned_at)
            if state is list_rules.Window.NOT_OPEN:
                answer.result = Result.NOT_OPEN
            elif state is list_rules.Window.CLOSED:
                answer.result = Result.CLOSED
            else:
                candidates.append((row, ticket))
    return candidates


def _claims_match(claims: TicketClaims, ticket: _Ticket) -> bool:
    """The signed claims name what the registration is for (they always do, unless the data was changed)."""
    if claims.item_id is not None:
        return claims.item_id == ticket.item_id
    return ticket.item_id is None and claims.festival_id == ticket.festival_id


# --- admitting: the earliest scan per list and ticket is the check-in -------------------------------------------


_STATEMENTS: dict[str, tuple] = {}


def _statements() -> tuple:
    """The upsert of check-ins (keeping the earliest) and the insert of scans, built once per dialect and run with
    a list of parameter sets: SQLAlchemy sends them as multi-row statements ("insertmanyvalues") from one
    cached compilation, instead of compiling a statement with thousands of literal VALUES per batch."""
    name = db.engine.dialect.name
    found = _STATEMENTS.get(name)
    if found is None:
        insert = postgresql.insert if name == "postgresql" else sqlite.insert
        table = CheckIn.__table__
        upsert = insert(table)
        upsert = upsert.on_conflict_do_update(
            index_elements=[table.c.list_id, table.c.registration_id],
            set_={
                "device_id": upsert.excluded.device_id,
                "nonce": upsert.excluded.nonce,
                "checked_in_at": upsert.excluded.checked_in_at,
            },
            where=upsert.excluded.checked_in_at < table.c.checked_in_at,
        ).returning(table.c.list_id, table.c.registration_id, table.c.device_id, table.c.nonce, table.c.checked_in_at)
        scans = Scan.__table__
        keep_first = insert(scans).on_conflict_do_nothing(index_elements=[scans.c.device_id, scans.c.nonce])
        found = _STATEMENTS[name] = (upsert, keep_first)
    return found


def _admit(ctx: _Context, candidates: list[tuple[Row, _Ticket]], tickets: dict[int, _Ticket]) -> None:
    earliest: dict[tuple[int, int], Row] = {}
    for row, ticket in candidates:
        key = (row.list_id, ticket.id)
        best = earliest.get(key)
        if best is None or (ctx.answers[row.nonce].scanned_at, row.nonce) < (
            ctx.answers[best.nonce].scanned_at,
            best.nonce,
        ):
            earliest[key] = row
    # A scan made now cannot be earlier than a check-in already recorded (every recorded time is at most the time
    # it was received): for online scans the upsert alone decides, with no read before it.
    online = all(row.device_time is None for row in earliest.values())
    before = {} if online else _check_ins(list(earliest))
    winners = dict(before)
    rows = [
        {
            "list_id": key[0],
            "registration_id": key[1],
            "device_id": ctx.device.id,
            "nonce": row.nonce,
            "checked_in_at": ctx.answers[row.nonce].scanned_at,
        }
        for key, row in earliest.items()
        if key not in before or ctx.answers[row.nonce].scanned_at < before[key][2]
    ]
    taken_over: dict[int, list[int]] = defaultdict(list)
    upsert, _scans = _statements()
    if rows:
        for r in db.session.execute(upsert, rows):
            key = (r.list_id, r.registration_id)
            if key in before:
                taken_over[r.list_id].append(r.registration_id)
            winners[key] = (r.device_id, r.nonce, r.checked_in_at)
    missing = [key for key in earliest if key not in winners]
    if missing:  # taken by a concurrent upload between the read and the upsert
        winners.update(_check_ins(missing))
    for list_id, registration_ids in taken_over.items():
        _demote(list_id, registration_ids)
    outcomes = []
    for row, ticket in candidates:
        answer = ctx.answers[row.nonce]
        device_id, nonce, at = winners[(row.list_id, ticket.id)]
        if device_id == ctx.device.id and nonce == row.nonce:
            answer.result = Result.OK
        elif ctx.lists[row.list_id].reentry:
            answer.result, answer.reentry = Result.OK, True
        else:
            answer.result = Result.ALREADY_CHECKED_IN
            answer.duplicate = row.offline and row.local_result in (None, Result.OK.value)
        if answer.result is not Result.OK or answer.reentry:
            outcomes.append((answer, device_id, at))
    devices = _device_names({device_id for _a, device_id, _at in outcomes})
    for answer, device_id, at in outcomes:
        answer.checked_in_at, answer.checked_in_device = at, devices.get(device_id, "")


def _check_ins(keys: list[tuple[int, int]]) -> dict[tuple[int, int], tuple[int, str, datetime]]:
    found = {}
    by_list: dict[int, list[int]] = defaultdict(list)
    for list_id, registration_id in keys:
        by_list[list_id].append(registration_id)
    for list_id, registration_ids in by_list.items():
        for start in range(0, len(registration_ids), CHUNK):
            statement = select(CheckIn.registration_id, CheckIn.device_id, CheckIn.nonce, CheckIn.checked_in_at).where(
                CheckIn.list_id == list_id, CheckIn.registration_id.in_(registration_ids[start : start + CHUNK])
            )
            for r in db.session.execute(statement):
                found[(list_id, r.registration_id)] = (r.device_id, r.nonce, r.checked_in_at)
    return found


def _demote(list_id: int, registration_ids: list[int]) -> None:
    """Scans that had admitted these tickets and lost the check-in to an earlier scan become duplicates."""
    winner = exists().where(
        CheckIn.list_id == Scan.list_id,
        CheckIn.registration_id == Scan.registration_id,
        CheckIn.device_id == Scan.device_id,
        CheckIn.nonce == Scan.nonce,
    )
    for start in range(0, len(registration_ids), CHUNK):
        db.session.execute(
            update(Scan)
            .where(
                Scan.list_id == list_id,
                Scan.registration_id.in_(registration_ids[start : start + CHUNK]),
                Scan.result == Result.OK.value,
                Scan.reentry.is_(False),
                ~winner,
            )
            .values(result=Result.ALREADY_CHECKED_IN.value, duplicate=True)
            .execution_options(synchronize_session=False)
        )


def _device_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {r.id: r.name for r in db.session.execute(select(Device.id, Device.name).where(Device.id.in_(ids)))}


def _insert_scans(ctx: _Context, rows: list[Row], tickets: dict[int, _Ticket]) -> None:
    values = []
    for row in rows:
        answer = ctx.answers[row.nonce]
        values.append(
            {
                "list_id": row.list_id,
                "device_id": ctx.device.id,
                "nonce": row.nonce,
                "registration_id": answer.registration_id,
                "code": "" if answer.registration_id else printable(row.code, CODE_KEPT),
                "result": answer.result.value,
                "duplicate": answer.duplicate,
                "reentry": answer.reentry,
                "offline": row.offline,
                "scanned_at": answer.scanned_at,
                "device_scanned_at": row.device_time,
                "clock_offset_ms": int(ctx.offset.total_seconds() * 1000),
                "received_at": ctx.now,
            }
        )
    if values:
        db.session.execute(_statements()[1], values)


def _note_contact(ctx: _Context, device_now: datetime | None, pending: int | None) -> None:
    if device_now is None and pending is None:
        touch(ctx.device, ctx.now)
        return
    values = {"last_seen_at": ctx.now}
    if device_now is not None:
        values["clock_offset_ms"] = int((ctx.now - device_now).total_seconds() * 1000)
    if pending is not None:
        values["pending"] = max(pending, 0)
    db.session.execute(update(Device).where(Device.id == ctx.device.id).values(**values))
