"""The organizer's list of registrations: who may see it, the summary per quota, filters and search that really
filter, the bounded number of queries, attendance and cancelling (with the waiting list moving up)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from festival.audit.models import AuditEntry
from festival.extensions import db
from festival.registration.models import Attendance, Registration
from tests.conftest import count_queries, login, post_form


def names(html: str, candidates=("Phạm Thị Lan", "Đỗ Văn Nam", "Hoàng Văn Đức", "Nguyễn Văn Án")) -> set[str]:
    return {name for name in candidates if name in html}


# --- who may see it ---------------------------------------------------------------------------------------------


def test_a_stranger_organizer_is_refused_and_anonymous_sent_to_login(client, make, world, tickets, base):
    make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")
    registration_id = tickets["registration"].id
    assert client.get(f"{base}/registrations").status_code == 302
    login(client, "thanhhoa")
    for url in (f"{base}/registrations", f"{base}/registrations.csv", f"{base}/quotas", f"{base}/invitations/new",
                f"{base}/invitations/import", f"{base}/invitations/print",
                f"/dashboard/registrations/{registration_id}/invitation"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    response = post_form(client, f"/dashboard/registrations/{registration_id}/cancel", {}, page="/dashboard")
    assert response.status_code == 403
    assert db.session.get(Registration, registration_id).status == "confirmed"
    assert client.get("/dashboard/festivals/999999/registrations").status_code == 404


def test_a_checkin_staff_member_cannot_open_the_list(client, make, world, base):
    make.user("checkin_staff", scope=world["tree"]["00376"], username="soatve")
    login(client, "soatve")
    assert client.get(f"{base}/registrations").status_code == 403


# --- the page ---------------------------------------------------------------------------------------------------


def test_the_summary_counts_places_waiting_invitations_and_attendance(orga, tickets, base):
    page = orga.get(f"{base}/registrations").get_data(as_text=True)
    assert "1 of 1 places taken" in page
    assert "Waiting: 1" in page and "Invitations: 1" in page and "Attended: 0" in page
    assert names(page) == {"Phạm Thị Lan", "Đỗ Văn Nam", "Hoàng Văn Đức"}


def test_an_empty_festival_says_so(orga, base):
    page = orga.get(f"{base}/registrations").get_data(as_text=True)
    assert "Nothing takes registrations yet" in page
    assert "Nobody has registered or been invited yet." in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=invitation", {"Hoàng Văn Đức"}),
        ("kind=registration", {"Phạm Thị Lan", "Đỗ Văn Nam"}),
        ("status=waiting", {"Đỗ Văn Nam"}),
        ("status=confirmed&kind=registration", {"Phạm Thị Lan"}),
        ("q=pham+thi", {"Phạm Thị Lan"}),
        ("q=HOANG van duc", {"Hoàng Văn Đức"}),
        ("q=0912+000+222", {"Đỗ Văn Nam"}),
        ("q=%2B84912000111", {"Phạm Thị Lan"}),
        ("q=000111", {"Phạm Thị Lan"}),
        ("q=nobody", set()),
        ("kind=<script>&status=x&attended=maybe&quota=-1", {"Phạm Thị Lan", "Đỗ Văn Nam", "Hoàng Văn Đức"}),
    ],
)
def test_filters_and_search_really_filter(orga, tickets, base, query, expected):
    page = orga.get(f"{base}/registrations?{query}").get_data(as_text=True)
    assert names(page) == expected


def test_search_nguyen_van_finds_nguyen_van_with_accents(orga, make, tickets, base):
    make.registration(tickets["quota"], "Nguyễn Văn Án", "0913 111 222")
    page = orga.get(f"{base}/registrations?q=nguyen+van").get_data(as_text=True)
    assert names(page) == {"Nguyễn Văn Án"}


def test_the_quota_filter_separates_the_day_from_an_item(orga, make, world, tickets, base):
    from festival.attendees.services import day_quota

    day = day_quota(world["festival"])
    make.registration(day, "Nguyễn Văn Án", "0913 111 222")
    page = orga.get(f"{base}/registrations?quota={day.id}").get_data(as_text=True)
    assert names(page) == {"Nguyễn Văn Án"}
    page = orga.get(f"{base}/registrations?quota={tickets['quota'].id}").get_data(as_text=True)
    assert names(page) == {"Phạm Thị Lan", "Đỗ Văn Nam", "Hoàng Văn Đức"}


def test_attendance_marks_present_with_who_and_when_then_unmarks(orga, world, tickets, base):
    entry = tickets["registration"]
    url = f"/dashboard/registrations/{entry.id}/attendance"
    assert post_form(orga, url, {"present": "1"}, page=f"{base}/registrations").status_code == 302
    attendance = db.session.scalar(select(Attendance).where(Attendance.registration_id == entry.id))
    assert attendance.marked_by_id == world["organizer"].id and attendance.marked_at is not None
    assert names(orga.get(f"{base}/registrations?attended=yes").get_data(as_text=True)) == {"Phạm Thị Lan"}
    assert "Phạm Thị Lan" not in orga.get(f"{base}/registrations?attended=no").get_data(as_text=True)
    assert "Attended: 1" in orga.get(f"{base}/registrations").get_data(as_text=True)

    post_form(orga, url, {"present": "0"}, page=f"{base}/registrations")
    db.session.expire_all()
    assert db.session.scalar(select(Attendance).where(Attendance.registration_id == entry.id)) is None
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "festival")).all()
    assert {"attended", "unattended"} <= set(actions)


def test_someone_waiting_cannot_be_marked_present(orga, tickets, base):
    entry = tickets["waiting"]
    post_form(orga, f"/dashboard/registrations/{entry.id}/attendance", {"present": "1"}, page=f"{base}/registrations")
    assert db.session.scalar(select(Attendance).where(Attendance.registration_id == entry.id)) is None


def test_cancelling_moves_the_waiting_list_up_and_notes_it_without_personal_data(orga, tickets, base):
    confirmed, waiting = tickets["registration"], tickets["waiting"]
    response = post_form(orga, f"/dashboard/registrations/{confirmed.id}/cancel", {}, page=f"{base}/registrations")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, confirmed.id).status == "cancelled"
    assert db.session.get(Registration, confirmed.id).cancelled_by == "organizer"
    assert db.session.get(Registration, waiting.id).status == "confirmed"
    note = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "cancel_registration"))
    assert note.changes["registration_id"] == [None, confirmed.id]
    assert "Phạm" not in str(note.changes) and "0912" not in str(note.changes)


def test_the_list_costs_the_same_queries_for_3_or_40_people(orga, make, tickets, base):
    def queries() -> int:
        orga.get(f"{base}/registrations")  # warm caches (session, user)
        with count_queries() as statements:
            assert orga.get(f"{base}/registrations").status_code == 200
        return len(statements)

    few = queries()
    for number in range(37):
        make.registration(tickets["quota"], f"Người thứ {number}", f"0913 200 {number:03d}")
    assert queries() == few
    assert few <= 15
