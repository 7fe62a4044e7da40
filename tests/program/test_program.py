"""The organizer's program of a festival day: list, grid, item forms, times in place, order, template, cloning,
publishing, changes, commendations and signings; who may do it; how many queries the page costs.

The shared world (tests/conftest.py): Xã Sóc Sơn's festival day on 10/08/2027 from 08:00 to 11:00 at
"Nhà văn hoá xã", with one item (announcement of commendations, 08:00–08:30, at that venue) that has a person,
a host organization, a commendation and a signing; `orga` organizes Sóc Sơn.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from festival.agenda.models import AgendaChange, AgendaItem, Commendation, Signing
from festival.extensions import db
from tests.accounts.support import flashes, form_fields
from tests.conftest import count_queries, csrf_token, login, post_form


def item_form(**changes) -> dict:
    data = {
        "part": "festivities",
        "kind": "arts",
        "title": "Văn nghệ chào mừng",
        "description": "",
        "start": "09:00",
        "end": "09:45",
        "venue": "",
        "capacity": "",
        "people-0-full_name": "",
        "people-0-position_title": "",
        "participants-0-organization": "",
        "participants-0-role": "performer",
        "version": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def items() -> list[AgendaItem]:
    db.session.expire_all()
    return list(db.session.scalars(select(AgendaItem).order_by(AgendaItem.part, AgendaItem.position)))


def json_post(client, url: str, page: str, **kwargs):
    token = csrf_token(client, page)
    return client.post(url, headers={"Accept": "application/json", "X-CSRFToken": token}, **kwargs)


# --- who may see and change a program ---------------------------------------------------------------------------

PAGES = ["", "/grid", "/items/new", "/items/{item}", "/items/{item}/times", "/items/{item}/delete", "/changes",
         "/commendations", "/commendations/new", "/commendations/{commendation}", "/signings/new",
         "/signings/{signing}"]  # fmt: skip
WRITES = ["/items/new", "/items/{item}", "/items/{item}/times", "/items/{item}/delete", "/items/{item}/move",
          "/reorder", "/template", "/clone", "/publish", "/commendations/new", "/commendations/{commendation}",
          "/commendations/{commendation}/delete", "/signings/new", "/signings/{signing}",
          "/signings/{signing}/delete"]  # fmt: skip


def urls(world, paths):
    commendation = db.session.scalar(select(Commendation.id))
    signing = db.session.scalar(select(Signing.id))
    base = f"/dashboard/festivals/{world['festival'].id}/program"
    return [base + p.format(item=world["item"].id, commendation=commendation, signing=signing) for p in paths]


def test_the_organizer_of_the_festivals_commune_sees_every_page(orga, world):
    for url in urls(world, PAGES):
        assert orga.get(url).status_code == 200, url


def test_an_organizer_of_another_province_is_refused_everywhere(client, make, world):
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    login(client, "thanhhoa")
    token = csrf_token(client, "/dashboard")
    snapshot = [(i.id, i.version, i.position) for i in items()]
    for url in urls(world, PAGES):
        assert client.get(url).status_code in (403, 404), url
    for url in urls(world, WRITES):
        response = client.post(url, data={"csrf_token": token, "direction": "up", "start": "09:00", "end": "09:30"})
        assert response.status_code in (403, 404), url
    assert [(i.id, i.version, i.position) for i in items()] == snapshot


@pytest.mark.parametrize("role", ["org_rep", "checkin_staff"])
def test_representatives_and_checkin_staff_are_refused(client, make, world, role):
    extra = {"organization": world["organization"]} if role == "org_rep" else {"scope": world["tree"]["00376"]}
    make.user(role, username="other", **extra)
    login(client, "other")
    for url in urls(world, ["", "/grid", "/items/new"]):
        assert client.get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(urls(world, [""])[0])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_may_open_any_program(client, world):
    login(client, "admin")
    assert client.get(urls(world, [""])[0]).status_code == 200


def test_an_unknown_festival_or_an_item_of_another_festival_is_not_found(orga, world, make, base):
    other = make.festival(world["edition"], world["tree"]["00376001"], day=date(2027, 8, 11))
    foreign = make.agenda_item(other, kind="arts", minutes=(0, 30))
    assert orga.get("/dashboard/festivals/999999/program").status_code == 404
    assert orga.get(f"{base}/items/{foreign.id}").status_code == 404


# --- the list ---------------------------------------------------------------------------------------------------


def test_the_program_page_lists_items_with_time_venue_people_roles_and_status(orga, base, world):
    body = orga.get(base).get_data(as_text=True)
    assert world["item"].title in body
    assert 'value="08:00"' in body and 'value="08:30"' in body
    assert "Nhà văn hoá xã" in body
    assert "Nguyễn Văn Bình" in body and "Trưởng Công an xã" in body
    assert "Công an xã Sóc Sơn (Host)" in body
    assert "Draft" in body
    assert "Publish (1 draft)" in body
    assert "Start from the template" not in body  # only for an empty program


def test_an_empty_program_explains_what_to_do_and_offers_the_template_and_cloning(orga, world, make):
    db.session.delete(db.session.get(AgendaItem, world["item"].id))
    db.session.commit()
    body = orga.get(f"/dashboard/festivals/{world['festival'].id}/program").get_data(as_text=True)
    assert "The program is empty" in body
    assert "Start from the template" in body
    assert "Publish" not in body


def test_the_template_lays_out_the_customary_program(orga, base, world):
    db.session.delete(db.session.get(AgendaItem, world["item"].id))
    db.session.commit()
    response = post_form(orga, f"{base}/template", {}, page=base)
    assert response.status_code == 302
    kinds = [i.kind for i in items() if i.part == "ceremony"]
    assert kinds[:2] == ["flag_salute", "opening"] or kinds[0] == "welcome_performance"
    assert "signing" in kinds


def test_the_template_on_a_program_that_has_items_changes_nothing(orga, base):
    before = len(items())
    response = post_form(orga, f"{base}/template", {}, page=base)
    assert response.status_code == 302
    assert len(items()) == before
    assert any(category == "error" for category, _text in flashes(orga.get(base).get_data(as_text=True)))


def test_a_program_is_cloned_from_another_festival_day_of_the_scope(orga, world, make):
    other = make.festival(world["edition"], world["tree"]["00376001"], day=date(2027, 8, 11))
    make.agenda_item(other, kind="flag_salute", minutes=(0, 15))
    make.agenda_item(other, kind="arts", minutes=(30, 60))
    base = f"/dashboard/festivals/{other.id}/program"
    target = world["festival"]
    db.session.delete(db.session.get(AgendaItem, world["item"].id))
    db.session.commit()
    target_base = f"/dashboard/festivals/{target.id}/program"
    body = orga.get(target_base).get_data(as_text=True)
    assert "Thôn Đông" in body  # offered in the select
    assert orga.get(base).status_code == 200
    response = post_form(orga, f"{target_base}/clone", {"source": str(other.id)}, page=target_base)
    assert response.status_code == 302
    cloned = [i for i in items() if i.festival_id == target.id]
    assert sorted(i.kind for i in cloned) == ["arts", "flag_salute"]
    assert all(i.status == "draft" for i in cloned)


def test_cloning_from_a_festival_outside_the_choices_is_refused(orga, world, make, base):
    from festival.editions.models import LocalityFestival

    foreign = db.session.scalar(
        select(LocalityFestival).where(LocalityFestival.locality_id == world["tree"]["14758"].id)
    )
    make.agenda_item(foreign, kind="arts")
    db.session.delete(db.session.get(AgendaItem, world["item"].id))
    db.session.commit()
    response = post_form(orga, f"{base}/clone", {"source": str(foreign.id)}, page=base)
    assert response.status_code == 302
    assert [i for i in items() if i.festival_id == world["festival"].id] == []


# --- item forms ---------------------------------------------------------------------------------------------------


def test_the_new_item_form_has_kinds_grouped_by_part_and_three_empty_rows(orga, base):
    body = orga.get(f"{base}/items/new").get_data(as_text=True)
    assert '<optgroup label="Ceremony">' in body and '<optgroup label="Festivities">' in body
    for n in range(3):
        assert f'name="people-{n}-full_name"' in body
        assert f'name="participants-{n}-organization"' in body
    assert "Nhà văn hoá xã" in body  # the venue select
    assert 'type="time"' in body


def test_an_item_is_added_with_people_and_organizations(orga, base, world):
    org = world["organization"]
    data = item_form(**{
        "venue": str(world["venue"].id), "capacity": "80", "takes_registrations": "y",
        "people-0-full_name": "Lê Thị Hoa", "people-0-position_title": "Trưởng đoàn",
        "participants-0-organization": str(org.id), "participants-0-role": "performer",
    })  # fmt: skip
    response = post_form(orga, f"{base}/items/new", data)
    assert response.status_code == 302
    item = [i for i in items() if i.kind == "arts"][0]
    assert item.title == "Văn nghệ chào mừng" and item.capacity == 80 and item.takes_registrations
    assert item.local_start.strftime("%H:%M") == "09:00"
    assert [p.full_name for p in item.people] == ["Lê Thị Hoa"]
    assert [(p.organization_id, p.role) for p in item.participants] == [(org.id, "performer")]
    assert item.status == "draft"


def test_an_empty_title_takes_the_kinds_name(orga, base):
    assert post_form(orga, f"{base}/items/new", item_form(title="")).status_code == 302
    assert [i.title for i in items() if i.kind == "arts"] == ["Arts performance"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start": "10:00", "end": "09:00"}, "end"),
        ({"start": "06:00", "end": "07:00"}, "start"),
        ({"start": "25:99"}, "start"),
        ({"capacity": "-5"}, "capacity"),
        ({"kind": "flag_salute"}, "kind"),
    ],
)
def test_a_bad_item_is_refused_with_400_what_was_typed_kept_and_nothing_saved(orga, base, changes, field):
    before = len(items())
    data = item_form(**{"people-0-full_name": "Phạm Văn Đức", **changes})
    response = post_form(orga, f"{base}/items/new", data)
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields[field].errors, fields[field]
    assert fields["title"].value == "Văn nghệ chào mừng"
    assert fields["people-0-full_name"].value == "Phạm Văn Đức"
    for name, value in changes.items():
        assert fields[name].value == value
    assert len(items()) == before


def test_a_venue_of_another_province_is_refused(orga, base, make, world):
    far = make.venue(world["tree"]["14758"], name="Sân vận động Hàm Rồng")
    response = post_form(orga, f"{base}/items/new", item_form(venue=str(far.id)))
    assert response.status_code == 400
    assert len(items()) == 1


def test_an_overlap_at_the_same_venue_is_saved_with_a_warning_shown_on_the_program(orga, base, world):
    data = item_form(start="08:15", end="08:45", venue=str(world["venue"].id))
    response = post_form(orga, f"{base}/items/new", data, follow_redirects=True)
    assert response.status_code == 200
    assert len(items()) == 2
    body = response.get_data(as_text=True)
    assert any(category == "warning" for category, _text in flashes(body))
    assert "conflicts-panel" in body and "has-conflict" in body


def test_the_edit_form_shows_the_item_and_saves_changes(orga, base, world):
    item = world["item"]
    page = orga.get(f"{base}/items/{item.id}").get_data(as_text=True)
    fields = form_fields(page)
    assert fields["title"].value == items()[0].title
    assert fields["people-0-full_name"].value == "Nguyễn Văn Bình"
    assert fields["start"].value == "08:00"
    assert f'name="version" type="hidden" value="{items()[0].version}"' in page
    data = item_form(part="ceremony", kind="commendations", title="Công bố khen thưởng", start="08:10", end="08:40",
                     version=str(items()[0].version))  # fmt: skip
    assert post_form(orga, f"{base}/items/{item.id}", data).status_code == 302
    saved = items()[0]
    assert saved.title == "Công bố khen thưởng" and saved.local_start.strftime("%H:%M") == "08:10"


def test_a_stale_edit_is_refused_with_409_and_the_newer_version_shown(orga, base, world):
    item = items()[0]
    old_version = item.version
    item.title = "Đổi bởi người khác"
    db.session.commit()
    data = item_form(part="ceremony", kind="commendations", title="Của tôi", version=str(old_version))
    response = post_form(orga, f"{base}/items/{item.id}", data)
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "Đổi bởi người khác" in body  # the newer version
    assert form_fields(body)["title"].value == "Của tôi"  # what was typed
    assert f'name="version" type="hidden" value="{items()[0].version}"' in body
    assert items()[0].title == "Đổi bởi người khác"


def test_a_draft_is_deleted_after_confirmation(orga, base, world):
    item_id = world["item"].id
    page = f"{base}/items/{item_id}/delete"
    assert "cannot be undone" in orga.get(page).get_data(as_text=True)
    assert post_form(orga, page, {"version": str(items()[0].version)}).status_code == 302
    assert items() == []


def test_a_published_item_is_not_deleted_but_cancelled(orga, base, world):
    item_id = world["item"].id
    post_form(orga, f"{base}/publish", {}, page=base)
    response = post_form(orga, f"{base}/items/{item_id}/delete", {})
    assert response.status_code == 400
    assert len(items()) == 1
    data = item_form(part="ceremony", kind="commendations", title="x", start="08:00", end="08:30", cancelled="y",
                     version=str(items()[0].version))  # fmt: skip
    assert post_form(orga, f"{base}/items/{item_id}", data).status_code == 302
    assert items()[0].status == "cancelled"
    assert "Cancelled" in orga.get(base).get_data(as_text=True)


# --- times in place -----------------------------------------------------------------------------------------------


def test_set_times_answers_json_with_the_item_and_its_warnings(orga, base, world, make):
    other = make.agenda_item(world["festival"], kind="arts", minutes=(60, 90), venue=world["venue"])
    response = json_post(orga, f"{base}/items/{other.id}/times", base,
                         data={"start": "08:15", "end": "08:45", "version": str(other.version)})  # fmt: skip
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True and body["errors"] == {}
    assert body["item"]["start"] == "08:15" and body["item"]["end"] == "08:45"
    assert body["item"]["starts_at"].endswith("+07:00")
    assert body["warnings"]  # the same venue as the commendations item at 08:00–08:30


def test_set_times_refuses_an_end_before_its_start_in_the_users_language(app, client, world, base):
    client.set_cookie("lang", "vi")
    login(client, "orga")
    item = world["item"]
    response = json_post(client, f"{base}/items/{item.id}/times", base, data={"start": "09:00", "end": "08:00"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and body["errors"]["end"]
    with app.test_request_context("/"), force_locale("vi"):
        assert body["errors"]["end"] == [gettext("The item must end after it starts.")]
    assert items()[0].local_start.strftime("%H:%M") == "08:00"


def test_set_times_refuses_an_unreadable_time_with_400(orga, world, base):
    response = json_post(orga, f"{base}/items/{world['item'].id}/times", base, data={"start": "8h", "end": "x"})
    assert response.status_code == 400
    assert set(response.get_json()["errors"]) == {"start", "end"}


def test_set_times_on_a_stale_version_answers_409_with_the_newer_item(orga, world, base):
    item = items()[0]
    old = item.version
    item.title = "Đã sửa"
    db.session.commit()
    response = json_post(orga, f"{base}/items/{item.id}/times", base,
                         data={"start": "08:05", "end": "08:35", "version": str(old)})  # fmt: skip
    assert response.status_code == 409
    body = response.get_json()
    assert body["ok"] is False and body["code"] == "stale_version"
    assert body["item"]["version"] == items()[0].version and body["item"]["title"] == "Đã sửa"
    assert items()[0].local_start.strftime("%H:%M") == "08:00"


def test_set_times_without_javascript_is_a_form_that_redirects(orga, world, base):
    url = f"{base}/items/{world['item'].id}/times"
    response = post_form(orga, url, {"start": "08:10", "end": "08:40", "version": str(items()[0].version)})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{world['item'].id}")
    response = post_form(orga, url, {"start": "08:50", "end": "08:40"})
    assert response.status_code == 400
    assert form_fields(response.get_data(as_text=True))["start"].value == "08:50"


# --- order --------------------------------------------------------------------------------------------------------


@pytest.fixture
def ceremony(world, make):
    """Three ceremony items in order: the world's commendations item, then a flag salute, then an opening."""
    second = make.agenda_item(world["festival"], kind="flag_salute", minutes=(30, 40), position=2)
    third = make.agenda_item(world["festival"], kind="opening", minutes=(40, 50), position=3)
    return [world["item"].id, second.id, third.id]


def ceremony_order() -> list[int]:
    return [i.id for i in items() if i.part == "ceremony"]


def test_a_drag_posts_the_new_order_as_json(orga, base, ceremony):
    new = [ceremony[2], ceremony[0], ceremony[1]]
    response = json_post(orga, f"{base}/reorder", base, json={"part": "ceremony", "ids": new})
    assert response.status_code == 200 and response.get_json()["ok"] is True
    assert ceremony_order() == new


def test_the_new_order_may_come_from_a_form(orga, base, ceremony):
    new = [ceremony[1], ceremony[2], ceremony[0]]
    response = post_form(orga, f"{base}/reorder", {"part": "ceremony", "ids": ",".join(map(str, new))}, page=base)
    assert response.status_code == 302
    assert ceremony_order() == new


@pytest.mark.parametrize("body", [{"part": "ceremony", "ids": [1]}, {"part": "x", "ids": []}, {"ids": "a"}, []])
def test_an_order_that_does_not_match_the_part_is_refused(orga, base, ceremony, body):
    response = json_post(orga, f"{base}/reorder", base, json=body)
    assert response.status_code in (400, 409)
    assert response.get_json()["ok"] is False
    assert ceremony_order() == ceremony


def test_keyboard_buttons_move_an_item_up_and_down(orga, base, ceremony):
    url = f"{base}/items/{ceremony[1]}/move"
    response = post_form(orga, url, {"direction": "up"}, page=base)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#item-{ceremony[1]}")
    assert ceremony_order() == [ceremony[1], ceremony[0], ceremony[2]]
    response = json_post(orga, url, base, data={"direction": "down"})
    assert response.get_json()["ok"] is True
    assert ceremony_order() == ceremony
    assert post_form(orga, url, {"direction": "sideways"}, page=base).status_code == 400


# --- publishing and changes ---------------------------------------------------------------------------------------


def test_publishing_then_moving_an_item_shows_it_as_changed_with_revision_2(orga, base, world):
    response = post_form(orga, f"{base}/publish", {}, page=base, follow_redirects=True)
    assert "1 item is published." in response.get_data(as_text=True)
    assert items()[0].status == "published"
    assert "Nothing has changed" in orga.get(f"{base}/changes").get_data(as_text=True)
    url = f"{base}/items/{world['item'].id}/times"
    assert post_form(orga, url, {"start": "08:30", "end": "09:00"}).status_code == 302
    body = orga.get(f"{base}/changes").get_data(as_text=True)
    assert "revision 2" in body
    assert "Start" in body and "08:00 10/08/2027" in body and "→ 08:30 10/08/2027" in body
    assert "Nguyễn Văn An" in body  # who: the organizer's full name
    assert db.session.scalar(select(func.count(AgendaChange.id))) == 1
    assert "revision 2" in orga.get(base).get_data(as_text=True)


def test_the_changes_page_of_an_unpublished_program_says_so(orga, base):
    assert "not published yet" in orga.get(f"{base}/changes").get_data(as_text=True)


# --- the day grid -------------------------------------------------------------------------------------------------


def test_the_grid_has_a_column_per_venue_and_marks_overlaps(orga, base, world, make):
    make.agenda_item(world["festival"], kind="arts", minutes=(15, 45), venue=world["venue"], title="Múa lân")
    make.agenda_item(world["festival"], kind="sports", minutes=(60, 120), title="Kéo co")
    body = orga.get(f"{base}/grid").get_data(as_text=True)
    assert "Nhà văn hoá xã" in body and "No venue" in body
    assert body.count("grid-item status-draft has-conflict") == 2
    assert 'colspan="2"' in body  # the two overlapping items side by side
    assert "08:00" in body and "10:45" in body
    assert 'rowspan="6"' in body  # 30 minutes at five minutes a row


# --- commendations and signings -----------------------------------------------------------------------------------


def test_a_commendation_to_a_person_is_added_edited_and_deleted(orga, base, world):
    item = world["item"]
    data = {"item": str(item.id), "level": "medal", "recipient_kind": "person", "organization": "", "locality": "",
            "person_name": "Trần Văn Cường", "person_position": "Tổ trưởng tổ ANTT", "reason": "Bắt cướp"}  # fmt: skip
    assert post_form(orga, f"{base}/commendations/new", data).status_code == 302
    made = db.session.scalar(select(Commendation).where(Commendation.person_name == "Trần Văn Cường"))
    assert made is not None
    page = orga.get(f"{base}/commendations").get_data(as_text=True)
    assert "Trần Văn Cường" in page and "Commemorative medal" in page and "print-sheet" in page
    edit = f"{base}/commendations/{made.id}"
    response = post_form(orga, edit, {**data, "reason": "Dũng cảm", "version": str(made.version)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Commendation, made.id).reason == "Dũng cảm"
    made_id = made.id
    assert post_form(orga, f"{edit}/delete", {}, page=edit).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Commendation).where(Commendation.id == made_id)) is None


def test_a_commendation_without_its_recipient_is_refused_and_keeps_the_input(orga, base, world):
    before = db.session.scalar(select(func.count(Commendation.id)))
    data = {"item": str(world["item"].id), "level": "medal", "recipient_kind": "organization", "organization": "",
            "locality": "", "person_name": "", "person_position": "", "reason": "Giữ nguyên"}  # fmt: skip
    response = post_form(orga, f"{base}/commendations/new", data)
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields["organization"].errors
    assert "Giữ nguyên" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Commendation.id))) == before


def test_a_commendation_to_a_residential_area(orga, base, world):
    area = world["tree"]["00376001"]
    data = {"item": str(world["item"].id), "level": "commune_certificate", "recipient_kind": "residential_area",
            "organization": "", "locality": str(area.id), "person_name": "", "reason": ""}  # fmt: skip
    assert post_form(orga, f"{base}/commendations/new", data).status_code == 302
    assert "Thôn Đông" in orga.get(f"{base}/commendations").get_data(as_text=True)


def test_a_stale_commendation_edit_is_refused(orga, base, world):
    made = db.session.scalar(select(Commendation))
    old = made.version
    made.reason = "Khác"
    db.session.commit()
    data = {"item": str(world["item"].id), "level": "medal", "recipient_kind": "person", "organization": "",
            "locality": "", "person_name": "A", "reason": "Của tôi", "version": str(old)}  # fmt: skip
    response = post_form(orga, f"{base}/commendations/{made.id}", data)
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Commendation, made.id).reason == "Khác"


def test_a_signing_needs_two_parties(orga, base, world, make):
    second = make.organization(world["tree"]["00376"], name="Mặt trận Tổ quốc xã Sóc Sơn", kind="fatherland_front")
    data = {"item": str(world["item"].id), "kind": "joint_plan", "title": "Kế hoạch liên tịch",
            "parties": [str(world["organization"].id)], "notes": ""}  # fmt: skip
    response = post_form(orga, f"{base}/signings/new", data)
    assert response.status_code == 400
    assert "Kế hoạch liên tịch" in response.get_data(as_text=True)
    data["parties"] = [str(world["organization"].id), str(second.id)]
    assert post_form(orga, f"{base}/signings/new", data).status_code == 302
    page = orga.get(f"{base}/commendations").get_data(as_text=True)
    assert "Kế hoạch liên tịch" in page and "Mặt trận Tổ quốc xã Sóc Sơn" in page


# --- speed --------------------------------------------------------------------------------------------------------


def test_the_program_page_of_300_items_takes_a_bounded_number_of_queries(orga, base, world, make):
    festival = world["festival"]
    venues = [make.venue(world["tree"]["00376"], name=f"Sân {n}") for n in range(5)]
    orgs = [make.organization(world["tree"]["00376"], name=f"Đội {n}") for n in range(5)]
    from festival.agenda.models import AgendaParticipant, AgendaPerson

    for n in range(299):
        start = festival.starts_at + timedelta(minutes=(n * 7) % 170)
        db.session.add(
            AgendaItem(
                festival=festival, part="festivities" if n % 2 else "ceremony", kind="arts" if n % 2 else "opening",
                title=f"Tiết mục {n}", starts_at=start, ends_at=start + timedelta(minutes=10),
                venue=venues[n % 5], position=n + 2,
                people=[AgendaPerson(full_name=f"Người {n}", name_key=f"nguoi{n}")],
                participants=[AgendaParticipant(organization=orgs[n % 5], role="performer")],
            )
        )  # fmt: skip
    db.session.commit()
    with count_queries() as statements:
        response = orga.get(base)
    assert response.status_code == 200
    assert "Tiết mục 298" in response.get_data(as_text=True)
    assert len(statements) <= 15, "\n".join(statements)
    with count_queries() as statements:
        assert orga.get(f"{base}/grid").status_code == 200
    assert len(statements) <= 15, "\n".join(statements)


# --- the dashboard ------------------------------------------------------------------------------------------------


def test_the_dashboard_links_each_festival_day_to_its_program(orga, world, base):
    assert f'href="{base}"' in orga.get("/dashboard").get_data(as_text=True)
