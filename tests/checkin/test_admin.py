"""The organizers' check-in hub and its lists: who may see and change them, the counts, the forms' validation (a
failed form keeps what was typed), and deleting a list (refused once it has scans)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin import devices, lists
from festival.checkin.models import CheckinList
from festival.checkin.scanning import scan
from festival.core.time import to_local, utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db
from tests.accounts.support import english_client
from tests.conftest import count_queries, csrf_token, login, post_form


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def people(world, make):
    """Check-in staff of Xã Sóc Sơn, and an organizer and check-in staff of Thanh Hoá (out of scope)."""
    make.user("checkin_staff", scope=world["tree"]["00376"], username="soatve", full_name="Lê Văn Soát")
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    make.user("checkin_staff", scope=world["tree"]["38"], username="soatve_th")


@pytest.fixture
def hub(world) -> str:
    return f"/dashboard/festivals/{world['festival'].id}/checkin"


def as_user(client, username: str):
    assert login(client, username).status_code == 302
    return client


def lists_count() -> int:
    return db.session.scalar(select(func.count()).select_from(CheckinList))


def test_the_hub_shows_each_list_with_checked_in_and_expected_and_the_devices(client, gate, hub):
    for code in gate["codes"][:2]:
        scan(gate["device"], gate["list"], code)
    page = as_user(client, "orga").get(hub)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cổng chính" in html and "The festival day as a whole" in html
    assert "Registrations and invitations" in html
    # Phạm Thị Lan (item), Hoàng Văn Đức (invited) and three day registrations; Đỗ Văn Nam waits: 5 expected.
    assert "<strong>2</strong> / 5" in html
    assert "Máy 1" in html and f"{hub}/scans" in html and f"{hub}/duplicates" in html
    opens = to_local(gate["list"].opens_at)
    assert f"{opens:%H:%M} {opens:%d/%m/%Y}" in html


def test_the_hub_runs_the_same_queries_for_two_lists_or_many(client, gate, world, hub):
    lists.save(world["festival"], lists.ListData(name="Khu khám", item_id=gate["item"].id))
    as_user(client, "orga")
    client.get(hub)
    with count_queries() as one:
        assert client.get(hub).status_code == 200
    for n in range(4):
        lists.save(world["festival"], lists.ListData(name=f"Cổng {n}", item_id=gate["item"].id))
        devices.create_device(world["festival"], f"Máy {n + 2}")
    db.session.commit()
    scan(gate["device"], gate["list"], gate["codes"][0])
    with count_queries() as many:
        html = client.get(hub).get_data(as_text=True)
    assert "Cổng 3" in html and "Máy 5" in html
    assert len(many) == len(one), many


def test_an_item_list_expects_the_items_tickets_and_the_days_and_counts_by_kind(client, gate, world, hub):
    lists.save(world["festival"], lists.ListData(name="Khu khám", item_id=gate["item"].id, admits="invitations"))
    html = as_user(client, "orga").get(hub).get_data(as_text=True)
    row = html[html.index("Khu khám") :]
    assert "Invitations only" in row and "<strong>0</strong> / 1" in row  # Hoàng Văn Đức


def test_check_in_staff_see_the_hub_and_enrol_but_do_not_change_lists(client, gate, hub, people):
    as_user(client, "soatve")
    html = client.get(hub).get_data(as_text=True)
    assert "Cổng chính" in html and "Enrol a phone" in html
    assert "New check-in list" not in html and "/edit" not in html
    assert client.get(f"{hub}/lists/new").status_code == 403
    assert client.get(f"{hub}/lists/{gate['list'].id}/edit").status_code == 403
    token = csrf_token(client, hub)
    assert client.post(f"{hub}/lists/{gate['list'].id}/delete", data={"csrf_token": token}).status_code == 403
    assert client.post(f"{hub}/entrance", data={"csrf_token": token}).status_code == 403
    assert lists_count() == 1
    for page in ("/scans", "/duplicates"):
        assert client.get(hub + page).status_code == 200
    assert client.post(f"{hub}/enrol", data={"csrf_token": token}).status_code == 200


@pytest.mark.parametrize("username", ["thanhhoa", "soatve_th"])
def test_people_of_another_province_get_403(client, gate, hub, people, username):
    as_user(client, username)
    for page in ("", "/scans", "/duplicates", f"/devices/{gate['device'].id}/revoke"):
        assert client.get(hub + page).status_code == 403, page
    token = csrf_token(client, "/dashboard")
    assert client.post(f"{hub}/enrol", data={"csrf_token": token}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, gate, hub):
    for page in ("", "/scans", "/duplicates", "/lists/new"):
        response = client.get(hub + page)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_festival_list_or_device_is_404(client, gate, hub, world):
    as_user(client, "admin")
    assert client.get("/dashboard/festivals/999999/checkin").status_code == 404
    elsewhere = db.session.scalar(select(LocalityFestival).where(LocalityFestival.id != world["festival"].id).limit(1))
    other = lists.save(elsewhere, lists.ListData())
    assert client.get(f"{hub}/lists/{other.id}/edit").status_code == 404  # a list of another festival day
    assert client.get(f"{hub}/lists/999999/edit").status_code == 404
    assert client.get(f"{hub}/devices/999999/revoke").status_code == 404


def test_the_empty_hub_offers_the_entrance_list_and_makes_it(client, world, hub):
    html = as_user(client, "orga").get(hub).get_data(as_text=True)
    assert "Create the entrance list" in html and "No device is enrolled yet." in html
    response = post_form(client, f"{hub}/entrance", {}, page=hub)
    assert response.status_code == 302
    made = db.session.scalars(select(CheckinList)).one()
    assert made.name == "Festival day entrance" and made.item_id is None and made.opens_at is None
    post_form(client, f"{hub}/entrance", {}, page=hub)
    assert lists_count() == 1  # asking again makes no second one


def form(**changes) -> dict:
    return {"name": "", "item": "", "admits": "both", "opens_day": "", "opens_time": "", "closes_day": "",
            "closes_time": "", **changes}  # fmt: skip


def test_an_organizer_creates_an_item_list_with_its_own_times(client, gate, hub):
    as_user(client, "orga")
    data = form(name="Cửa hội trường", item=str(gate["item"].id), admits="registrations", reentry="y",
                opens_day="10/08/2027", opens_time="07:30", closes_day="10/08/2027", closes_time="11:00")  # fmt: skip
    response = post_form(client, f"{hub}/lists/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    made = db.session.scalar(select(CheckinList).where(CheckinList.name == "Cửa hội trường"))
    assert made.item_id == gate["item"].id and made.admits == "registrations" and made.reentry
    assert f"{to_local(made.opens_at):%d/%m/%Y %H:%M}" == "10/08/2027 07:30"
    assert f"{to_local(made.closes_at):%H:%M}" == "11:00"
    edit = client.get(f"{hub}/lists/{made.id}/edit").get_data(as_text=True)
    assert 'value="Cửa hội trường"' in edit and 'value="07:30"' in edit and 'value="10/08/2027"' in edit


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_day": "10/08/2027", "opens_time": "12:00", "closes_day": "10/08/2027", "closes_time": "09:00"},
         "closes_day", "Check-in must close after it opens."),
        ({"opens_day": "31/02/2027", "opens_time": "07:00"}, "opens_day", "Not a valid date."),
        ({"closes_time": "25:99"}, "closes_time", ""),
        ({"opens_time": "07:00"}, "opens_time", "Enter the day too."),
        ({"opens_day": "01/01/0001"}, "opens_day", "Enter a day between"),
        ({"item": "999999"}, "item", "Not a valid choice"),
        ({"admits": "everyone"}, "admits", "Not a valid choice"),
        ({"name": "x" * 201}, "name", "200"),
    ],
)  # fmt: skip
def test_a_refused_list_form_says_why_and_keeps_what_was_typed(client, gate, hub, changes, field, message):
    as_user(client, "orga")
    data = form(name="Cổng phụ", **{k: v for k, v in changes.items() if k != "name"})
    data.update({k: v for k, v in changes.items() if k == "name"})
    response = post_form(client, f"{hub}/lists/new", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error-1"' in html and message in html
    for name, value in changes.items():
        if name not in ("item", "admits") and len(value) < 100:
            assert f'value="{value}"' in html
    assert lists_count() == 1


def test_a_window_that_ends_before_the_default_opening_is_refused_on_the_typed_field(client, gate, hub):
    as_user(client, "orga")
    response = post_form(client, f"{hub}/lists/new", form(closes_day="01/01/2026", closes_time="08:00"))
    assert response.status_code == 422
    assert 'id="closes_day-error-1"' in response.get_data(as_text=True)


def test_a_list_without_scans_is_deleted_one_with_scans_is_kept_with_a_reason(client, gate, world, hub):
    spare = lists.save(world["festival"], lists.ListData(name="Cổng dự phòng")).id
    as_user(client, "orga")
    response = post_form(client, f"{hub}/lists/{spare}/delete", {}, page=hub, follow_redirects=True)
    assert "The list is deleted." in response.get_data(as_text=True)
    assert db.session.scalar(select(CheckinList.id).where(CheckinList.id == spare)) is None
    scan(gate["device"], gate["list"], gate["codes"][0])
    response = post_form(client, f"{hub}/lists/{gate['list'].id}/delete", {}, page=hub, follow_redirects=True)
    assert "This list has scans: it cannot be deleted." in response.get_data(as_text=True)
    assert db.session.get(CheckinList, gate["list"].id) is not None


def test_the_organizers_program_page_links_to_the_hub(client, world, hub):
    html = as_user(client, "orga").get(f"/dashboard/festivals/{world['festival'].id}/program").get_data(as_text=True)
    assert f'href="{hub}"' in html


def test_check_in_staff_find_the_hub_from_the_dashboard(client, world, hub, people):
    html = as_user(client, "soatve").get("/dashboard").get_data(as_text=True)
    assert f'href="{hub}"' in html


def test_the_window_defaults_to_two_hours_before_the_start(gate, world):
    entrance = lists.save(world["festival"], lists.ListData())
    opens, closes = lists.span(entrance)
    assert opens == world["festival"].starts_at - timedelta(hours=2) and closes == world["festival"].ends_at
    assert lists.window(entrance, utcnow()) is lists.Window.NOT_OPEN
