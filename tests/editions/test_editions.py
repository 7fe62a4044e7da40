"""Editions (one a year) and locality festivals: the service rules, current_edition() and the admin pages."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError
from festival.core.time import today_local
from festival.editions import services
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from tests.accounts.support import flashes, form_fields
from tests.conftest import csrf_token, login, post_form


def edition_data(year: int = 2027, **changes) -> services.EditionData:
    values = {
        "year": year,
        "season_start": date(year, 7, 1),
        "season_end": date(year, 8, 19),
        "status": "published",
        "theme": "",
    }
    values.update(changes)
    return services.EditionData(**values)


@contextmanager
def refused(code: str, field: str | None = None):
    """The block raises the DomainError `code` about `field`."""
    with pytest.raises(DomainError) as info:
        yield info
    assert info.value.code == code, f"{info.value.code} (expected {code})"
    if field is not None:
        assert info.value.field == field


def edition_count() -> int:
    return db.session.scalar(select(func.count(Edition.id)))


# --- edition rules ----------------------------------------------------------------------------------------------


def test_save_edition_stores_the_dates_and_defaults_the_main_day_to_19_august(database):
    edition = services.save_edition(edition_data(2027, theme="Toàn dân bảo vệ an ninh Tổ quốc"))
    db.session.expire_all()
    stored = services.get_edition(2027)
    assert stored.id == edition.id
    assert stored.season_start == date(2027, 7, 1)
    assert stored.season_end == date(2027, 8, 19)
    assert stored.main_day == date(2027, 8, 19)
    assert stored.status == "published"
    assert stored.theme == "Toàn dân bảo vệ an ninh Tổ quốc"


def test_theme_is_normalised_to_nfc(database):
    theme = unicodedata.normalize("NFD", "Hoà bình")
    edition = services.save_edition(edition_data(2027, theme=f"  {theme}  "))
    assert edition.theme == "Hoà bình"


@pytest.mark.parametrize("year", [2005, 2100])
def test_first_and_last_years_are_accepted(database, year):
    assert services.save_edition(edition_data(year)).year == year


@pytest.mark.parametrize("year", [2004, 2101, 1999, 0, 10000])
def test_years_outside_2005_2100_are_refused(database, year):
    data = services.EditionData(
        year=year, season_start=date(2027, 7, 1), season_end=date(2027, 8, 19), status="published"
    )
    with refused("year_out_of_range", "year"):
        services.save_edition(data)
    assert edition_count() == 0


def test_a_theme_longer_than_500_characters_is_refused(database):
    with refused("theme_too_long", "theme"):
        services.save_edition(edition_data(2027, theme="T" * 501))
    assert services.save_edition(edition_data(2027, theme="T" * 500)).theme == "T" * 500


def test_a_year_has_one_edition(database):
    services.save_edition(edition_data(2027))
    with refused("edition_exists", "year"):
        services.save_edition(edition_data(2027, theme="again"))
    assert edition_count() == 1


def test_an_edition_can_be_saved_again_under_its_own_year(database):
    edition = services.save_edition(edition_data(2027))
    services.save_edition(edition_data(2027, theme="Mới", status="archived"), edition)
    db.session.expire_all()
    assert services.get_edition(2027).theme == "Mới"
    assert services.get_edition(2027).status == "archived"


def test_moving_an_edition_onto_another_years_edition_is_refused(database):
    services.save_edition(edition_data(2027))
    other = services.save_edition(edition_data(2028))
    with refused("edition_exists", "year"):
        services.save_edition(edition_data(2027), other)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"season_start": date(2026, 12, 31)}, "season_start"),
        ({"season_end": date(2028, 1, 1)}, "season_end"),
        ({"main_day": date(2026, 8, 19)}, "main_day"),
    ],
)
def test_dates_must_fall_in_the_editions_year(database, changes, field):
    with refused("date_outside_year", field):
        services.save_edition(edition_data(2027, **changes))


def test_season_must_not_end_before_it_starts(database):
    with refused("season_order", "season_end"):
        services.save_edition(edition_data(2027, season_start=date(2027, 8, 20), season_end=date(2027, 8, 1)))


def test_a_one_day_season_is_allowed(database):
    day = date(2027, 8, 19)
    assert services.save_edition(edition_data(2027, season_start=day, season_end=day)).main_day == day


@pytest.mark.parametrize(
    "changes",
    [
        {"main_day": date(2027, 6, 30)},
        {"main_day": date(2027, 8, 20)},
        # The default main day, 19 August, outside a season that ends earlier.
        {"season_start": date(2027, 7, 1), "season_end": date(2027, 8, 10)},
    ],
)
def test_main_day_must_fall_in_the_season(database, changes):
    with refused("main_day_outside_season", "main_day"):
        services.save_edition(edition_data(2027, **changes))


def test_main_day_may_be_any_day_of_the_season(database):
    edition = services.save_edition(
        edition_data(2027, season_start=date(2027, 8, 1), season_end=date(2027, 8, 20), main_day=date(2027, 8, 1))
    )
    assert edition.main_day == date(2027, 8, 1)


@pytest.mark.parametrize("status", ["", "live", "PUBLISHED"])
def test_status_must_be_known(database, status):
    with refused("status_unknown", "status"):
        services.save_edition(edition_data(2027, status=status))


def test_failed_save_leaves_the_edition_unchanged(database):
    edition = services.save_edition(edition_data(2027, theme="Cũ"))
    with refused("season_order"):
        services.save_edition(
            edition_data(2027, theme="Mới", season_start=date(2027, 8, 19), season_end=date(2027, 7, 1)), edition
        )
    db.session.expire_all()
    assert services.get_edition(2027).theme == "Cũ"


def test_get_edition_of_an_unknown_year_is_not_found(database):
    with refused("edition_not_found"):
        services.get_edition(1999)


def test_list_editions_newest_first(make):
    for year in (2025, 2027, 2026):
        make.edition(year)
    assert [e.year for e in services.list_editions()] == [2027, 2026, 2025]


# --- current_edition() ------------------------------------------------------------------------------------------


def test_no_edition_means_no_current_edition(database):
    assert services.current_edition() is None


def test_published_edition_whose_season_has_not_ended_wins_over_the_latest_archived(make):
    year = today_local().year
    make.edition(year + 2, "archived")
    upcoming = make.edition(year + 1, "published")
    make.edition(year - 1, "published")
    assert services.current_edition() == upcoming


def test_earliest_running_published_edition_wins(make):
    year = today_local().year
    make.edition(year + 3, "published")
    nearer = make.edition(year + 1, "published")
    assert services.current_edition() == nearer


def test_a_season_ending_today_has_not_ended(make):
    today = today_local()
    make.edition(today.year + 2, "archived")
    running = make.edition(
        today.year, "published", season_start=date(today.year, 1, 1), season_end=today, main_day=today
    )
    assert services.current_edition() == running


def test_fallback_is_the_latest_published_or_archived_edition(make):
    year = today_local().year
    make.edition(year - 3, "published")
    latest = make.edition(year - 1, "archived")
    make.edition(year - 2, "published")
    make.edition(year + 1, "draft")
    assert services.current_edition() == latest


def test_drafts_count_only_when_asked(make):
    year = today_local().year
    archived = make.edition(year - 1, "archived")
    draft = make.edition(year + 1, "draft")
    assert services.current_edition() == archived
    assert services.current_edition(include_drafts=True) == draft


def test_only_drafts_give_no_public_edition(make):
    make.edition(today_local().year + 1, "draft")
    assert services.current_edition() is None


# --- the admin pages --------------------------------------------------------------------------------------------


def new_edition_form(**changes) -> dict:
    data = {
        "year": "2027",
        "theme": "Toàn dân tham gia bảo vệ an ninh Tổ quốc",
        "season_start": "01/07/2027",
        "season_end": "19/08/2027",
        "main_day": "",
        "status": "draft",
    }
    data.update(changes)
    return data


def test_admin_creates_an_edition_with_day_month_year_dates(admin_client):
    form = admin_client.get("/admin/editions/new")
    assert form.status_code == 200
    assert 'placeholder="dd/mm/yyyy"' in form.get_data(as_text=True)

    response = post_form(admin_client, "/admin/editions/new", new_edition_form(season_end="20/08/2027"))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/editions"

    edition = services.get_edition(2027)
    assert edition.season_start == date(2027, 7, 1)
    assert edition.season_end == date(2027, 8, 20)
    assert edition.main_day == date(2027, 8, 19)
    assert edition.status == "draft"
    assert edition.theme == "Toàn dân tham gia bảo vệ an ninh Tổ quốc"

    listing = admin_client.get("/admin/editions").get_data(as_text=True)
    assert ("success", "The 2027 edition is saved.") in flashes(listing)
    assert "01/07/2027 – 20/08/2027" in listing
    assert "19/08/2027" in listing


def test_single_digit_days_and_months_are_accepted(admin_client):
    response = post_form(
        admin_client, "/admin/editions/new", new_edition_form(season_start="1/7/2027", main_day="2/8/2027")
    )
    assert response.status_code == 302
    edition = services.get_edition(2027)
    assert edition.season_start == date(2027, 7, 1)
    assert edition.main_day == date(2027, 8, 2)


@pytest.mark.parametrize("typed", ["01/07/2027", "1/7/2027", "01-07-2027", "01.07.2027", "1.7.2027", "2027-07-01"])
def test_dates_are_read_in_the_forms_people_type(admin_client, typed):
    response = post_form(admin_client, "/admin/editions/new", new_edition_form(season_start=typed))
    assert response.status_code == 302
    assert services.get_edition(2027).season_start == date(2027, 7, 1)


def test_admin_edits_an_edition(admin_client, make):
    make.edition(2027, "draft", theme="Cũ")
    page = admin_client.get("/admin/editions/2027")
    assert page.status_code == 200
    fields = form_fields(page.get_data(as_text=True))
    assert fields["year"].value == "2027"
    assert fields["season_start"].value == "01/07/2027"
    assert fields["season_end"].value == "19/08/2027"
    assert fields["main_day"].value == "19/08/2027"
    assert fields["status"].value == "draft"
    assert fields["theme"].value == "Cũ"

    response = post_form(
        admin_client,
        "/admin/editions/2027",
        new_edition_form(theme="Mới", season_start="15/07/2027", main_day="18/08/2027", status="published"),
    )
    assert response.status_code == 302
    db.session.expire_all()
    edition = services.get_edition(2027)
    assert (edition.theme, edition.season_start, edition.main_day, edition.status) == (
        "Mới",
        date(2027, 7, 15),
        date(2027, 8, 18),
        "published",
    )
    assert edition_count() == 1


@pytest.mark.parametrize("typed", ["31/02/2027", "32/07/2027", "1/13/2027", "2027/07/01", "hôm nay", "07/01/27"])
def test_a_bad_date_is_refused_and_the_typed_text_kept(admin_client, typed):
    response = post_form(admin_client, "/admin/editions/new", new_edition_form(season_start=typed))
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields["season_start"].value == typed
    assert fields["season_start"].errors == ["Not a valid date. Type it as dd/mm/yyyy, e.g. 19/08/2027."]
    assert fields["season_end"].value == "19/08/2027"
    assert fields["theme"].value == "Toàn dân tham gia bảo vệ an ninh Tổ quốc"
    assert edition_count() == 0


def test_a_bad_date_on_edit_is_refused_and_changes_nothing(admin_client, make):
    make.edition(2027, "draft")
    response = post_form(admin_client, "/admin/editions/2027", new_edition_form(season_end="19/08/27"))
    assert response.status_code == 400
    assert form_fields(response.get_data(as_text=True))["season_end"].value == "19/08/27"
    db.session.expire_all()
    assert services.get_edition(2027).season_end == date(2027, 8, 19)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"season_start": "20/08/2027", "season_end": "01/08/2027"}, "season_end", None),
        ({"season_start": "01/07/2026"}, "season_start", "This date must fall in 2027."),
        ({"main_day": "30/06/2027"}, "main_day", "The main day must fall inside the season."),
        ({"year": "2004"}, "year", None),
        ({"year": "abc"}, "year", None),
        ({"status": "live"}, "status", None),
    ],
)
def test_rule_violations_show_next_to_their_field(admin_client, changes, field, message):
    response = post_form(admin_client, "/admin/editions/new", new_edition_form(**changes))
    assert response.status_code == 400
    fields = form_fields(response.get_data(as_text=True))
    assert fields[field].errors
    if message:
        assert message in fields[field].errors
    for name, typed in new_edition_form(**changes).items():
        if name != "status":
            assert (fields[name].value or "") == typed, name
    assert edition_count() == 0


def test_an_existing_year_is_refused_in_the_form(admin_client, make):
    make.edition(2027)
    response = post_form(admin_client, "/admin/editions/new", new_edition_form())
    assert response.status_code == 400
    assert "The 2027 edition already exists." in form_fields(response.get_data(as_text=True))["year"].errors
    assert edition_count() == 1


def test_editing_an_unknown_year_is_404(admin_client):
    assert admin_client.get("/admin/editions/1999").status_code == 404


@pytest.mark.parametrize("role", ["organizer", "checkin_staff"])
def test_non_admins_get_403_on_the_edition_pages(client, make, tree, role):
    make.edition(2027)
    make.user(role, scope=tree["01"], username="someone")
    login(client, "someone")
    for url in ("/admin/editions", "/admin/editions/new", "/admin/editions/2027"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client)
    assert (
        client.post("/admin/editions/new", data={**new_edition_form(year="2028"), "csrf_token": token}).status_code
        == 403
    )
    assert (
        client.post("/admin/editions/2027", data={**new_edition_form(theme="x"), "csrf_token": token}).status_code
        == 403
    )
    assert edition_count() == 1
    assert services.get_edition(2027).theme == "Chủ đề 2027"


def test_anonymous_is_sent_to_login_from_the_edition_pages(client, make):
    make.edition(2027)
    for url in ("/admin/editions", "/admin/editions/new", "/admin/editions/2027"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


# --- festival rules ---------------------------------------------------------------------------------------------


@pytest.fixture
def edition(make):
    return make.edition(2027)


def festival_data(locality, **changes) -> services.FestivalData:
    values = {"locality": locality, "day": date(2027, 8, 10), "start": time(8, 0), "end": time(11, 0)}
    values.update(changes)
    return services.FestivalData(**values)


def festival_count() -> int:
    return db.session.scalar(select(func.count(LocalityFestival.id)))


def test_festival_times_are_stored_in_utc_from_local_wall_clock(edition, tree):
    festival = services.save_festival(edition, festival_data(tree["00376"]))
    db.session.expire_all()
    stored = db.session.get(LocalityFestival, festival.id)
    assert stored.starts_at == datetime(2027, 8, 10, 1, 0, tzinfo=UTC)
    assert stored.ends_at == datetime(2027, 8, 10, 4, 0, tzinfo=UTC)
    assert stored.local_start.strftime("%d/%m/%Y %H:%M") == "10/08/2027 08:00"


@pytest.mark.parametrize("day", [date(2027, 7, 1), date(2027, 8, 19)])
def test_first_and_last_days_of_the_season_are_accepted(edition, tree, day):
    assert services.save_festival(edition, festival_data(tree["00376"], day=day)).local_start.date() == day


@pytest.mark.parametrize("day", [date(2027, 6, 30), date(2027, 8, 20), date(2026, 8, 10)])
def test_a_day_outside_the_season_is_refused(edition, tree, day):
    with refused("day_outside_season", "day"):
        services.save_festival(edition, festival_data(tree["00376"], day=day))
    assert festival_count() == 0


def test_a_practice_run_may_fall_outside_the_season(edition, tree):
    festival = services.save_festival(edition, festival_data(tree["00376"], day=date(2027, 6, 20), is_practice=True))
    assert festival.is_practice
    assert festival.local_start.date() == date(2027, 6, 20)


@pytest.mark.parametrize(("start", "end"), [(time(8, 0), time(8, 0)), (time(14, 0), time(8, 0))])
def test_a_festival_must_end_after_it_starts(edition, tree, start, end):
    with refused("time_order", "end"):
        services.save_festival(edition, festival_data(tree["00376"], start=start, end=end))


@pytest.mark.parametrize("level", [None, "", "commune", "district"])
def test_a_model_site_needs_the_nation_or_province_level(edition, tree, level):
    with refused("model_site_level_required", "model_site_level"):
        services.save_festival(edition, festival_data(tree["00376"], is_model_site=True, model_site_level=level))


@pytest.mark.parametrize("level", ["nation", "province"])
def test_model_sites_chosen_by_the_ministry_or_a_province(edition, tree, level):
    festival = services.save_festival(edition, festival_data(tree["00376"], is_model_site=True, model_site_level=level))
    assert (festival.is_model_site, festival.model_site_level) == (True, level)


def test_a_level_without_a_model_site_is_dropped(edition, tree):
    festival = services.save_festival(edition, festival_data(tree["00376"], model_site_level="nation"))
    assert festival.is_model_site is False
    assert festival.model_site_level is None


def test_one_festival_per_locality_per_edition(make, edition, tree):
    first = services.save_festival(edition, festival_data(tree["00376"]))
    with refused("festival_exists", "locality"):
        services.save_festival(edition, festival_data(tree["00376"], day=date(2027, 8, 12)))
    assert festival_count() == 1

    # The same locality in another edition, another locality in the same one, and the same festival again: fine.
    services.save_festival(make.edition(2028), festival_data(tree["00376"], day=date(2028, 8, 10)))
    services.save_festival(edition, festival_data(tree["00004"]))
    services.save_festival(edition, festival_data(tree["00376"], day=date(2027, 8, 15)), first)
    assert festival_count() == 3
    assert first.local_start.date() == date(2027, 8, 15)


def test_moving_a_festival_onto_a_locality_that_has_one_is_refused(edition, tree):
    services.save_festival(edition, festival_data(tree["00376"]))
    other = services.save_festival(edition, festival_data(tree["00004"]))
    with refused("festival_exists", "locality"):
        services.save_festival(edition, festival_data(tree["00376"]), other)


@pytest.mark.parametrize("venue_at", ["00376", "00376001"])
def test_a_venue_in_the_locality_or_below_is_accepted(make, edition, tree, venue_at):
    venue = make.venue(tree[venue_at], name="Nhà văn hoá")
    festival = services.save_festival(edition, festival_data(tree["00376"], venue=venue))
    assert festival.venue == venue


@pytest.mark.parametrize("venue_at", ["01", "00004", "00376002", "38"])
def test_a_venue_outside_the_locality_subtree_is_refused(make, edition, tree, venue_at):
    venue = make.venue(tree[venue_at])
    with refused("venue_outside_locality", "venue"):
        services.save_festival(edition, festival_data(tree["00376001"], venue=venue))
    assert festival_count() == 0


def test_a_venue_of_a_sibling_commune_is_refused(make, edition, tree):
    venue = make.venue(tree["00004"])
    with refused("venue_outside_locality", "venue"):
        services.save_festival(edition, festival_data(tree["00376"], venue=venue))


def test_hosts_in_the_subtree_or_above_are_accepted(make, edition, tree):
    hosts = [
        make.organization(tree["00376"], name="Công an xã Sóc Sơn"),
        make.organization(tree["00376001"], name="Ban công tác Mặt trận thôn Đông"),
        make.organization(tree["01"], name="Công an Thành phố Hà Nội"),
        make.organization(tree["VN"], name="Bộ Công an", kind="police"),
    ]
    festival = services.save_festival(edition, festival_data(tree["00376"], hosts=hosts))
    db.session.expire_all()
    assert {h.name for h in db.session.get(LocalityFestival, festival.id).hosts} == {h.name for h in hosts}


@pytest.mark.parametrize("host_at", ["00004", "00070", "38", "14758", "00376002"])
def test_hosts_beside_the_locality_are_refused(make, edition, tree, host_at):
    outsider = make.organization(tree[host_at], name="Tổ chức ngoài")
    inside = make.organization(tree["00376001"], name="Tổ chức trong")
    with refused("host_outside_locality", "hosts") as info:
        services.save_festival(edition, festival_data(tree["00376001"], hosts=[inside, outsider]))
    assert "Tổ chức ngoài" in str(info.value)
    assert festival_count() == 0


@pytest.mark.parametrize("status", ["", "done", "PLANNED"])
def test_festival_status_must_be_known(edition, tree, status):
    with refused("status_unknown", "status"):
        services.save_festival(edition, festival_data(tree["00376"], status=status))
    assert festival_count() == 0


def test_a_refused_change_leaves_the_festival_as_it_was(make, edition, tree):
    venue = make.venue(tree["00376"])
    festival = services.save_festival(edition, festival_data(tree["00376"], venue=venue, notes="Sân vận động"))
    with refused("day_outside_season"):
        services.save_festival(edition, festival_data(tree["00376"], day=date(2027, 9, 2), notes="đổi"), festival)
    db.session.expire_all()
    stored = db.session.get(LocalityFestival, festival.id)
    assert stored.notes == "Sân vận động"
    assert stored.venue_id == venue.id
    assert stored.local_start.date() == date(2027, 8, 10)


def test_festivals_per_day_counts_local_days(make, edition, tree):
    # 06:30 local on 10/08 is 23:30 UTC on 09/08: it must count on the local day.
    make.festival(edition, tree["00376"], day=date(2027, 8, 10), start=time(6, 30), end=time(9, 0))
    make.festival(edition, tree["00004"], day=date(2027, 8, 10))
    make.festival(edition, tree["38"], day=date(2027, 7, 1), status="cancelled")
    counts = dict(services.festivals_per_day(edition))
    assert len(counts) == (edition.season_end - edition.season_start).days + 1
    assert counts[date(2027, 8, 10)] == 2
    assert counts[date(2027, 8, 9)] == 0
    assert counts[date(2027, 7, 1)] == 0  # cancelled days are not counted
    assert sum(counts.values()) == 2
    assert min(counts) == date(2027, 7, 1) and max(counts) == date(2027, 8, 19)
    assert max(counts) - min(counts) == timedelta(days=49)
