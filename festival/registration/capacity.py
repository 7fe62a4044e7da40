"""Places of a quota, taken and given back without ever overbooking.

How: a place is taken by one conditional UPDATE of the quota's counter,

    UPDATE registration_quotas SET taken = taken + 1
    WHERE id = :quota AND (capacity IS NULL OR taken < capacity)

inside the transaction that inserts the registration, and the registration is confirmed only when that UPDATE
changed a row. The check and the increment are one statement, so no two requests can both see the last place
free. On PostgreSQL (READ COMMITTED) a concurrent UPDATE of the same row waits for the row lock and then
re-evaluates the WHERE clause against the committed row; on SQLite the UPDATE opens the write transaction (the
Python driver begins it at the first write, after a busy wait for the database's single writer lock), so writers
run one after the other. If the transaction fails afterwards (a duplicate phone, say), the increment rolls back
with it.

`REGISTRATION_CAPACITY_GUARD = False` replaces this with the naive read-compare-write that every check-then-act
registration code does; it exists only so that the concurrency test can show that its race is real.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select, update

from festival.extensions import db
from festival.registration.models import RegistrationQuota

_quotas = RegistrationQuota.__table__


def take_place(quota_id: int) -> bool:
    """Take one place of the quota in the current transaction; False when it is full."""
    if not current_app.config.get("REGISTRATION_CAPACITY_GUARD", True):
        return _take_place_unguarded(quota_id)
    result = db.session.execute(
        update(_quotas)
        .where(_quotas.c.id == quota_id)
        .where((_quotas.c.capacity.is_(None)) | (_quotas.c.taken < _quotas.c.capacity))
        .values(taken=_quotas.c.taken + 1),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount == 1


def _take_place_unguarded(quota_id: int) -> bool:
    """The race this module exists to prevent: read, compare in Python, write back what was read plus one."""
    taken, capacity = db.session.execute(
        select(_quotas.c.taken, _quotas.c.capacity).where(_quotas.c.id == quota_id)
    ).one()
    if capacity is not None and taken >= capacity:
        return False
    db.session.execute(
        update(_quotas).where(_quotas.c.id == quota_id).values(taken=taken + 1),
        execution_options={"synchronize_session": False},
    )
    return True


def give_place(quota_id: int) -> None:
    """Give one place back (a confirmed registration that held one was cancelled)."""
    db.session.execute(
        update(_quotas).where(_quotas.c.id == quota_id).where(_quotas.c.taken > 0).values(taken=_quotas.c.taken - 1),
        execution_options={"synchronize_session": False},
    )
