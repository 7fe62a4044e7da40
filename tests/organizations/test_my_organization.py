"""An organization's representative edits its profile and sees every place it takes part in, across localities."""

from __future__ import annotations

from datetime import date

from festival.extensions import db
from festival.organizations.models import Organization
from tests.conftest import count_queries, post_form

URL = "/dashboard/my-organization"


def profile(**changes) -> dict:
    data = {
        "name": "Công an xã Sóc Sơn",
        "description": "Lực lượng nòng cốt của phong trào",
        "phone": "024 3884 1234",
        "email": "conganxa@socson.vn",
        "contacts-0-full_name": "Nguyễn Văn Bình",
        "contacts-0-position_title": "Trưởng Công an xã",
        "contacts-0-phone": "",
        "contacts-0-email": "",
        # Not fields of this form: a representative never changes them.
        "kind": "school",
        "locality_code": "38",
    }
    data.update(changes)
    return data


def test_a_representative_edits_the_profile_but_not_the_kind_or_locality(orgs_world, as_user):
    client = as_user("rep")
    org = orgs_world["organization"]
    response = post_form(client, URL, profile(version=str(org.version)))
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Organization, org.id)
    assert (saved.kind, saved.locality.code, saved.phone, saved.description) == (
        "police",
        "00376",
        "+842438841234",
        "Lực lượng nòng cốt của phong trào",
    )
    assert [c.full_name for c in saved.contacts] == ["Nguyễn Văn Bình"]


def test_a_bad_profile_keeps_what_was_typed_and_a_stale_one_is_refused(orgs_world, as_user):
    client = as_user("rep")
    org = orgs_world["organization"]
    html = post_form(client, URL, profile(phone="abc", version=str(org.version))).get_data(as_text=True)
    assert "is not a valid phone number" in html and "Lực lượng nòng cốt của phong trào" in html
    response = post_form(client, URL, profile(name="Tên mới", version=str(org.version + 5)))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Công an xã Sóc Sơn"


def test_the_page_lists_participations_across_localities(orgs_world, make, as_user):
    org = orgs_world["organization"]
    thanh_hoa = make.festival(orgs_world["edition"], orgs_world["tree"]["38"], day=date(2027, 8, 1))
    make.agenda_item(thanh_hoa, kind="signing", organization=org, title="Ký kết quy chế phối hợp liên tỉnh")
    html = as_user("rep").get(URL).get_data(as_text=True)
    assert "Ký kết quy chế phối hợp liên tỉnh" in html and "Tỉnh Thanh Hoá" in html and "01/08/2027" in html
    assert "Xã Sóc Sơn" in html and "Thành tích xuất sắc trong phong trào" in html
    assert html.count("Quy chế phối hợp") >= 2  # the signings of both festivals


def test_the_participation_lists_are_paged_and_bounded(orgs_world, make, as_user):
    org = orgs_world["organization"]
    client = as_user("rep")
    client.get(URL)
    with count_queries() as few:
        client.get(URL)
    hamlet = make.festival(orgs_world["edition"], orgs_world["tree"]["00376001"], day=date(2027, 7, 20))
    for n in range(25):
        festival = hamlet if n % 2 else orgs_world["festival"]
        make.agenda_item(festival, kind="sports", organization=org, title=f"Tiết mục {n:02d}", minutes=(n, n + 1))
    with count_queries() as many:
        html = client.get(URL).get_data(as_text=True)
    assert len(many) == len(few), many
    for param in ("items", "commendations", "signings"):  # 26 of each, 20 a page
        assert f"?{param}=2" in html, param


def test_only_a_representative_has_the_page_and_never_another_organization(orgs_world, as_user, client):
    assert client.get(URL).status_code == 302  # anonymous: to log in
    assert as_user("orga").get(URL).status_code == 403
    rep = as_user("rep")
    foreign = orgs_world["foreign_org"]
    assert rep.get(f"/dashboard/organizations/{foreign.id}").status_code == 403
    response = post_form(rep, f"/dashboard/organizations/{foreign.id}", {"name": "X", "version": "1"}, page=URL)
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Organization, foreign.id).name == "Công an tỉnh Thanh Hoá"


def test_the_navigation_shows_each_role_its_pages(orgs_world, as_user):
    html = as_user("rep").get("/dashboard").get_data(as_text=True)
    assert 'href="/dashboard/my-organization"' in html and 'href="/dashboard/organizations"' not in html


def test_organizers_see_organizations_and_venues_in_the_navigation(orgs_world, as_user):
    html = as_user("orga").get("/dashboard").get_data(as_text=True)
    assert 'href="/dashboard/organizations"' in html and 'href="/dashboard/venues"' in html
    assert 'href="/dashboard/my-organization"' not in html
