"""The change log page: organizers see the entries of their subtree (not another province's), administrators
all; an entry names the account that made the change through a form."""

from __future__ import annotations

from tests.accounts.support import english_client
from tests.conftest import count_queries, login, post_form


def _client(app):
    return english_client(app)


def test_an_organizer_sees_their_subtree_and_not_another_province(app, world, make):
    make.venue(world["tree"]["14758"], name="Sân Hàm Rồng")  # Thanh Hoá
    make.venue(world["tree"]["00376"], name="Sân vận động Sóc Sơn")
    client = _client(app)
    login(client, "orga")
    response = client.get("/dashboard/audit")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Sân vận động Sóc Sơn" in body and "Xã Sóc Sơn" in body
    assert "Sân Hàm Rồng" not in body
    assert "Phường Ba Đình" not in body  # Hà Nội, but outside Sóc Sơn's subtree
    admin = _client(app)
    login(admin, "admin")
    assert "Sân Hàm Rồng" in admin.get("/dashboard/audit").get_data(as_text=True)


def test_filters_by_entity_and_locality(app, world, make):
    make.venue(world["tree"]["00376001"], name="Nhà văn hoá thôn Đông")
    client = _client(app)
    login(client, "orga")
    body = client.get("/dashboard/audit?entity=venue&locality=00376001").get_data(as_text=True)
    assert "Nhà văn hoá thôn Đông" in body and "Nhà văn hoá xã" not in body
    typed = client.get("/dashboard/audit?entity=venue&locality_name=thon dong").get_data(as_text=True)
    assert "Nhà văn hoá thôn Đông" in typed and "Nhà văn hoá xã" not in typed
    outside = client.get("/dashboard/audit?locality=38")
    assert outside.status_code == 403
    assert client.get("/dashboard/audit?entity=nonsense").status_code == 400


def test_a_change_through_the_form_names_the_logged_in_user(app, world):
    client = _client(app)
    login(client, "orga")
    festival = world["festival"]
    url = f"/dashboard/festivals/{festival.id}"
    data = {"edition": "2027", "locality": "00376", "day": "10/08/2027", "start": "08:00", "end": "10:15",
            "venue": str(world["venue"].id), "status": "confirmed", "version": str(festival.version)}  # fmt: skip
    assert post_form(client, url, data).status_code == 302
    body = client.get("/dashboard/audit?entity=festival").get_data(as_text=True)
    row = body.split("<tbody>")[1].split("</tr>")[0]
    assert "orga" in row and "Changed" in row
    assert "Status:</span>" in row and "Planned → Confirmed" in row  # the field's name and its values in words
    assert "11:00 10/08/2027 → 10:15 10/08/2027" in row  # local time, dd/mm/yyyy
    assert f'href="/dashboard/festivals/{festival.id}"' in row


def test_the_page_runs_a_bounded_number_of_queries(app, world, make):
    client = _client(app)
    login(client, "admin")
    client.get("/dashboard/audit")
    with count_queries() as few:
        client.get("/dashboard/audit")
    for i in range(30):
        make.venue(world["tree"]["00376"], name=f"Địa điểm {i}")
    with count_queries() as many:
        client.get("/dashboard/audit")
    assert len(many) == len(few)


def test_other_roles_and_visitors_are_kept_out(app, world, make):
    make.user("checkin_staff", scope=world["tree"]["00376"], username="staff")
    client = _client(app)
    assert client.get("/dashboard/audit").status_code == 302
    login(client, "staff")
    assert client.get("/dashboard/audit").status_code == 403
