"""Database connection rules (DESIGN.md §6)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


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
