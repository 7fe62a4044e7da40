"""`make bench`: the data speed targets, then HTTP throughput and latency under gunicorn, measured with wrk.

Prepares a fresh database (SQLite under bench/out/ by default, or a throwaway PostgreSQL one), measures the import
and search targets in-process (bench/data.py), serves the app with gunicorn in production mode and runs wrk
against /healthz (the ceiling) and the endpoints of ENDPOINTS, in alternating rounds. See bench/README.md.
Nothing here asserts a timing: it is a report.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote_plus

from util import (
    OUT,
    PG_SERVER,
    ROOT,
    VENV_BIN,
    bench_env,
    flask,
    fresh_sqlite,
    log,
    median,
    pg_create,
    pg_drop,
    sqlite_url,
    table,
    use_env_here,
)

WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
HEALTHZ = "/healthz"
BARE = "bare Flask /healthz"
CEILING = "/healthz (ceiling)"
# The endpoints measured against /healthz: (name, path or list of paths that each connection cycles through).
# Later issues add their pages here.
FESTIVAL_PAGE = "festival page, 20 items"
API_ITEMS = "api agenda items, 100"
ENDPOINTS: list[tuple[str, str | list[str]]] = [
    ("home", "/"),
    ("locality page 01", "/localities/01"),
    ("search page ha noi", "/localities?q=ha+noi"),
    ("api search ha noi", "/api/v1/localities?q=ha+noi"),
    ("api search dak lak", "/api/v1/localities?q=dak+lak"),
    ("login page", "/login"),
    # The public page of a published 20-item program ({program}: the festival bench/data.py prepares).
    (FESTIVAL_PAGE, "/festivals/{program}"),
    # A page of 100 agenda items from the API (the demo publishes 140 items in 2027).
    (API_ITEMS, "/api/v1/agenda-items?year=2027&per_page=100"),
]
# The goals of the issue "Foundation, second pass": (what the endpoint is compared with, the least ratio).
GOALS: dict[str, tuple[str, float]] = {
    CEILING: (BARE, 0.75),
    "home": (CEILING, 0.30),
    "locality page 01": (CEILING, 0.25),
    "api search ha noi": (CEILING, 0.40),
    "api search dak lak": (CEILING, 0.40),
    # The issue "Organizer workspace".
    FESTIVAL_PAGE: (CEILING, 0.25),
    # The issue "Calendar feeds … and the whole JSON API documented and fuzzed".
    API_ITEMS: (CEILING, 0.30),
}


class HelpFormatter(argparse.ArgumentDefaultsHelpFormatter, argparse.RawTextHelpFormatter):
    pass


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=HelpFormatter)
    p.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                   help="sqlite: a fresh file bench/out/bench.db;\n"
                        f"postgresql: a throwaway database on {PG_SERVER}\n"
                        "(`make bench` runs both, one after the other)")  # fmt: skip
    p.add_argument("--database-url", help="a PostgreSQL URL whose database does not exist yet: created, then dropped")
    p.add_argument("--keep-db", action="store_true", help="do not drop the PostgreSQL database at the end")
    p.add_argument("--residential", type=int, default=100_000, help="generated residential areas to import")
    p.add_argument("--import-rounds", type=int, default=3, help="fresh-SQLite imports of the shipped units")
    p.add_argument("--search-repeat", type=int, default=10, help="timed calls of each search query")
    p.add_argument("--duration", type=int, default=3, help="seconds per wrk measurement")
    p.add_argument("--warmup", type=int, default=1, help="seconds of wrk warm-up per endpoint (0: none)")
    p.add_argument("--rounds", type=int, default=3, help="alternating rounds over all endpoints (medians)")
    p.add_argument("--connections", type=int, default=4, help="wrk connections")
    p.add_argument("--threads", type=int, default=1, help="wrk threads")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    p.add_argument("--no-http", action="store_true", help="only the data targets, no gunicorn/wrk")
    args = p.parse_args(argv)
    if args.database_url:
        args.database = "postgresql"
    elif args.database == "postgresql":
        args.database_url = f"{PG_SERVER}ngay_hoi_bench_{secrets.token_hex(4)}"
    if args.database_url and not args.database_url.startswith(("postgresql", "postgres://")):
        p.error("--database-url must be a PostgreSQL URL (postgresql+psycopg://user@host:port/name)")
    args.connections = max(args.connections, args.threads)
    args.import_rounds = max(args.import_rounds, 1)
    args.search_repeat = max(args.search_repeat, 1)
    args.rounds = max(args.rounds, 1)
    return args


def wrk_path() -> str:
    return os.environ.get("WRK") or shutil.which("wrk") or "/usr/bin/wrk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(env: dict[str, str], workers: int, app: str = "wsgi:app") -> tuple[subprocess.Popen, str]:
    port = free_port()
    logfile = OUT / f"gunicorn-{app.split(':')[0]}.log"
    # The repo's gunicorn.conf.py applies as in production, to the bare app too; bind and workers are ours.
    cmd = [str(VENV_BIN / "gunicorn"), app, "--chdir", str(ROOT), "--pythonpath", str(ROOT / "bench"),
           "--config", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers)]  # fmt: skip
    with logfile.open("wb") as log_out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log_out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.stderr.write(logfile.read_text(errors="replace")[-3000:])
            sys.exit(f"bench: gunicorn exited with code {proc.returncode} (log: {logfile})")
        try:
            with urllib.request.urlopen(base + HEALTHZ, timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    sys.exit(f"bench: gunicorn did not answer {HEALTHZ} within 30 s (log: {logfile})")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def check_status(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run_wrk(base: str, paths: list[str], args: argparse.Namespace, duration: int) -> dict:
    cmd = [wrk_path(), "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration}s", "--timeout", "10s",
           "-s", str(WRK_SCRIPT), base + paths[0], "--", *paths]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            result = json.loads(line[len("BENCH_JSON ") :])
            result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
            result["errors"] = sum(result[k] for k in result if k.endswith("_errors") or k == "timeouts")
            return result
    sys.exit(f"bench: wrk gave no result (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def search_mix() -> tuple[str, list[str]]:
    from data import SEARCH_QUERIES

    paths = [f"/api/v1/localities?q={quote_plus(q)}" for q in SEARCH_QUERIES]
    return f"api search mix ({len(paths)} queries)", paths


def http_bench(base: str, bare: str, args: argparse.Namespace) -> dict[str, list[dict]]:
    """Warm-up once per endpoint, then `rounds` rounds of the bare app, /healthz and every endpoint."""
    endpoints = [(BARE, bare, [HEALTHZ]), (CEILING, base, [HEALTHZ])]
    endpoints += [(n, base, [p.format(program=args.program)] if isinstance(p, str) else p) for n, p in ENDPOINTS]
    endpoints.append((*search_mix()[:1], base, search_mix()[1]))
    for name, where, paths in endpoints:
        bad = {p: s for p in paths if (s := check_status(where, p)) != 200}
        if bad:
            log(f"warning: {name}: not 200: {bad}")
    if args.warmup > 0:
        log(f"warm-up: {args.warmup} s per endpoint")
        for _name, where, paths in endpoints:
            run_wrk(where, paths, args, args.warmup)
    results: dict[str, list[dict]] = {name: [] for name, _where, _paths in endpoints}
    for r in range(args.rounds):
        log(f"round {r + 1}/{args.rounds}: {len(endpoints)} endpoints × {args.duration} s")
        for name, where, paths in endpoints:
            results[name].append(run_wrk(where, paths, args, args.duration))
    return results


def ratio(results: dict[str, list[dict]], name: str, against: str) -> float:
    """The median over rounds of name's req/s divided by against's req/s in the same round."""
    pairs = zip(results[name], results[against], strict=True)
    return median(run["rps"] / top["rps"] for run, top in pairs if top["rps"])


def http_table(results: dict[str, list[dict]], args: argparse.Namespace, backend: str) -> str:
    rows = []
    for name, runs in results.items():
        goal = ""
        if name in GOALS:
            against, least = GOALS[name]
            got = ratio(results, name, against)
            short = "bare" if against == BARE else "/healthz"
            goal = f"≥ {least:.0%} of {short}: {'PASS' if got >= least else 'MISS'}"
        rows.append((
            name,
            f"{median(r['rps'] for r in runs):.0f}",
            f"{median(r['p50_us'] for r in runs) / 1000:.2f}",
            f"{median(r['p99_us'] for r in runs) / 1000:.2f}",
            f"{ratio(results, name, BARE):.1%}",
            f"{ratio(results, name, CEILING):.1%}",
            goal,
            sum(r["errors"] for r in runs),
        ))  # fmt: skip
    title = (
        f"HTTP on gunicorn ({args.workers} workers + gunicorn.conf.py, {backend}), wrk {args.threads} thread(s) × "
        f"{args.connections} connections, medians of {args.rounds} rounds × {args.duration} s"
    )
    headers = ("endpoint", "req/s", "p50 ms", "p99 ms", "vs bare", "vs /healthz", "goal", "errors")
    return table(title, headers, rows)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.no_http and not Path(wrk_path()).exists():
        print(f"bench: wrk is not installed ({wrk_path()}). Install it with:  apt-get install wrk", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    backend = "PostgreSQL" if args.database == "postgresql" else "SQLite"
    url = args.database_url or sqlite_url(fresh_sqlite(OUT / "bench.db"))
    env = bench_env(url)
    use_env_here(env)
    import data  # after use_env_here: the app reads its settings from os.environ

    report = {"database": backend, "args": vars(args) | {"database_url": url}}
    created_pg = gunicorn = bare = None
    try:
        if args.database == "postgresql":
            pg_create(url)
            created_pg = url
        log("importing the shipped units into fresh SQLite files")
        parse_times, totals, sqlite_db = data.shipped_imports(env, args.import_rounds)
        targets = [data.shipped_target(totals, parse_times)]
        log(f"preparing the {backend} database: flask db upgrade, flask festival demo")
        flask(["db", "upgrade"], env)
        flask(["festival", "demo"], env)
        args.program = data.published_program(url)
        searched = [(backend, url)]
        if args.residential > 0:
            log(f"generating {args.residential:,} residential areas")
            csv = data.residential_csv(args.residential)
            log(f"importing them into {backend}")
            parse_s, total_s, _ = data.time_import(url, csv)
            targets.append(data.residential_target(backend, args.residential, parse_s, total_s))
            if args.database == "postgresql":
                log("importing them into SQLite too")
                parse_s, total_s, _ = data.time_import(sqlite_url(sqlite_db), csv)
                targets.append(data.residential_target("SQLite", args.residential, parse_s, total_s))
                searched.append(("SQLite", sqlite_url(sqlite_db)))
        runs = []
        for label, db_url in searched:
            log(f"timing locality search in-process on {label}")
            runs.append(data.time_search(label, db_url, args.search_repeat))
            targets.append(data.search_target(runs[-1]))
        print("\n" + data.targets_table(targets) + "\n\n" + data.search_table(runs) + "\n", flush=True)
        report["targets"] = [vars(t) for t in targets]
        report["search_ms"] = {r.label: {q: [t * 1000 for t in ts] for q, ts in r.per_query.items()} for r in runs}

        if not args.no_http:
            log(f"starting gunicorn ({args.workers} workers) on {backend}, and the bare Flask app")
            gunicorn, base = start_gunicorn(env, args.workers)
            bare, bare_base = start_gunicorn(env, args.workers, "bare_app:app")
            results = http_bench(base, bare_base, args)
            print(http_table(results, args, backend) + "\n", flush=True)
            report["http"] = results
    finally:
        stop(gunicorn)
        stop(bare)
        if created_pg and args.keep_db:
            log(f"kept the database: {created_pg}")
        elif created_pg:
            log(f"dropping the throwaway database {created_pg.rsplit('/', 1)[-1]}")
            pg_drop(created_pg)
    out = OUT / f"results-{args.database}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    log(f"figures saved to {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
