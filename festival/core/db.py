"""Database rules: SQLite connection pragmas, and unique-constraint races turned into domain errors."""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import UniqueConstraint, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from festival.core.errors import DomainError


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, a busy timeout and enforced foreign keys on every SQLite connection.

    Without them concurrent writers fail with "database is locked" and foreign keys are silently ignored.
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # In-memory databases cannot use WAL; the pragma answers "memory" there and changes nothing.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


# --- unique-constraint races ------------------------------------------------------------------------------------

_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def is_unique_violation(error: IntegrityError) -> bool:
    """A unique constraint (PostgreSQL SQLSTATE 23505, SQLite's "UNIQUE constraint failed"), not a check or a key."""
    return getattr(error.orig, "sqlstate", None) == "23505" or bool(_SQLITE_UNIQUE.search(str(error.orig)))


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the unique constraint (or unique index) an IntegrityError broke, on PostgreSQL and SQLite.

    PostgreSQL names it (psycopg's `diag.constraint_name`); SQLite names the columns ("t.a, t.b"), which are
    matched against the metadata's unique constraints and indexes to find the name.
    """
    original = error.orig
    diag = getattr(original, "diag", None)
    if diag is not None and getattr(diag, "constraint_name", None):
        return diag.constraint_name
    match = _SQLITE_UNIQUE.search(str(original))
    if not match:
        return None
    columns = [part.strip() for part in match.group(1).split(",")]
    table_name = columns[0].split(".")[0]
    wanted = [c.split(".", 1)[1] for c in columns]
    from festival.extensions import db

    table = db.metadata.tables.get(table_name)
    if table is None:
        return None
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and [c.name for c in constraint.columns] == wanted:
            return constraint.name
    for index in table.indexes:
        if index.unique and [c.name for c in index.columns] == wanted:
            return index.name
    return None


def commit_unique(conflicts: dict[str, DomainError]) -> None:
    """Commit; when a unique constraint named in `conflicts` is broken by a concurrent writer, roll back and
    raise its error: the same field error the service gives when it sees the clash before writing.

    Services check for clashes first (a clear message in the ordinary case); two requests racing past that
    check both reach the database, and the loser lands here instead of in a 500. Any other integrity error
    rolls back and is re-raised for the app's error handler.
    """
    from festival.extensions import db

    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        name = violated_constraint(error)
        if name in conflicts:
            raise conflicts[name] from None
        raise


# --- the end of a request ---------------------------------------------------------------------------------------


def _end_read_only_transaction(response):
    """Commit the transaction a request only read in, instead of letting the pool roll it back.

    Same effect for the data, but on PostgreSQL a ROLLBACK makes psycopg forget every statement it had prepared
    on the connection, so each request would plan its queries again; after a COMMIT the connection is idle and
    the pool's reset does nothing. A request with unflushed changes is left alone: the pool rolls it back.
    """
    from festival.extensions import db

    if not db.session.registry.has():
        return response  # the request never used the database
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        try:
            session.commit()
        except Exception:  # noqa: BLE001 - the answer is made; the pool will roll back
            session.rollback()
    return response


def register_session_end(app) -> None:
    app.after_request(_end_read_only_transaction)
