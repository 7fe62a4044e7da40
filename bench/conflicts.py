"""Conflict detection speed: one item against a 300-item program, and a whole 300-item program.

Builds, in a throwaway SQLite file (bench/out/conflicts.db) and a throwaway PostgreSQL database, a province with
21 communes, one festival day with 300 items over 10 venues (each venue's items back to back, a few moved onto
their neighbour; two people and one or two organizations each, from a pool of 150 people and 30 province-level
organizations) and 20 other festival days the same day and hours with 50 items each, whose people and organizations
come from the same pools 30% of the time (their own otherwise), plus 200 such festival days on the other days of
the season (10,000 items: the history the indexes must skip); then times, in-process with time.perf_counter:

- `festival.agenda.conflicts.for_item` on a random item of the 300 (median over the runs; target ≤ 20 ms),
- `festival.agenda.conflicts.for_program` of the 300-item festival (target ≤ 50 ms),
- a trivial query (`SELECT 1`) in the same run, for the ratio.

Usage: .venv/bin/python bench/conflicts.py [--database sqlite|postgresql|both] [--runs 200]
It prints a table and never fails on a timing (a report, not a test).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta

from util import (
    OUT,
    PG_SERVER,
    ROOT,
    bench_env,
    fresh_sqlite,
    log,
    median,
    ms,
    pg_create,
    pg_drop,
    sqlite_url,
    table,
    use_env_here,
)

# This checkout's code, even when the virtualenv's editable install points at another checkout.
sys.path.insert(0, str(ROOT))

FOR_ITEM_TARGET_MS = 20.0
FOR_PROGRAM_TARGET_MS = 50.0
ITEMS = 300
OTHER_FESTIVALS = 20
# Festival days on the other days of the season, drawing on the same pools: the history an index must skip.
BACKGROUND_FESTIVALS = 200
OTHER_ITEMS = 50
PEOPLE = 150
ORGANIZATIONS = 30
VENUES = 10
DAY = date(2027, 8, 10)


def units_csv() -> bytes:
    lines = [
        "code,parent_code,level,unit_type,name,full_name,name_en,full_name_en",
        "01,,province,Thành phố,Hà Nội,Thành phố Hà Nội,Hanoi,Hanoi",
    ]
    for n in range(OTHER_FESTIVALS + BACKGROUND_FESTIVALS + 1):
        code = f"{90000 + n}"
        lines.append(f"{code},01,commune,Xã,Thử {n},Xã Thử {n},Thu {n},Thu {n} Commune")
    return ("\n".join(lines) + "\n").encode()


def build(rng: random.Random):
    """The data, written with the ORM in a few commits (no rules to check: the program is only read here)."""
    from sqlalchemy import select

    from festival.agenda.models import AgendaItem, AgendaParticipant, AgendaPerson
    from festival.core.text import search_key
    from festival.core.time import local_to_utc
    from festival.editions.models import Edition, LocalityFestival
    from festival.extensions import db
    from festival.localities.importer import import_bytes
    from festival.localities.models import Locality
    from festival.organizations.models import Organization, Venue

    import_bytes(units_csv())
    localities = {loc.code: loc for loc in db.session.scalars(select(Locality))}
    edition = Edition(
        year=2027, season_start=date(2027, 7, 1), season_end=date(2027, 8, 19), main_day=date(2027, 8, 19)
    )
    organizations = [
        Organization(locality=localities["01"], name=f"Tổ chức {n}", search_name=f"tochuc{n}", kind="police")
        for n in range(ORGANIZATIONS)
    ]
    names = [f"Nguyễn Văn Người {n}" for n in range(PEOPLE)]
    db.session.add_all([edition, *organizations])
    start, end = (
        local_to_utc(DAY, datetime.min.time().replace(hour=7)),
        local_to_utc(DAY, datetime.min.time().replace(hour=22)),
    )
    minutes = int((end - start).total_seconds() // 60)

    shared_people = names

    def festival(
        code: str, items: int, venue_count: int, first_hour: int, shared: float, days: int = 0
    ) -> LocalityFestival:
        """A timetable as organizers make one: each venue's items back to back (30 minutes), a few moved by ten
        minutes onto their neighbour; people and organizations drawn from the shared pools (all of them for the
        big program, `shared` of the time for the others, else their own)."""
        locality = localities[code]
        venues = [
            Venue(locality=locality, name=f"Sân {n}", search_name=f"san{n}", capacity=200) for n in range(venue_count)
        ]
        own_people = [f"Trần Thị Xã {code} {n}" for n in range(20)]
        own_org = Organization(locality=locality, name=f"Công an xã {code}", search_name=f"ca{code}", kind="police")
        moved = timedelta(days=days)
        fest = LocalityFestival(
            edition=edition, locality=locality, starts_at=start + moved, ends_at=end + moved, venue=venues[0]
        )
        db.session.add_all([fest, own_org, *venues])
        for n in range(items):
            slot = n // venue_count
            begin = (first_hour - 7) * 60 + slot * 30 + (10 if rng.random() < 0.03 else 0)
            item = AgendaItem(
                festival=fest,
                part="ceremony" if n < items // 3 else "festivities",
                kind="other",
                title=f"Tiết mục {n}",
                starts_at=start + moved + timedelta(minutes=begin),
                ends_at=start + moved + timedelta(minutes=min(begin + 30, minutes)),
                venue=venues[n % venue_count],
                capacity=rng.choice((None, 50, 300)),
                position=n + 1,
                status="published",
            )
            people = [rng.choice(shared_people if rng.random() < shared else own_people) for _ in range(2)]
            item.people = [
                AgendaPerson(full_name=name, name_key=search_key(name), position=i + 1)
                for i, name in enumerate(dict.fromkeys(people))
            ]
            orgs = [rng.choice(organizations) if rng.random() < shared else own_org for _ in range(rng.choice((1, 2)))]
            item.participants = [
                AgendaParticipant(organization=org, role=rng.choice(("host", "performer", "sponsor")))
                for org in dict.fromkeys(orgs)
            ]
            db.session.add(item)
        return fest

    target = festival("90000", ITEMS, VENUES, 7, 1.0)
    db.session.commit()
    for n in range(1, OTHER_FESTIVALS + 1):
        festival(f"{90000 + n}", OTHER_ITEMS, 5, 8, 0.3)
        db.session.commit()
    for n in range(BACKGROUND_FESTIVALS):
        # Every other day of the season but the measured one (1/7 to 19/8: 40 days before, 9 after).
        days = -40 + n % 49
        festival(f"{90000 + OTHER_FESTIVALS + 1 + n}", OTHER_ITEMS, 5, 8, 0.3, days if days < 0 else days + 1)
        db.session.commit()
    return target.id


def measure(url: str, label: str, runs: int) -> list[list[str]]:
    import flask_migrate
    from sqlalchemy import select, text
    from sqlalchemy.orm import selectinload

    from festival import create_app
    from festival.agenda import conflicts
    from festival.agenda.models import AgendaItem
    from festival.editions.models import LocalityFestival
    from festival.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    rng = random.Random(6)
    with app.app_context():
        flask_migrate.upgrade()
        log(f"{label}: building a {ITEMS}-item program and {OTHER_FESTIVALS} other festivals")
        festival_id = build(rng)
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        db.session.remove()
        festival = db.session.get(LocalityFestival, festival_id)
        items = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.festival_id == festival_id)
            .options(
                selectinload(AgendaItem.people), selectinload(AgendaItem.participants), selectinload(AgendaItem.venue)
            )
        ).all()
        found_item, found_program = [], []
        trivial, one, whole = [], [], []
        for _ in range(5):  # warm the caches and the prepared statements
            conflicts.for_item(rng.choice(items))
            conflicts.for_program(festival)
        for n in range(runs):
            t0 = time.perf_counter()
            db.session.execute(text("SELECT 1")).scalar()
            t1 = time.perf_counter()
            found = conflicts.for_item(rng.choice(items))
            t2 = time.perf_counter()
            trivial.append(t1 - t0)
            one.append(t2 - t1)
            found_item.append(len(found))
            if n % 4 == 0:
                t3 = time.perf_counter()
                found_program.append(len(conflicts.for_program(festival)))
                whole.append(time.perf_counter() - t3)
        db.session.remove()
        db.engine.dispose()
    base = median(trivial)
    return [
        [label, "SELECT 1", ms(base), "1.0", "", ""],
        [
            label,
            f"for_item (~{median(found_item):.0f} conflicts)",
            ms(median(one)),
            f"{median(one) / base:.0f}",
            f"≤ {FOR_ITEM_TARGET_MS:.0f}",
            "PASS" if median(one) * 1000 <= FOR_ITEM_TARGET_MS else "MISS",
        ],
        [
            label,
            f"for_program ({found_program[0]} conflicts)",
            ms(median(whole)),
            f"{median(whole) / base:.0f}",
            f"≤ {FOR_PROGRAM_TARGET_MS:.0f}",
            "PASS" if median(whole) * 1000 <= FOR_PROGRAM_TARGET_MS else "MISS",
        ],
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    use_env_here(bench_env(sqlite_url(OUT / "conflicts.db")))
    rows = []
    if args.database in ("sqlite", "both"):
        rows += measure(sqlite_url(fresh_sqlite(OUT / "conflicts.db")), "SQLite", args.runs)
    if args.database in ("postgresql", "both"):
        url = f"{PG_SERVER}ngay_hoi_conflicts_{int(time.time())}"
        pg_create(url)
        try:
            rows += measure(url, "PostgreSQL", args.runs)
        finally:
            pg_drop(url)
    print(
        "\n"
        + table(
            f"Conflict detection: one item / a whole {ITEMS}-item program, with {OTHER_FESTIVALS} other festivals "
            "sharing people and organizations (median ms, ratio to SELECT 1)",
            ["database", "measure", "median ms", "× SELECT 1", "target ms", ""],
            rows,
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
