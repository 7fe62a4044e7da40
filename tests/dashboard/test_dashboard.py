"""The dashboard: the festivals of the user's scope, the filter, pagination, query bound and formats."""

from __future__ import annotations

import re
from datetime import date, time

import pytest

from festival.extensions import db
from tests.conftest import count_queries, login

LOCALITY_CELL = re.compile(r'<td data-label="Locality">\s*<a href="/localities/([^"]+)"')


def listed(response) -> list[str]:
    """The locality codes of the festival rows on a dashboard page, in order."""
    assert response.status_code == 200
    return LOCALITY_CELL.findall(response.get_data(as_text=True))


@pytest.fixture
def festivals(make, tree):
    """One 2027 festival in each unit of the tree but the nation, on days of the season."""
    edition = make.edition(2027)
    codes = ["01", "38", "66", "00004", "00070", "00376", "14758", "22015", "00376001", "00376002"]
    for i, code in enumerate(codes):
        make.festival(edition, tree[code], day=date(2027, 8, 1 + i))
    return edition


def log_in_as(client, make, tree, role="organizer", scope="00376"):
    make.user(role, scope=tree[scope] if scope else None, username="someone")
    assert login(client, "someone").status_code == 302
    return client


def test_commune_organizer_sees_only_the_communes_subtree(client, make, tree, festivals):
    log_in_as(client, make, tree, scope="00376")
    response = client.get("/dashboard")
    assert sorted(listed(response)) == ["00376", "00376001", "00376002"]
    body = response.get_data(as_text=True)
    assert "Xã Sóc Sơn" in body
    assert "Phường Ba Đình" not in body and "Phường Hàm Rồng" not in body
    assert "Festival days in your scope" in body and "(3)" in body


def test_hamlet_organizer_sees_only_the_hamlet(client, make, tree, festivals):
    log_in_as(client, make, tree, scope="00376001")
    assert listed(client.get("/dashboard")) == ["00376001"]


def test_checkin_staff_sees_their_scope_too(client, make, tree, festivals):
    log_in_as(client, make, tree, role="checkin_staff", scope="38")
    assert sorted(listed(client.get("/dashboard"))) == ["14758", "38"]


def test_organization_representative_sees_the_organizations_locality(client, make, tree, festivals):
    organization = make.organization(tree["00004"])
    make.user("org_rep", organization=organization, username="rep")
    login(client, "rep")
    assert listed(client.get("/dashboard")) == ["00004"]


def test_province_organizer_sees_every_festival_of_the_province(client, make, tree, festivals):
    log_in_as(client, make, tree, scope="01")
    assert sorted(listed(client.get("/dashboard"))) == ["00004", "00070", "00376", "00376001", "00376002", "01"]


def test_admin_sees_everything(admin_client, festivals):
    assert len(listed(admin_client.get("/dashboard"))) == 10
    assert "Whole country" in admin_client.get("/dashboard").get_data(as_text=True)


def test_festivals_are_listed_in_date_order(admin_client, festivals):
    assert listed(admin_client.get("/dashboard")) == [
        "01", "38", "66", "00004", "00070", "00376", "14758", "22015", "00376001", "00376002",
    ]  # fmt: skip


def test_anonymous_is_sent_to_login(client, festivals):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fdashboard"


@pytest.mark.parametrize("q", ["soc son", "Sóc Sơn", "socson", "SOC SON", "  Sóc   sơn ", "xa soc son", "Xã Sóc"])
def test_filter_is_accent_and_case_insensitive(admin_client, festivals, q):
    response = admin_client.get("/dashboard", query_string={"q": q})
    assert listed(response) == ["00376"]


def test_filter_by_code_prefix(admin_client, festivals):
    assert sorted(listed(admin_client.get("/dashboard?q=00376"))) == ["00376", "00376001", "00376002"]


@pytest.mark.parametrize(("q", "codes"), [("ha noi", ["01"]), ("dak lak", ["66"]), ("Thanh Hóa", ["38"])])
def test_filter_finds_provinces_in_either_spelling(admin_client, festivals, q, codes):
    # "Thanh Hóa" (old-style accent) finds "Thanh Hoá" (new-style): both fold the same.
    assert listed(admin_client.get("/dashboard", query_string={"q": q})) == codes


def test_filter_does_not_reach_outside_the_scope(client, make, tree, festivals):
    log_in_as(client, make, tree, scope="00376")
    response = client.get("/dashboard", query_string={"q": "ba dinh"})
    assert listed(response) == []
    assert "No festival day of a locality matching “ba dinh” in your scope." in response.get_data(as_text=True)


def test_filter_text_is_escaped(admin_client, festivals):
    body = admin_client.get("/dashboard", query_string={"q": '<script>alert("x")</script>'}).get_data(as_text=True)
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_unknown_edition_is_404(admin_client, festivals):
    assert admin_client.get("/dashboard?edition=1999").status_code == 404


def test_another_edition_can_be_chosen(admin_client, make, tree, festivals):
    older = make.edition(2026, "archived")
    make.festival(older, tree["22015"], day=date(2026, 8, 5))
    assert listed(admin_client.get("/dashboard?edition=2026")) == ["22015"]
    assert len(listed(admin_client.get("/dashboard?edition=2027"))) == 10
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert '<option value="2026"' in body and '<option value="2027" selected' in body


def test_draft_edition_is_shown_to_organizers(client, make, tree):
    draft = make.edition(2027, "draft")
    make.festival(draft, tree["00376"])
    log_in_as(client, make, tree, scope="01")
    assert listed(client.get("/dashboard")) == ["00376"]


def test_thirty_festivals_make_two_pages_of_25(admin_client, make, add_hamlets):
    edition = make.edition(2027)
    for i, hamlet in enumerate(add_hamlets(30)):
        make.festival(edition, hamlet, day=date(2027, 7, 1 + i))

    first = admin_client.get("/dashboard")
    assert len(listed(first)) == 25
    body = first.get_data(as_text=True)
    assert "Page 1 of 2" in body and 'rel="next"' in body and 'rel="prev"' not in body
    assert "(30)" in body

    second = admin_client.get("/dashboard?page=2")
    assert len(listed(second)) == 5
    body = second.get_data(as_text=True)
    assert "Page 2 of 2" in body and 'rel="prev"' in body and 'rel="next"' not in body
    assert set(listed(first)).isdisjoint(listed(second))
    assert len(set(listed(first)) | set(listed(second))) == 30


def test_pagination_keeps_the_filter_and_clamps_bad_pages(admin_client, make, add_hamlets):
    edition = make.edition(2027)
    for i, hamlet in enumerate(add_hamlets(30)):
        make.festival(edition, hamlet, day=date(2027, 7, 1 + i))
    body = admin_client.get("/dashboard?q=xom").get_data(as_text=True)
    assert re.search(r'href="/dashboard\?q=xom&amp;page=2" rel="next"', body)
    assert len(listed(admin_client.get("/dashboard?page=99"))) == 5  # the last page
    assert len(listed(admin_client.get("/dashboard?page=abc"))) == 25
    assert len(listed(admin_client.get("/dashboard?page=-3"))) == 25


def make_festivals(make, edition, hamlets, host):
    """A festival in each hamlet, each with a venue and a host of its own besides the shared one."""
    for i, hamlet in enumerate(hamlets):
        venue = make.venue(hamlet, name=f"Nhà văn hoá {hamlet.code}")
        own = make.organization(hamlet, name=f"Chi hội {hamlet.code}")
        make.festival(
            edition,
            hamlet,
            day=date(2027, 7, 1 + i % 45),
            venue=venue,
            hosts=[host, own],
            is_model_site=i % 3 == 0,
            model_site_level="province" if i % 3 == 0 else None,
        )


def dashboard_queries(client) -> int:
    # The request runs in an app context and a database session of its own (IsolatedClient): nothing
    # is served from the test's identity map, so every statement the page needs is counted.
    with count_queries() as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200
    return len(statements)


QUERY_BOUND = 12


@pytest.mark.parametrize("role", ["admin", "organizer"])
def test_dashboard_queries_are_bounded_and_do_not_grow_with_festivals(client, make, tree, add_spread_hamlets, role):
    # Every festival has its own locality, parent commune, venue and host: loading any of them row by row
    # would add queries with the number of festivals.
    edition = make.edition(2027)
    host = make.organization(tree["01"], name="Công an Thành phố Hà Nội")
    hamlets = add_spread_hamlets(30)
    make.user(role, scope=None if role == "admin" else tree["01"], username="someone")
    login(client, "someone")

    make_festivals(make, edition, hamlets[:3], host)
    few = dashboard_queries(client)
    assert len(listed(client.get("/dashboard"))) == 3

    make_festivals(make, edition, hamlets[3:], host)
    many = dashboard_queries(client)
    assert len(listed(client.get("/dashboard"))) == 25

    assert few <= QUERY_BOUND, few
    assert many <= QUERY_BOUND, many
    assert many == few


def test_empty_state_without_festivals(admin_client, make):
    make.edition(2027)
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert "No festival day is planned in your scope for this edition yet." in body
    assert "<table" not in body


def test_empty_state_when_the_scope_has_no_festival(client, make, tree, festivals):
    make.user("organizer", scope=tree["00070"], username="someone")
    db.session.execute(db.text("DELETE FROM locality_festivals WHERE locality_id = :id"), {"id": tree["00070"].id})
    db.session.commit()
    login(client, "someone")
    body = client.get("/dashboard").get_data(as_text=True)
    assert "No festival day is planned in your scope for this edition yet." in body


def test_empty_state_without_any_edition(admin_client):
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert "There is no edition yet." in body
    assert 'href="/admin/editions/new"' in body


def test_organizer_without_edition_is_not_offered_to_create_one(client, make, tree):
    log_in_as(client, make, tree, scope="01")
    body = client.get("/dashboard").get_data(as_text=True)
    assert "There is no edition yet." in body
    assert 'href="/admin/editions/new"' not in body


def festival_row(body: str, code: str) -> str:
    match = re.search(r"<tr>((?:(?!</tr>).)*?/localities/" + code + r'"(?:(?!</tr>).)*)</tr>', body, re.S)
    assert match, f"no row for {code}"
    return match.group(1)


def test_times_are_local_and_dates_day_month_year(admin_client, make, tree):
    edition = make.edition(2027)
    make.festival(edition, tree["00376"], day=date(2027, 8, 10), start=time(8, 0), end=time(11, 30))
    # 06:30 local time is 23:30 UTC the day before: the local date must be shown.
    make.festival(edition, tree["00004"], day=date(2027, 7, 5), start=time(6, 30), end=time(9, 0))
    body = admin_client.get("/dashboard").get_data(as_text=True)

    row = festival_row(body, "00376")
    assert re.search(r'<td data-label="Date">10/08/2027</td>', row)
    assert re.search(r'<td data-label="Time">08:00–11:30</td>', row)
    row = festival_row(body, "00004")
    assert re.search(r'<td data-label="Date">05/07/2027</td>', row)
    assert re.search(r'<td data-label="Time">06:30–09:00</td>', row)
    assert "01:00" not in row and "04/07/2027" not in row


def test_chart_counts_festival_days_per_local_day(admin_client, make, tree):
    edition = make.edition(2027)
    make.festival(edition, tree["00376"], day=date(2027, 8, 10), start=time(6, 0), end=time(9, 0))
    make.festival(edition, tree["00004"], day=date(2027, 8, 10))
    body = admin_client.get("/dashboard").get_data(as_text=True)
    assert re.search(r"<tr><td>10/08/2027</td><td>2</td></tr>", body)
    assert "09/08/2027</td><td>" not in body
