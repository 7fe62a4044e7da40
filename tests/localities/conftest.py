"""Helpers for the locality tests: CSV building, whole-database snapshots, tree invariants, EXPLAIN."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import aliased

from festival.extensions import db
from festival.localities.models import LEVEL_DEPTH, Locality, LocalityLevel

# The shared data's columns (shared/data/README.md), written out here so that the tests pin the format.
HEADER = ["code", "parent_code", "level", "unit_type", "name", "full_name", "name_en", "full_name_en"]


def csv_bytes(*rows: list[str] | tuple[str, ...], header: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    """A CSV file (header + rows) as the importer reads it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER if header is None else header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def unit(code: str, parent: str, level: str, unit_type: str, name: str, full_name: str | None = None) -> list[str]:
    """One CSV row; the English names are derived so that tests only say what matters to them."""
    full_name = full_name if full_name is not None else f"{unit_type} {name}"
    return [code, parent, level, unit_type, name, full_name, f"{name} (en)", f"{full_name} (en)"]


def commune_rows(province: str, count: int, start: int = 1) -> list[list[str]]:
    """`count` communes with 5-digit codes under `province` (codes derived from the province code)."""
    return [
        unit(f"{province}{n:03d}", province, "commune", "Xã", f"Thử Nghiệm {n}") for n in range(start, start + count)
    ]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: equal snapshots mean an unchanged database."""
    db.session.expire_all()
    result = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        result[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return result


def assert_tree_consistent() -> None:
    """Every unit's path is its parent's path plus its code, one level deeper, in the level below the parent's."""
    parent = aliased(Locality)
    rows = db.session.execute(
        select(Locality.code, Locality.path, Locality.depth, Locality.level, parent.path, parent.depth).outerjoin(
            parent, Locality.parent_id == parent.id
        )
    ).all()
    assert rows, "the tree is empty"
    for code, path, depth, level, parent_path, parent_depth in rows:
        assert depth == LEVEL_DEPTH[LocalityLevel(level)], code
        if parent_path is None:
            assert (path, depth) == (f"/{code}/", 0), code
        else:
            assert path == f"{parent_path}{code}/", code
            assert depth == parent_depth + 1, code


def explain(stmt, prefix: str) -> list[str]:
    """The plan of `stmt` with its real bound parameters (EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)."""
    conn = db.session.connection()
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.params
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    return [" | ".join(str(part) for part in row) for row in conn.exec_driver_sql(f"{prefix} {compiled}", params)]


@pytest.fixture
def dialect(database) -> str:
    return database.engine.dialect.name
