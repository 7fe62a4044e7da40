"""Calendar feeds: a province feed of 5,000 items, the national feed of 30,000 streamed, a 304 revalidation.

Builds, in a throwaway SQLite file (bench/out/calendar.db) and/or a throwaway PostgreSQL database, six provinces
of 100 communes each, one festival day per commune with a published program of 50 items (one organization each):
30,000 items, 5,000 of them in province 01. Then measures

- the province feed of 01 (5,000 events) built in-process, median of `--runs` builds (target ≤ 1.5 s);
- the national feed (30,000 events) streamed piece by piece, peak memory growth by tracemalloc and the process's
  peak RSS growth (target ≤ 100 MB);
- over HTTP, on gunicorn serving that database: `/healthz` and a revalidation of the province feed with the ETag
  it gave (a 304), alternately, `--rounds` rounds of `--duration` seconds each (target ≥ 0.8 × /healthz). With
  wrk when it is installed, else with a client of keep-alive connections in threads (a slower client: both
  figures are measured the same way, the ratio is what counts).

Usage: .venv/bin/python bench/feeds.py [--database sqlite|postgresql|both] [--runs 3] [--rounds 3]
It prints a table and never fails on a timing (a report, not a test).
"""

from __future__ import annotations

import argparse
import http.client
import resource
import shutil
import sys
import threading
import time
import tracemalloc
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from util import (
    OUT,
    PG_SERVER,
    ROOT,
    bench_env,
    fresh_sqlite,
    log,
    median,
    pg_create,
    pg_drop,
    sqlite_url,
    table,
    use_env_here,
)

sys.path.insert(0, str(ROOT))

PROVINCES = 6
COMMUNES = 100
ITEMS = 50  # per festival day: 6 × 100 × 50 = 30,000, 100 × 50 = 5,000 in province 01
PROVINCE_TARGET_S = 1.5
MEMORY_TARGET_MB = 100.0
REVALIDATION_TARGET = 0.8
FEED = "/calendar/2027/localities/01.ics"
DAY = date(2027, 8, 10)


def units_csv() -> bytes:
    lines = ["code,parent_code,level,unit_type,name,full_name,name_en,full_name_en"]
    for p in range(1, PROVINCES + 1):
        lines.append(f"{p:02d},,province,Tỉnh,Thử {p},Tỉnh Thử {p},Thu {p},Thu {p} Province")
        for c in range(COMMUNES):
            code = f"{p * 1000 + c:05d}"
            lines.append(f"{code},{p:02d},commune,Xã,Làng {code},Xã Làng {code},Lang {code},Lang {code} Commune")
    return ("\n".join(lines) + "\n").encode()


def build() -> None:
    """The data, festivals with the ORM, items and participants with bulk inserts (nothing to check: read only)."""
    from sqlalchemy import insert, select

    from festival.agenda.models import AgendaItem, AgendaParticipant, ItemKind
    from festival.core.time import local_to_utc, utcnow
    from festival.editions.models import Edition, LocalityFestival
    from festival.extensions import db
    from festival.localities.importer import import_bytes
    from festival.localities.models import Locality
    from festival.organizations.models import Organization, Venue

    import_bytes(units_csv())
    communes = db.session.scalars(select(Locality).where(Locality.level == "commune").order_by(Locality.code)).all()
    edition = Edition(
        year=2027,
        season_start=date(2027, 7, 1),
        season_end=date(2027, 8, 19),
        main_day=date(2027, 8, 19),
        status="published",
    )
    db.session.add(edition)
    start = local_to_utc(DAY, datetime.min.time().replace(hour=7))
    now = utcnow()
    kinds = [k.value for k in ItemKind]
    for n, commune in enumerate(communes):
        venue = Venue(
            locality=commune, name=f"Nhà văn hoá {commune.code}", search_name=f"nvh{commune.code}", address="Thôn 1"
        )
        organization = Organization(
            locality=commune, name=f"Công an xã {commune.code}", search_name=f"ca{commune.code}", kind="police"
        )
        moved = timedelta(days=n % 40)
        festival = LocalityFestival(
            edition=edition,
            locality=commune,
            starts_at=start + moved,
            ends_at=start + moved + timedelta(hours=12),
            venue=venue,
            program_published_at=now,
        )
        db.session.add_all([venue, organization, festival])
        db.session.flush()
        rows = []
        for i in range(ITEMS):
            kind = kinds[i % len(kinds)]
            begins = festival.starts_at + timedelta(minutes=10 * i)
            rows.append(
                {
                    "festival_id": festival.id,
                    "part": "ceremony" if i < 15 else "festivities",
                    "kind": kind,
                    "title": f"Tiết mục {i + 1} của ngày hội xã {commune.code}",
                    "description": "Biểu diễn văn nghệ, hội thi tìm hiểu pháp luật, trao quà cho hộ nghèo.",
                    "starts_at": begins,
                    "ends_at": begins + timedelta(minutes=30),
                    "status": "published",
                    "position": i + 1,
                    "revision": 1,
                    "version": 1,
                    "published_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        ids = db.session.scalars(insert(AgendaItem).returning(AgendaItem.id), rows).all()
        db.session.execute(
            insert(AgendaParticipant),
            [{"item_id": item_id, "organization_id": organization.id, "role": "host"} for item_id in ids],
        )
        if n % 50 == 49:
            db.session.commit()
    db.session.commit()


def resident_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def measure_in_process(url: str, label: str, runs: int) -> list[list[str]]:
    import flask_migrate
    from sqlalchemy import text

    from festival import create_app
    from festival.calendar import feeds, render
    from festival.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade()
        log(f"{label}: building {PROVINCES * COMMUNES * ITEMS} items")
        build()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.session.remove()
    base = "https://ngayhoi.vn"
    with app.test_request_context("/"):
        times, events = [], 0
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            body = render.build(feeds.locality_feed(2027, "01", feeds.FeedFilters()), "vi", base)
            times.append(time.perf_counter() - t0)
            events = body.count(b"BEGIN:VEVENT")
        del body
        province = median(times[1:])  # the first run warms the caches
        log(f"{label}: national feed, streamed under tracemalloc")
        rss_before = rss_peak = resident_mb()
        tracemalloc.start()
        traced_before = tracemalloc.get_traced_memory()[0]
        size = national_events = 0
        for piece in render.stream(feeds.edition_feed(2027, feeds.FeedFilters()), "vi", base):
            size += len(piece)
            national_events += piece.count(b"BEGIN:VEVENT")
            rss_peak = max(rss_peak, resident_mb())
        peak = (tracemalloc.get_traced_memory()[1] - traced_before) / 2**20
        tracemalloc.stop()
        rss_growth = rss_peak - rss_before
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return [
        [
            label,
            f"province feed ({events} events)",
            f"{province:.2f} s",
            f"≤ {PROVINCE_TARGET_S} s",
            "PASS" if province <= PROVINCE_TARGET_S else "MISS",
        ],
        [
            label,
            f"national feed streamed ({national_events} events, {size / 2**20:.1f} MB of text)",
            f"{peak:.1f} MB traced, {rss_growth:.1f} MB RSS",
            f"≤ {MEMORY_TARGET_MB:.0f} MB",
            "PASS" if max(peak, rss_growth) <= MEMORY_TARGET_MB else "MISS",
        ],
    ]


# --- HTTP -------------------------------------------------------------------------------------------------------


def hammer(base: str, path: str, headers: dict[str, str], seconds: float, connections: int, expect: int) -> float:
    """Requests per second of `connections` keep-alive connections for `seconds` (answers other than `expect` are
    not counted)."""
    host = urlsplit(base).netloc
    counts = [0] * connections
    stop_at = time.perf_counter() + seconds

    def work(n: int) -> None:
        conn = http.client.HTTPConnection(host, timeout=10)
        while time.perf_counter() < stop_at:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status == expect:
                counts[n] += 1
        conn.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - started)


def wrk_rps(base: str, path: str, headers: dict[str, str], seconds: int, connections: int) -> float:
    import subprocess

    cmd = [shutil.which("wrk"), "-t", "1", "-c", str(connections), "-d", f"{seconds}s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, base + path], capture_output=True, text=True, timeout=seconds + 60).stdout
    line = next(line for line in out.splitlines() if line.startswith("Requests/sec:"))
    return float(line.split(":")[1])


def measure_http(url: str, label: str, args: argparse.Namespace) -> list[list[str]]:
    from run import start_gunicorn, stop

    env = bench_env(url)
    env["GUNICORN_ACCESSLOG"] = "/dev/null"  # the log line is not what is measured
    proc, base = start_gunicorn(env, args.workers)
    try:
        conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=60)
        conn.request("GET", FEED)
        first = conn.getresponse()
        first.read()
        etag = first.getheader("ETag")
        conn.request("GET", FEED, headers={"If-None-Match": etag})
        check = conn.getresponse()
        check.read()
        if first.status != 200 or check.status != 304:
            log(f"warning: {FEED} answered {first.status}, then {check.status} to its ETag")
        use_wrk = shutil.which("wrk") is not None
        tool = "wrk" if use_wrk else "Python client"
        healthz, revalidation = [], []
        for r in range(args.rounds):
            log(f"{label}: HTTP round {r + 1}/{args.rounds} ({tool})")
            for path, headers, expect, into in (
                ("/healthz", {}, 200, healthz),
                (FEED, {"If-None-Match": etag}, 304, revalidation),
            ):
                if use_wrk:
                    into.append(wrk_rps(base, path, headers, args.duration, args.connections))
                else:
                    into.append(hammer(base, path, headers, args.duration, args.connections, expect))
    finally:
        stop(proc)
    ratio = median(revalidation) / median(healthz)
    return [
        [label, f"/healthz ({tool}, {args.workers} workers)", f"{median(healthz):.0f} req/s", "", ""],
        [
            label,
            "province feed revalidated (304)",
            f"{median(revalidation):.0f} req/s = {ratio:.2f} × /healthz",
            f"≥ {REVALIDATION_TARGET} × /healthz",
            "PASS" if ratio >= REVALIDATION_TARGET else "MISS",
        ],
    ]


def run(url: str, label: str, args: argparse.Namespace) -> list[list[str]]:
    rows = measure_in_process(url, label, args.runs)
    for row in rows:
        log(" | ".join(row))
    if not args.no_http:
        rows += measure_http(url, label, args)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="province feed builds (after one warm-up)")
    parser.add_argument("--rounds", type=int, default=3, help="HTTP rounds (/healthz, then the 304)")
    parser.add_argument("--duration", type=int, default=3, help="seconds per HTTP measurement")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--no-http", action="store_true", help="only the in-process measures")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    use_env_here(bench_env(sqlite_url(OUT / "calendar.db")))
    rows: list[list[str]] = []
    if args.database in ("sqlite", "both"):
        rows += run(sqlite_url(fresh_sqlite(OUT / "calendar.db")), "SQLite", args)
    if args.database in ("postgresql", "both"):
        url = f"{PG_SERVER}ngay_hoi_calendar_{int(time.time())}"
        pg_create(url)
        try:
            rows += run(url, "PostgreSQL", args)
        finally:
            pg_drop(url)
    print(
        "\n"
        + table(
            "Calendar feeds: build time, streaming memory, revalidation throughput",
            ["database", "measure", "result", "target", ""],
            rows,
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
