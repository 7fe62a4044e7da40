"""An organizer plans the festival day of a locality of their scope: create, edit, refused input kept, stale
versions refused, the model-site flag only at the level allowed to set it."""

from __future__ import annotations

import re
from datetime import date, time

from sqlalchemy import select

from festival.editions import services as editions
from festival.editions.models import LocalityFestival
from festival.extensions import db
from tests.conftest import login, post_form


def _form(world, **changes) -> dict:
    data = {
        "edition": "2027",
        "locality": "00070",
        "day": "12/08/2027",
        "start": "07:30",
        "end": "11:00",
        "venue": "",
        "status": "planned",
        "notes": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _festival(locality) -> LocalityFestival | None:
    db.session.expire_all()
    return db.session.scalar(select(LocalityFestival).where(LocalityFestival.locality_id == locality.id))


def test_a_province_organizer_creates_a_festival_day_of_a_commune(client, world, province_organizer):
    login(client, "hanoi")
    start = client.get("/dashboard/festivals/new?edition=2027")
    assert start.status_code == 200 and 'name="locality_name"' in start.get_data(as_text=True)
    url = "/dashboard/festivals/new?edition=2027&locality=00070"
    page = client.get(url)
    assert page.status_code == 200
    host = world["organization"]  # of Sóc Sơn: neither in Hoàn Kiếm's subtree nor above it
    assert host.name not in page.get_data(as_text=True)
    response = post_form(client, "/dashboard/festivals/new", _form(world), page=url)
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)', response.get_data(as_text=True))
    festival = _festival(world["tree"]["00070"])
    assert festival.local_start.date() == date(2027, 8, 12)
    assert (festival.local_start.time(), festival.local_end.time()) == (time(7, 30), time(11, 0))
    assert response.headers["Location"].endswith(f"/dashboard/festivals/{festival.id}")


def test_an_organizer_edits_with_venue_and_hosts(client, world):
    login(client, "orga")
    festival = world["festival"]
    url = f"/dashboard/festivals/{festival.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="10/08/2027"' in page and 'value="08:00"' in page
    data = _form(
        world,
        locality="00376",
        day="11/08/2027",
        start="14:00",
        end="17:30",
        venue=str(world["venue"].id),
        hosts=str(world["organization"].id),
        status="confirmed",
        version=str(festival.version),
    )
    response = post_form(client, url, data)
    assert response.status_code == 302
    saved = _festival(world["tree"]["00376"])
    assert saved.status == "confirmed" and saved.local_start.time() == time(14, 0)
    assert [h.id for h in saved.hosts] == [world["organization"].id]


def test_bad_input_is_refused_with_what_was_typed_kept(client, world):
    login(client, "orga")
    festival = world["festival"]
    url = f"/dashboard/festivals/{festival.id}"
    version = str(festival.version)
    cases = [
        ({"day": "31/02/2027"}, "Not a valid date"),
        ({"start": "25:00"}, "Not a valid time"),
        ({"start": "7:30 PM"}, "Not a valid time"),
        ({"start": "12:00", "end": "09:00"}, "must end after it starts"),
        ({"day": "01/01/2027"}, "inside the season"),
        ({"venue": "999999"}, "Not a valid choice"),
    ]
    for changes, message in cases:
        data = _form(world, locality="00376", version=version, **changes)
        response = post_form(client, url, data)
        body = response.get_data(as_text=True)
        assert response.status_code == 400, changes
        assert message in body, changes
        for value in changes.values():
            if value != "999999":
                assert f'value="{value}"' in body, value
    assert _festival(world["tree"]["00376"]).local_start.date() == date(2027, 8, 10)


def test_a_practice_run_may_fall_outside_the_season(client, world):
    login(client, "orga")
    festival = world["festival"]
    data = _form(world, locality="00376", day="20/06/2027", is_practice="y", version=str(festival.version))
    assert post_form(client, f"/dashboard/festivals/{festival.id}", data).status_code == 302
    assert _festival(world["tree"]["00376"]).is_practice


def test_a_stale_version_is_refused_and_the_newer_one_shown(client, world):
    login(client, "orga")
    festival = world["festival"]
    url = f"/dashboard/festivals/{festival.id}"
    shown_version = str(festival.version)
    # Someone else saves meanwhile.
    data = editions.FestivalData(
        locality=festival.locality, day=date(2027, 8, 10), start=time(8, 0), end=time(11, 0), notes="Đổi giờ"
    )
    editions.save_festival(festival.edition, data, festival)
    response = post_form(client, url, _form(world, locality="00376", notes="Của tôi", version=shown_version))
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this festival day meanwhile" in body
    assert "Đổi giờ" in body  # the newer version
    assert "Của tôi" in body  # what this user typed, kept
    assert _festival(world["tree"]["00376"]).notes == "Đổi giờ"


def test_the_service_turns_a_concurrent_save_into_stale_version(world):
    festival = world["festival"]
    # The row changes behind the session's back (another process): SQLAlchemy's version counter notices.
    db.session.execute(
        LocalityFestival.__table__.update()
        .where(LocalityFestival.id == festival.id)
        .values(version=LocalityFestival.version + 1)
    )
    data = editions.FestivalData(locality=festival.locality, day=date(2027, 8, 10), start=time(9, 0), end=time(11, 0))
    try:
        editions.save_festival(festival.edition, data, festival, expected_version=festival.version)
    except editions.DomainError as error:
        assert (error.code, error.status) == ("stale_version", 409)
    else:
        raise AssertionError("a concurrent save went through")


def test_outside_the_scope_is_404_or_403_and_changes_nothing(client, world, foreign_organizer):
    login(client, "thanhhoa")
    festival = world["festival"]
    assert client.get(f"/dashboard/festivals/{festival.id}").status_code == 404
    response = post_form(
        client, f"/dashboard/festivals/{festival.id}", _form(world, locality="00376"), page="/dashboard"
    )
    assert response.status_code == 404
    assert client.get("/dashboard/festivals/new?edition=2027&locality=00070").status_code == 403
    response = post_form(client, "/dashboard/festivals/new", _form(world), page="/dashboard")
    assert response.status_code == 403
    assert _festival(world["tree"]["00070"]) is None


def test_a_commune_organizer_cannot_set_the_model_site_flag(client, world):
    login(client, "orga")
    festival = world["festival"]
    page = client.get(f"/dashboard/festivals/{festival.id}").get_data(as_text=True)
    assert 'name="is_model_site"' not in page
    data = _form(world, locality="00376", is_model_site="y", model_site_level="province", version=str(festival.version))
    response = post_form(client, f"/dashboard/festivals/{festival.id}", data)
    assert response.status_code == 403
    assert "Only the level that chooses model sites" in response.get_data(as_text=True)
    assert not _festival(world["tree"]["00376"]).is_model_site
    # Saving without the flag keeps it as it is.
    data = _form(world, locality="00376", notes="ok", version=str(festival.version))
    assert post_form(client, f"/dashboard/festivals/{festival.id}", data).status_code == 302


def test_a_province_organizer_sets_a_provincial_model_site_but_not_a_national_one(client, world, province_organizer):
    login(client, "hanoi")
    festival = world["festival"]
    url = f"/dashboard/festivals/{festival.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="is_model_site"' in page and 'value="nation"' not in page
    data = _form(world, locality="00376", is_model_site="y", model_site_level="nation", version=str(festival.version))
    assert post_form(client, url, data).status_code == 403  # not a level it may set
    data["model_site_level"] = "province"
    assert post_form(client, url, data).status_code == 302
    saved = _festival(world["tree"]["00376"])
    assert (saved.is_model_site, saved.model_site_level) == (True, "province")
    # Ba Đình is a national model site: the province may not drop it.
    national = _festival(world["tree"]["00004"])
    data = _form(world, locality="00004", day="12/08/2027", start="08:00", end="11:00", version=str(national.version))
    response = post_form(client, f"/dashboard/festivals/{national.id}", data)
    assert response.status_code == 403
    assert _festival(world["tree"]["00004"]).model_site_level == "nation"


def test_an_admin_sets_a_national_model_site(client, world):
    login(client, "admin")
    festival = world["festival"]
    data = _form(world, locality="00376", is_model_site="y", model_site_level="nation", version=str(festival.version))
    assert post_form(client, f"/dashboard/festivals/{festival.id}", data).status_code == 302
    assert _festival(world["tree"]["00376"]).model_site_level == "nation"


def test_the_dashboard_links_each_row_to_its_edit_page(client, world):
    login(client, "orga")
    body = client.get("/dashboard").get_data(as_text=True)
    assert f'href="/dashboard/festivals/{world["festival"].id}"' in body
    assert "New festival day" in body


def test_a_form_without_a_readable_version_is_refused_as_stale(client, world):
    login(client, "orga")
    festival = world["festival"]
    for version in ("", "abc", "0"):
        data = _form(world, locality="00376", notes="Ghi đè", version=version)
        assert post_form(client, f"/dashboard/festivals/{festival.id}", data).status_code == 409
    assert _festival(world["tree"]["00376"]).notes == ""
