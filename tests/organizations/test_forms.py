"""Creating and editing organizations and venues: scope, contact persons, what was typed kept, stale versions."""

from __future__ import annotations

import re

import pytest

from festival.extensions import db
from festival.organizations.models import Contact, Organization, Venue
from tests.conftest import csrf_token, post_form


def organization_form(world, **changes) -> dict:
    data = {
        "name": "Đoàn Thanh niên xã Sóc Sơn",
        "kind": "mass_organization",
        "locality_code": "00376",
        "locality_name": "Xã Sóc Sơn",
        "description": "Tổ chức đoàn thể",
        "phone": "0912 345 678",
        "email": "doanthanhnien@socson.vn",
        "contacts-0-full_name": "Lê Thị Hoa",
        "contacts-0-position_title": "Bí thư",
        "contacts-0-phone": "0987654321",
        "contacts-0-email": "",
        "contacts-1-full_name": "",
        "contacts-1-position_title": "",
        "contacts-1-phone": "",
        "contacts-1-email": "",
    }
    data.update(changes)
    return data


def text(response, status: int) -> str:
    assert response.status_code == status, response.get_data(as_text=True)[-3000:]
    return response.get_data(as_text=True)


def test_the_new_form_has_two_empty_contact_rows(orgs_world, as_user):
    html = text(as_user("orga").get("/dashboard/organizations/new"), 200)
    assert 'name="contacts-0-full_name"' in html and 'name="contacts-1-full_name"' in html
    assert 'name="contacts-2-full_name"' not in html
    assert 'value="00376"' in html  # the organizer's unit is proposed


def test_an_organizer_creates_an_organization_with_contacts(orgs_world, as_user):
    client = as_user("orga")
    response = post_form(client, "/dashboard/organizations/new", organization_form(orgs_world))
    assert response.status_code == 302
    org = db.session.query(Organization).filter_by(name="Đoàn Thanh niên xã Sóc Sơn").one()
    assert (org.kind, org.locality.code, org.phone, org.search_name) == (
        "mass_organization",
        "00376",
        "+84912345678",
        "doanthanhnienxasocson",
    )
    assert [(c.full_name, c.position_title, c.phone) for c in org.contacts] == [
        ("Lê Thị Hoa", "Bí thư", "+84987654321")
    ]
    # The edit page shows the saved contact and two empty rows after it.
    html = text(client.get(response.headers["Location"]), 200)
    assert 'value="Lê Thị Hoa"' in html and 'name="contacts-2-full_name"' in html
    assert 'name="contacts-3-full_name"' not in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # A locality outside the scope is refused as forbidden (403), with the form kept like any other error.
        ({"phone": "12ab"}, "is not a valid phone number"),
        ({"contacts-0-phone": "999"}, "is not a valid phone number"),
        ({"contacts-0-full_name": "", "contacts-0-position_title": "Bí thư"}, "Give the contact person’s full name."),
        ({"email": "khong-phai-email"}, "is not a valid e-mail address"),
        ({"name": "  "}, "The name is required."),
        ({"kind": ""}, "Choose a kind."),
        ({"locality_code": "14758", "locality_name": "Phường Hàm Rồng"}, "is outside your scope"),
        ({"locality_code": "", "locality_name": ""}, "Choose a locality."),
    ],
)
def test_a_bad_form_keeps_what_was_typed(orgs_world, as_user, changes, message):
    client = as_user("orga")
    data = organization_form(orgs_world, **changes)
    status = 403 if message == "is outside your scope" else 400
    html = text(post_form(client, "/dashboard/organizations/new", data), status)
    assert message in html
    assert_kept(html, data)
    assert db.session.query(Organization).filter_by(name="Đoàn Thanh niên xã Sóc Sơn").count() == 0


def test_a_contact_rows_error_is_next_to_that_row(orgs_world, as_user):
    client = as_user("orga")
    html = text(
        post_form(client, "/dashboard/organizations/new", organization_form(orgs_world, **{"contacts-0-phone": "999"})),
        400,
    )
    row = html[html.index('id="contacts-0-phone"') :]
    assert row.index("is not a valid phone number") < row.index('id="contacts-1-full_name"')
    assert 'value="999"' in html


def assert_kept(html: str, data: dict) -> None:
    """Every box shows what was typed into it."""
    for key, value in data.items():
        if key in ("kind", "description", "csrf_token") or not value:
            continue
        assert re.search(f'name="{re.escape(key)}"[^>]*value="{re.escape(value)}"', html), key
    if data.get("description"):
        assert data["description"] in html


def edit_url(org) -> str:
    return f"/dashboard/organizations/{org.id}"


def test_editing_replaces_and_removes_contacts(orgs_world, as_user):
    client = as_user("orga")
    org = orgs_world["organization"]
    post_form(client, edit_url(org), organization_form(orgs_world, name=org.name, version="1"))
    db.session.expire_all()
    data = organization_form(orgs_world, name=org.name, version=str(db.session.get(Organization, org.id).version))
    data.update({"contacts-0-full_name": "", "contacts-0-position_title": "", "contacts-0-phone": ""})
    assert post_form(client, edit_url(org), data).status_code == 302
    db.session.expire_all()
    assert db.session.query(Contact).filter_by(organization_id=org.id).count() == 0


def test_a_stale_edit_is_refused_and_the_newer_version_shown(orgs_world, as_user, make):
    client = as_user("orga")
    org = orgs_world["organization"]
    page = client.get(edit_url(org)).get_data(as_text=True)
    shown_version = re.search(r'name="version" type="hidden" value="(\d+)"', page)[1]
    # Someone else saves meanwhile.
    from festival.organizations import services

    services.save_organization(
        services.OrganizationData(locality=org.locality, name="Công an xã Sóc Sơn (mới)", kind="police"), org
    )
    data = organization_form(orgs_world, name="Tên của tôi", version=shown_version)
    data["csrf_token"] = csrf_token(client, edit_url(org))
    html = text(client.post(edit_url(org), data=data), 409)
    assert "Someone else saved this record" in html
    assert "Công an xã Sóc Sơn (mới)" in html  # the newer version
    assert 'value="Tên của tôi"' in html  # what was typed
    db.session.expire_all()
    saved = db.session.get(Organization, org.id)
    assert saved.name == "Công an xã Sóc Sơn (mới)"
    # The form now carries the newer version: saving again is a deliberate overwrite.
    newer = re.search(r'name="version" type="hidden" value="(\d+)"', html)[1]
    assert int(newer) == saved.version
    data["version"] = newer
    assert client.post(edit_url(org), data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Tên của tôi"


@pytest.mark.parametrize("version", ["", "abc", "0", "-1", "99999999999999999999"])
def test_a_missing_or_garbled_version_is_stale(orgs_world, as_user, version):
    client = as_user("orga")
    org = orgs_world["organization"]
    response = post_form(client, edit_url(org), organization_form(orgs_world, name="Khác", version=version))
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Công an xã Sóc Sơn"


def test_an_organizer_of_another_province_cannot_see_or_edit(orgs_world, as_user):
    client = as_user("orga_thanh_hoa")
    org, venue = orgs_world["organization"], orgs_world["venue"]
    for url in (
        edit_url(org),
        f"{edit_url(org)}/merge",
        f"/dashboard/venues/{venue.id}",
        f"/dashboard/venues/{venue.id}/merge",
    ):
        assert client.get(url).status_code == 404, url
        token = csrf_token(client, "/dashboard/organizations")
        assert client.post(url, data={"csrf_token": token, "name": "X", "version": "1"}).status_code == 404, url
    db.session.expire_all()
    assert db.session.get(Organization, org.id).name == "Công an xã Sóc Sơn"


def test_a_representative_cannot_edit_an_organization_page(orgs_world, as_user):
    client = as_user("rep")
    org = orgs_world["organization"]
    assert client.get(edit_url(org)).status_code == 403
    token = csrf_token(client, "/dashboard/my-organization")
    assert client.post(edit_url(org), data={"csrf_token": token, "name": "X", "version": "1"}).status_code == 403


def venue_form(**changes) -> dict:
    data = {
        "name": "Sân vận động xã Sóc Sơn",
        "locality_code": "00376",
        "locality_name": "Xã Sóc Sơn",
        "address": "Thôn Đông, xã Sóc Sơn",
        "capacity": "800",
        "latitude": "21.2567",
        "longitude": "105.8421",
        "contacts-0-full_name": "Phạm Văn Quản",
        "contacts-0-position_title": "Quản lý sân",
        "contacts-0-phone": "0243 882 1234",
        "contacts-0-email": "",
    }
    data.update(changes)
    return data


def test_an_organizer_creates_a_venue(orgs_world, as_user):
    client = as_user("orga")
    assert post_form(client, "/dashboard/venues/new", venue_form()).status_code == 302
    venue = db.session.query(Venue).filter_by(name="Sân vận động xã Sóc Sơn").one()
    assert (venue.capacity, venue.latitude, venue.longitude, venue.search_name) == (
        800,
        21.2567,
        105.8421,
        "sanvandongxasocson",
    )
    assert [c.phone for c in venue.contacts] == ["+842438821234"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "0"}, "The capacity must be a positive number."),
        ({"capacity": "-5"}, "The capacity must be a positive number."),
        ({"capacity": "nhiều"}, "Not a valid integer value."),
        ({"longitude": ""}, "Give both coordinates or neither."),
        ({"latitude": "95"}, "The coordinates are out of range."),
        ({"latitude": "nan"}, "The coordinates are out of range."),
        ({"locality_code": "38", "locality_name": ""}, "is outside your scope"),
        ({"name": ""}, "The name is required."),
    ],
)
def test_a_bad_venue_form_keeps_what_was_typed(orgs_world, as_user, changes, message):
    status = 403 if message == "is outside your scope" else 400
    html = text(post_form(as_user("orga"), "/dashboard/venues/new", venue_form(**changes)), status)
    assert message in html
    assert_kept(html, venue_form(**changes))
    assert db.session.query(Venue).filter_by(address="Thôn Đông, xã Sóc Sơn").count() == 0


def test_a_stale_venue_edit_is_refused(orgs_world, as_user):
    client = as_user("orga")
    venue = orgs_world["venue"]
    url = f"/dashboard/venues/{venue.id}"
    assert post_form(client, url, venue_form(name="Nhà văn hoá xã", version=str(venue.version))).status_code == 302
    html = text(post_form(client, url, venue_form(name="Tên cũ", version=str(venue.version - 0))), 409)
    assert "Someone else saved this record" in html and 'value="Tên cũ"' in html
