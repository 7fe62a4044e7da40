"""Live attendance: what organizers and the projector see while scanning goes on, counted by a fixed number of
queries, arrivals per 10 minutes of local time, ETag and 304 for cheap polling."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from festival.agenda.models import AgendaItem
from festival.checkin import attendance, scanning
from festival.checkin.models import CheckIn
from festival.core.time import to_local, utcnow
from festival.editions.models import Edition
from festival.extensions import db
from festival.registration.models import Attendance
from tests.accounts.support import english_client
from tests.conftest import count_queries, login


@pytest.fixture
def client(app, database):
    return english_client(app)


def scan_all(gate, codes):
    return [scanning.scan(gate["device"], gate["list"], code) for code in codes]


def test_present_counts_check_ins_and_hand_marked_attendance_against_registered_invited_and_capacity(gate, world):
    answers = scan_all(gate, gate["codes"][1:3])  # two of the whole-day tickets
    assert [a.result.value for a in answers] == ["ok", "ok"]
    scan_all(gate, gate["codes"][1:2])  # scanned again: still one person
    db.session.add(Attendance(registration_id=gate["more"][2].id))  # marked present by an organizer
    db.session.add(Attendance(registration_id=gate["more"][0].id))  # already checked in: counted once
    db.session.commit()

    live = attendance.attendance(world["festival"])

    # Phạm Thị Lan (the item) and three guests for the whole day are confirmed; Hoàng Văn Đức is invited.
    assert (live.day.present, live.day.registered, live.day.invited) == (3, 4, 1)
    [item] = live.items
    assert item.item_id == gate["item"].id
    assert (item.present, item.registered, item.invited, item.capacity) == (0, 1, 1, 1)


def test_an_item_counts_its_own_lists_and_the_attendance_marked_for_its_tickets(gate, world):
    from festival.checkin import lists

    item_list = lists.save(
        world["festival"], lists.ListData(item_id=gate["item"].id, opens_at=utcnow() - timedelta(hours=1))
    )
    assert scanning.scan(gate["device"], item_list, gate["codes"][0]).result.value == "ok"  # Lan at the item
    assert scanning.scan(gate["device"], item_list, gate["codes"][1]).result.value == "ok"  # a day ticket too
    db.session.add(Attendance(registration_id=gate["invitation"].id))
    db.session.commit()

    live = attendance.attendance(world["festival"])

    [item] = live.items
    assert item.present == 3
    assert live.day.present == 3


def test_arrivals_are_counted_per_10_minutes_of_local_time_from_the_first_arrival_to_the_last(gate, world):
    scan_all(gate, gate["codes"])
    ids = [r.id for r in [gate["registration"], *gate["more"]]]
    base = utcnow().replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    times = [base + timedelta(minutes=2), base + timedelta(minutes=9), base + timedelta(minutes=31, seconds=5)]
    for registration_id, moment in zip(ids, [*times, times[-1]], strict=True):
        db.session.execute(
            update(CheckIn).where(CheckIn.registration_id == registration_id).values(checked_in_at=moment)
        )
    db.session.commit()

    arrivals = attendance.attendance(world["festival"]).arrivals

    local = to_local(base)
    assert [(start.strftime("%H:%M"), count) for start, count in arrivals] == [
        (local.strftime("%H:%M"), 2),
        ((local + timedelta(minutes=10)).strftime("%H:%M"), 0),
        ((local + timedelta(minutes=20)).strftime("%H:%M"), 0),
        ((local + timedelta(minutes=30)).strftime("%H:%M"), 2),
    ]
    assert all(start.utcoffset() == local.utcoffset() for start, _count in arrivals)


def test_attendance_runs_the_same_number_of_queries_whatever_the_size(gate, world, make):
    from festival.registration import quotas, services

    festival = world["festival"]
    db.session.expire_all()
    festival = db.session.get(type(festival), festival.id)
    festival.locality  # noqa: B018  (loaded before counting, as a view has it)
    with count_queries() as small:
        attendance.attendance(festival)

    day = quotas.ensure_quota(festival)
    crowd = [make.registration(day, f"Người {n}", f"0914 100 {n:03d}") for n in range(40)]
    for n in range(3):
        make.registrable_item(festival, capacity=50, title=f"Mục {n}")
    scan_all(gate, [services.ticket_text(r) for r in crowd] + gate["codes"])
    db.session.expire_all()
    festival = db.session.get(type(festival), festival.id)
    festival.locality  # noqa: B018
    with count_queries() as large:
        live = attendance.attendance(festival)

    assert live.day.present == 44
    assert len(live.items) == 4
    assert len(large) == len(small) <= 6


def test_organizers_and_check_in_staff_of_the_unit_see_the_live_page_strangers_do_not(client, gate, world, make):
    url = f"/dashboard/festivals/{world['festival'].id}/checkin/live"
    assert client.get(url).status_code == 302  # to the login page
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    make.user("checkin_staff", scope=world["tree"]["00376"], username="soatve")
    make.user("org_rep", organization=world["organization"], username="rep")
    scan_all(gate, gate["codes"][1:3])

    for username, status in (("thanhhoa", 403), ("rep", 403), ("soatve", 200), ("orga", 200)):
        browser = english_client(client.application)
        login(browser, username)
        response = browser.get(url)
        assert response.status_code == status, username
        assert browser.get(url + ".json").status_code == status, username
    html = response.get_data(as_text=True)
    assert 'data-field="present">2<' in html  # rendered by the server: no JavaScript needed
    assert "arrivals-chart" in html


def test_the_json_answers_304_while_nothing_changes_and_the_new_counts_after_a_scan(client, gate, world):
    login(client, "orga")
    url = f"/dashboard/festivals/{world['festival'].id}/checkin/live.json"
    first = client.get(url)
    assert first.status_code == 200
    assert first.json["day"]["present"] == 0 and first.json["arrivals"]["counts"] == []
    etag = first.headers["ETag"]

    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    scan_all(gate, gate["codes"][1:2])
    moved = client.get(url, headers={"If-None-Match": etag})
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    assert moved.json["day"]["present"] == 1
    assert moved.json["arrivals"]["counts"] == [1]


def test_the_projector_shows_counts_and_no_names_of_a_published_festival_day_only(client, gate, world, make):
    scan_all(gate, gate["codes"])
    festival = world["festival"]

    page = client.get(f"/festivals/{festival.id}/live")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-field="present">4<' in html
    for name in ("Phạm Thị Lan", "Khách 0", "Hoàng Văn Đức", "Máy 1"):
        assert name not in html
    assert page.headers["Cache-Control"].startswith("public")
    data = client.get(f"/festivals/{festival.id}/live.json")
    assert data.json["day"]["present"] == 4
    assert "Phạm Thị Lan" not in data.get_data(as_text=True)
    assert [i["item_id"] for i in data.json["items"]] == [gate["item"].id]  # a published item of its program
    unchanged = client.get(f"/festivals/{festival.id}/live.json", headers={"If-None-Match": data.headers["ETag"]})
    assert unchanged.status_code == 304

    db.session.execute(update(AgendaItem).where(AgendaItem.id == gate["item"].id).values(status="draft"))
    db.session.commit()
    assert client.get(f"/festivals/{festival.id}/live.json").json["items"] == []  # a draft item is not shown

    db.session.execute(update(Edition).where(Edition.id == festival.edition_id).values(status="draft"))
    db.session.commit()
    assert client.get(f"/festivals/{festival.id}/live").status_code == 404
    assert client.get(f"/festivals/{festival.id}/live.json").status_code == 404
    assert client.get("/festivals/999999/live").status_code == 404
