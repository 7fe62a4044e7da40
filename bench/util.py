"""Helpers shared by bench/run.py and bench/data.py: paths, environment, databases, statistics, tables."""

from __future__ import annotations

import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = ROOT / ".venv" / "bin"
PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/"


def bench_env(database_url: str) -> dict[str, str]:
    """The environment of every flask/gunicorn process: production mode, a random key, our own instance folder."""
    env = {k: v for k, v in os.environ.items() if k not in {"FLASK_DEBUG", "FLASK_ENV", "FLASK_APP"}}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY") or secrets.token_hex(32),
        FESTIVAL_INSTANCE_PATH=str(OUT / "instance"),
        PYTHONUNBUFFERED="1",
    )
    return env


def use_env_here(env: dict[str, str]) -> None:
    """Make this process look like the served one (create_app reads SECRET_KEY, FLASK_DEBUG... from os.environ)."""
    for name in ("FLASK_DEBUG", "FLASK_ENV", "FLASK_APP"):
        os.environ.pop(name, None)
    os.environ.update(env)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def flask(args: Sequence[str], env: dict[str, str]) -> float:
    """Run `flask --app wsgi ARGS` in the repo root; exit with its output when it fails. Returns seconds taken."""
    start = time.perf_counter()
    proc = subprocess.run(
        [str(VENV_BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        sys.exit(f"bench: `flask {' '.join(args)}` failed with exit code {proc.returncode}")
    return time.perf_counter() - start


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def fresh_sqlite(path: Path) -> Path:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    return path


# PostgreSQL: a throwaway database, created through the server's maintenance database and dropped at the end.


def _pg_connect(url: str):
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        dbname="postgres",
        autocommit=True,
    )


def pg_database_name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).database or ""


def pg_create(url: str) -> None:
    from psycopg import sql

    name = pg_database_name(url)
    with _pg_connect(url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            sys.exit(f"bench: the database {name!r} already exists; name a new one (it is dropped at the end)")
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name)))


def pg_drop(url: str) -> None:
    from psycopg import sql

    with _pg_connect(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(pg_database_name(url))))


# Statistics and tables.


def median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def percentile(values: Iterable[float], pct: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    data = sorted(values)
    if not data:
        return float("nan")
    pos = (len(data) - 1) * pct / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain-text table: the first column left-aligned, the others right-aligned."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    rule = "-" * len(line(cells[0]))
    return "\n".join([title, rule, line(cells[0]), rule, *(line(r) for r in cells[1:]), rule])


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"
