"""`flask festival demo`: real units, two editions, a practice festival today; running it twice changes nothing."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.core.time import today_local
from festival.demo.loader import load_demo, next_main_year, unit_rows
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.localities.cli import builtin_units
from festival.localities.models import Locality


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, to compare two states of the database."""
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    return state


def test_next_main_year():
    assert next_main_year(date(2026, 11, 27)) == 2027
    assert next_main_year(date(2027, 8, 19)) == 2027
    assert next_main_year(date(2027, 8, 20)) == 2028
    assert next_main_year(date(2027, 1, 1)) == 2027


def test_demo_loads_units_editions_festivals_and_accounts(database, app):
    today = today_local()
    result = load_demo(today, unit_rows(builtin_units()), app.instance_path)
    year = next_main_year(today)
    assert result.years == (year - 1, year)

    assert db.session.scalar(select(func.count()).select_from(Locality).where(Locality.level == "province")) == 34
    assert db.session.scalar(select(func.count()).select_from(Locality).where(Locality.level == "commune")) == 3321
    hamlets = db.session.scalars(select(Locality).where(Locality.level == "residential_area")).all()
    assert len(hamlets) == 6 and all(h.path.startswith("/VN/01/00376/") for h in hamlets)

    editions = {e.year: e for e in db.session.scalars(select(Edition))}
    assert editions[year].status == "published" and editions[year - 1].status == "archived"
    assert editions[year].main_day == date(year, 8, 19)

    past = db.session.scalars(
        select(LocalityFestival).where(LocalityFestival.edition_id == editions[year - 1].id)
    ).all()
    assert len(past) >= 5
    assert all(f.local_start.date() < today for f in past)
    assert any(f.is_model_site and f.locality.level == "province" for f in past)
    assert any(f.locality.level == "residential_area" for f in past)

    upcoming = db.session.scalars(
        select(LocalityFestival).where(LocalityFestival.edition_id == editions[year].id)
    ).all()
    practice = [f for f in upcoming if f.is_practice]
    assert len(practice) == 1 and practice[0].local_start.date() == today
    assert all(f.hosts for f in upcoming) and all(f.venue for f in upcoming)

    admin = db.session.scalar(select(User).where(User.username == "admin"))
    assert admin.role == "admin" and admin.password_hash.startswith("$argon2id$")
    assert result.password and "admin" in result.usernames


def test_running_the_demo_twice_changes_nothing(database, app):
    rows = unit_rows(builtin_units())
    first = load_demo(today_local(), rows, app.instance_path)
    before = snapshot()
    second = load_demo(today_local(), rows, app.instance_path)
    db.session.expire_all()
    assert snapshot() == before
    assert second.password == first.password


def test_demo_command_prints_the_login(database, app):
    result = app.test_cli_runner().invoke(args=["festival", "demo"])
    assert result.exit_code == 0, result.output
    assert "admin / " in result.output
    password = result.output.split("admin / ")[1].split()[0]
    assert len(password) >= 12
    assert "127.0.0.1:5000/login" in result.output


def test_generated_hamlets_imported_after_the_demo_leave_the_demo_alone(database, app):
    from festival.localities import generator
    from festival.localities.importer import import_bytes

    load_demo(today_local(), unit_rows(builtin_units()), app.instance_path)
    before = snapshot()["localities"]
    communes = [c for c in generator.communes_from_csv(builtin_units().decode()) if c.code == "00376"]
    result = import_bytes(generator.to_csv(generator.generate(communes, 40)).encode())
    assert result.created == 40 and result.updated == 0
    db.session.expire_all()
    after = {row[0]: row for row in snapshot()["localities"]}
    assert all(after[row[0]] == row for row in before)


def test_every_demo_festival_day_has_a_full_published_program(database, app):
    from festival.agenda import conflicts, services

    load_demo(today_local(), unit_rows(builtin_units()), app.instance_path)
    festivals = db.session.scalars(select(LocalityFestival)).all()
    assert len(festivals) == 19 and any(f.is_practice for f in festivals)
    for festival in festivals:
        program = services.program(festival)
        kinds = [i.kind for i in program.ceremony]
        assert len(kinds) >= 8
        assert {"flag_salute", "results_report", "commendations", "signing"} <= set(kinds)
        assert kinds.index("flag_salute") < kinds.index("results_report") < kinds.index("signing")
        assert {"arts", "sports", "contest", "forum", "health_checkup"} <= {i.kind for i in program.festivities}
        assert festival.program_published_at is not None
        assert all(i.status == "published" and i.starts_at >= festival.starts_at for i in program.items)
        assert all(i.ends_at <= festival.ends_at for i in program.items)
        assert all(p.full_name and p.position_title for i in program.items for p in i.people)
        assert {p.role for i in program.items for p in i.participants} >= {"host", "co_organizer", "signatory"}
        assert len(program.commendations) == 2 and len(program.signings) == 1
        assert len(program.signings[0].parties) == 2
        open_items = sorted(i.capacity for i in program.items if i.takes_registrations)
        assert open_items == [30, 50]
        assert conflicts.for_program(festival) == []

    # The published programs are what the API gives integrators: every festival day of the upcoming edition.
    year = next_main_year(today_local())
    upcoming = [f for f in festivals if f.edition.year == year]
    expected = sum(len(services.program(f).items) for f in upcoming)
    client = app.test_client()
    items: list[dict] = []
    page = 1
    while True:
        body = client.get(f"/api/v1/agenda-items?year={year}&per_page=50&page={page}").get_json()
        items += body["items"]
        if not body["items"] or len(items) >= body["total"]:
            break
        page += 1
    assert body["total"] == len(items) == expected
    assert {item["festival_id"] for item in items} == {f.id for f in upcoming}


def test_the_practice_programme_moves_with_the_day_the_demo_is_loaded(database, app):
    rows = unit_rows(builtin_units())
    today = date(2027, 3, 2)  # fixed days: the same edition either day
    load_demo(date(2027, 3, 1), rows, app.instance_path)
    load_demo(today, rows, app.instance_path)
    practice = db.session.scalar(select(LocalityFestival).where(LocalityFestival.is_practice))
    from festival.agenda import services

    items = services.program(practice).items
    assert practice.local_start.date() == today
    assert all(i.local_start.date() == today and i.revision == 2 for i in items)
    assert len(services.changes_since_publishing(practice)) == len(items)


def test_the_demo_has_registrations_a_waiting_list_and_invitations(database, app):
    from festival.registration.models import Registration

    load_demo(today_local(), unit_rows(builtin_units()), app.instance_path)
    rows = db.session.scalars(select(Registration)).all()
    statuses = {r.status for r in rows if r.kind == "registration"}
    assert statuses == {"confirmed", "waiting"}
    invitations = [r for r in rows if r.kind == "invitation"]
    assert invitations and all(r.status == "confirmed" and r.seat for r in invitations)
    # Every registration of the demo is a valid signed ticket or waits for one.
    from festival.registration import services
    from festival.registration.tickets import key_ring

    confirmed = next(r for r in rows if r.status == "confirmed")
    assert key_ring().verify(services.ticket_text(confirmed)).registration_id == confirmed.id
    # The festival days with registrations have their entrance list, so the check-in hub shows content.
    from festival.checkin.admin import list_lines
    from festival.checkin.models import CheckinList

    festival_ids = {r.festival_id for r in rows}
    entrances = db.session.scalars(select(CheckinList).where(CheckinList.item_id.is_(None))).all()
    assert {cl.festival_id for cl in entrances} == festival_ids and len(entrances) == len(festival_ids)
    line = list_lines(entrances[0].festival)[0]
    assert line.expected > 0 and line.checked_in == 0
