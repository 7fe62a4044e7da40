"""The data speed targets of the issue, measured in-process with time.perf_counter and reported with PASS/MISS.

- importing the 3,355 shipped units into a fresh SQLite database: ≤ 5 s;
- importing 100,000 generated residential areas: ≤ 60 s (SQLite, and PostgreSQL when it is the served database);
- accent-insensitive locality search over ~100,000 units: ≤ 20 ms per query (median over many queries),
  `festival.localities.services.search` called inside an app context, one fresh session per query.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select
from util import OUT, flask, fresh_sqlite, log, median, ms, percentile, sqlite_url, table

from festival import create_app
from festival.extensions import db
from festival.localities import generator
from festival.localities.cli import builtin_units
from festival.localities.importer import apply, decode, parse
from festival.localities.models import Locality
from festival.localities.services import search

SHIPPED_TARGET_S = 5.0
RESIDENTIAL_TARGET_S = 60.0  # for 100,000 residential areas (scaled linearly for another --residential)
SEARCH_TARGET_MS = 20.0
SEARCH_LIMIT = 20  # the API's default limit
# What people type: names with and without accents, unit types, short prefixes, code prefixes, a miss.
SEARCH_QUERIES = [
    "ha noi",
    "Hà Nội",
    "dak lak",
    "ĐẮK LẮK",
    "ba dinh",
    "hoan kiem",
    "sai gon",
    "thon dong",
    "thon",
    "ban",
    "ap",
    "to dan pho 5",
    "to dan pho",
    "phuong",
    "so",
    "xa",
    "h",
    "1",
    "79",
    "0037",
    "00376",
    "26734",
    "zzz",
]


@dataclass
class Target:
    name: str
    measured: str
    target: str
    passed: bool


@dataclass
class SearchRun:
    label: str
    units: int
    per_query: dict[str, list[float]] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)

    @property
    def all_times(self) -> list[float]:
        return [t for times in self.per_query.values() for t in times]


def app_for(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url})


def migrated_template(env: dict[str, str]) -> Path:
    """An empty, migrated SQLite file, copied for each fresh-database import (one `flask db upgrade`)."""
    path = fresh_sqlite(OUT / "template.db")
    flask(["db", "upgrade"], {**env, "DATABASE_URL": sqlite_url(path)})
    return path


def copy_sqlite(source: Path, target: Path) -> Path:
    fresh_sqlite(target)
    for suffix in ("", "-wal"):
        if Path(str(source) + suffix).exists():
            shutil.copyfile(str(source) + suffix, str(target) + suffix)
    return target


def time_import(url: str, data: bytes) -> tuple[float, float, int]:
    """(decode+parse seconds, total seconds, units created) for one import of `data` into `url`."""
    app = app_for(url)
    with app.app_context():
        start = time.perf_counter()
        rows = parse(decode(data))
        parsed = time.perf_counter()
        result = apply(rows)
        done = time.perf_counter()
        db.engine.dispose()
    return parsed - start, done - start, result.created


def shipped_imports(env: dict[str, str], rounds: int) -> tuple[list[float], list[float], Path]:
    """Import the shipped units `rounds` times, each into a fresh SQLite file; returns the last file too."""
    template = migrated_template(env)
    data = builtin_units()
    parse_times, totals, path = [], [], template
    for i in range(rounds):
        path = copy_sqlite(template, OUT / f"shipped-{i}.db")
        parse_s, total_s, created = time_import(sqlite_url(path), data)
        parse_times.append(parse_s)
        totals.append(total_s)
        log(f"shipped units into a fresh SQLite file: {created} created in {total_s:.2f} s")
    return parse_times, totals, path


def residential_csv(count: int) -> bytes:
    """The generated residential areas, written to bench/out for inspection and read back as the import's input."""
    communes = generator.communes_from_csv(builtin_units().decode("utf-8"))
    path = OUT / f"residential-{count}.csv"
    path.write_text(generator.to_csv(generator.generate(communes, count)), encoding="utf-8")
    return path.read_bytes()


def count_units(url: str) -> int:
    app = app_for(url)
    with app.app_context():
        n = db.session.scalar(select(func.count()).select_from(Locality))
        db.engine.dispose()
    return n


def time_search(label: str, url: str, repeat: int, queries: list[str] = SEARCH_QUERIES) -> SearchRun:
    """Every query once to warm up, then `repeat` rounds over all of them; a fresh session for each call."""
    run = SearchRun(label, count_units(url))
    app = app_for(url)
    with app.app_context():
        for q in queries:
            run.hits[q] = len(search(q, SEARCH_LIMIT))
            db.session.remove()
            run.per_query[q] = []
        for _ in range(repeat):
            for q in queries:
                start = time.perf_counter()
                search(q, SEARCH_LIMIT)
                run.per_query[q].append(time.perf_counter() - start)
                db.session.remove()
        db.engine.dispose()
    return run


def shipped_target(totals: list[float], parse_times: list[float]) -> Target:
    m = median(totals)
    return Target(
        f"import 3,355 shipped units, fresh SQLite (median of {len(totals)})",
        f"{m:.2f} s (p95 {percentile(totals, 95):.2f}; parse {median(parse_times):.2f})",
        f"≤ {SHIPPED_TARGET_S:g} s",
        m <= SHIPPED_TARGET_S,
    )


def residential_target(backend: str, count: int, parse_s: float, total_s: float) -> Target:
    target = RESIDENTIAL_TARGET_S * count / 100_000
    scaled = "" if count == 100_000 else " (scaled)"
    return Target(
        f"import {count:,} residential areas ({backend}, once)",
        f"{total_s:.2f} s (parse {parse_s:.2f})",
        f"≤ {target:g} s{scaled}",
        total_s <= target,
    )


def search_target(run: SearchRun) -> Target:
    times = run.all_times
    m = median(times)
    queries = len(run.per_query)
    return Target(
        f"search over {run.units:,} units ({run.label}), {queries} queries × {len(times) // queries}",
        f"{ms(m)} ms (p95 {ms(percentile(times, 95))}, max {ms(max(times))})",
        f"≤ {SEARCH_TARGET_MS:g} ms",
        m * 1000 <= SEARCH_TARGET_MS,
    )


def targets_table(targets: list[Target]) -> str:
    rows = [(t.name, t.measured, t.target, "PASS" if t.passed else "MISS") for t in targets]
    return table("Speed targets", ("measure", "measured (median)", "target", "result"), rows)


def search_table(runs: list[SearchRun]) -> str:
    """Per query: results and median ms on each database; "!" marks a query whose median misses the target."""
    headers = ["query", "hits"] + [f"{r.label} ms (p50 / max)" for r in runs]
    rows = []
    for q in runs[0].per_query:
        row = [repr(q), runs[0].hits[q]]
        for r in runs:
            m = median(r.per_query[q])
            flag = " !" if m * 1000 > SEARCH_TARGET_MS else "  "
            row.append(f"{ms(m)} / {ms(max(r.per_query[q]))}{flag}")
        rows.append(row)
    title = f"Locality search in-process, limit {SEARCH_LIMIT} (! = median over {SEARCH_TARGET_MS:g} ms)"
    return table(title, headers, rows)


PROGRAM_ITEMS = 20


def published_program(url: str, count: int = PROGRAM_ITEMS) -> int:
    """Give the first festival day of a published edition a published program of exactly `count` items (each with
    a person and, when the festival has a host, an organization) and return its id: the public festival page's
    benchmark. Items are written straight to the table, as the tests' factory does."""
    from datetime import timedelta

    from festival.agenda.models import CEREMONY_KINDS, AgendaItem, AgendaParticipant, AgendaPerson, ItemKind
    from festival.core.text import search_key
    from festival.core.time import utcnow
    from festival.editions.models import Edition, LocalityFestival

    festive = [kind for kind in ItemKind if kind not in CEREMONY_KINDS]
    app = app_for(url)
    with app.app_context():
        festival = db.session.scalars(
            select(LocalityFestival)
            .join(LocalityFestival.edition)
            .where(Edition.status == "published")
            .order_by(LocalityFestival.starts_at, LocalityFestival.id)
        ).first()
        if festival is None:
            raise SystemExit("bench: the demo made no festival day of a published edition")
        for item in db.session.scalars(select(AgendaItem).where(AgendaItem.festival_id == festival.id)):
            db.session.delete(item)
        db.session.flush()
        host = festival.hosts[0] if festival.hosts else None
        for n in range(count):
            kind = CEREMONY_KINDS[n] if n < len(CEREMONY_KINDS) else festive[(n - len(CEREMONY_KINDS)) % len(festive)]
            item = AgendaItem(
                festival=festival,
                part=kind.part.value,
                kind=kind.value,
                title=f"{kind.label} ({n + 1})",
                description="Nội dung chương trình ngày hội.",
                starts_at=festival.starts_at + timedelta(minutes=8 * n),
                ends_at=festival.starts_at + timedelta(minutes=8 * n + 8),
                venue=festival.venue,
                status="published",
                position=n + 1,
            )
            name = f"Nguyễn Văn {n + 1}"
            item.people = [AgendaPerson(full_name=name, position_title="Trưởng Công an xã", name_key=search_key(name))]
            if host is not None:
                item.participants = [AgendaParticipant(organization=host, role="host")]
            db.session.add(item)
        festival.program_published_at = utcnow()
        db.session.commit()
        return festival.id
