"""A province organizer sees which communes have no festival day yet and creates them in bulk: ticked with one
date, or from a CSV (all or nothing, every bad row listed with its line number and reason)."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from festival.editions.models import LocalityFestival
from festival.extensions import db
from tests.conftest import count_queries, csrf_token, login, post_form

MISSING = "/dashboard/festivals/missing?edition=2027&locality=01"


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(LocalityFestival.id)))


def _codes_listed(body: str) -> list[str]:
    return re.findall(r'name="codes" value="([^"]+)"', body)


def test_the_missing_communes_of_a_province_are_listed(client, world, province_organizer):
    login(client, "hanoi")
    body = client.get(MISSING).get_data(as_text=True)
    # Ba Đình and Sóc Sơn have their festival day; Hoàn Kiếm has none.
    assert _codes_listed(body) == ["00070"]


def test_a_commune_organizer_sees_its_residential_areas_by_default(client, world):
    login(client, "orga")
    body = client.get("/dashboard/festivals/missing?edition=2027").get_data(as_text=True)
    assert _codes_listed(body) == ["00376001", "00376002"]


def test_the_missing_page_runs_a_bounded_number_of_queries(client, world, province_organizer, add_hamlets):
    login(client, "orga")
    add_hamlets(60)
    client.get("/dashboard/festivals/missing?edition=2027")  # warm the session and caches
    with count_queries() as few:
        client.get("/dashboard/festivals/missing?edition=2027")
    add_hamlets(60)
    with count_queries() as many:
        body = client.get("/dashboard/festivals/missing?edition=2027&page=2").get_data(as_text=True)
    assert len(_codes_listed(body)) == 50
    assert len(many) == len(few)


def test_ticked_communes_get_one_festival_day_each(client, world):
    login(client, "orga")
    data = {"edition": "2027", "locality": "00376", "codes": ["00376001", "00376002"], "day": "15/08/2027",
            "start": "19:00", "end": "21:30"}  # fmt: skip
    before = _count()
    response = post_form(client, "/dashboard/festivals/missing/create", data, page="/dashboard/festivals/missing")
    assert response.status_code == 302
    assert _count() == before + 2
    assert "2 festival days created" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_ticking_is_all_or_nothing(client, world):
    login(client, "orga")
    page = "/dashboard/festivals/missing"
    base = {"edition": "2027", "locality": "00376", "day": "15/08/2027", "start": "19:00", "end": "21:30"}
    before = _count()
    for changes, message in [
        ({"codes": []}, "Tick at least one unit"),
        ({"codes": ["00376001", "00070"]}, "not directly below"),
        ({"codes": ["00376001"], "day": "15/10/2027"}, "inside the season"),
        ({"codes": ["00376001"], "end": "18:00"}, "must end after it starts"),
    ]:
        response = post_form(client, "/dashboard/festivals/missing/create", {**base, **changes}, page=page)
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    assert _count() == before


def _upload(client, text: str | bytes, locality: str = "01", name: str = "festivals.csv"):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    token = csrf_token(client, "/dashboard/festivals/missing")
    return client.post(
        "/dashboard/festivals/missing/import",
        data={"csrf_token": token, "edition": "2027", "locality": locality, "file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def test_a_csv_creates_festival_days(client, world, province_organizer, make):
    make.venue(world["tree"]["00070"], name="Nhà văn hoá phường")
    login(client, "hanoi")
    before = _count()
    text = (
        "\ufeffcode;date;start;end;venue\r\n"
        "00070;2027-08-16;7:30;11:00;nha van hoa phuong\r\n\r\n"
        "00376001;16/08/2027;14:00;16:00;\r\n"
    )
    response = _upload(client, text)
    assert response.status_code == 302
    assert _count() == before + 2
    festival = db.session.scalar(
        select(LocalityFestival).where(LocalityFestival.locality_id == world["tree"]["00070"].id)
    )
    assert festival.venue.name == "Nhà văn hoá phường"


def test_a_csv_with_bad_rows_saves_nothing_and_lists_every_bad_row(client, world, province_organizer):
    login(client, "hanoi")
    before = _count()
    text = "\n".join(
        [
            "code,date,start,end,venue",
            "00070,16/08/2027,07:30,11:00,",  # good
            "99999,16/08/2027,07:30,11:00,",  # unknown code
            "14758,16/08/2027,07:30,11:00,",  # Thanh Hoá: outside the scope
            "00376001,31/02/2027,07:30,11:00,",  # bad date
            "00376002,16/08/2027,7h3,11:00,",  # bad time
            "00376002,16/10/2027,07:30,11:00,",  # twice in the file (line 6 too, refused for its own reason)
            "00376,16/08/2027,07:30,11:00,",  # already has its festival day
            "00070,17/08/2027,07:30,11:00,",  # twice in the file
        ]
    )
    response = _upload(client, text)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    rows = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", body)
    lines = [int(n) for n, _reason in rows]
    assert lines == [3, 4, 5, 6, 7, 8, 9], rows
    reasons = dict((int(n), r) for n, r in rows)
    assert "No administrative unit has the code 99999" in reasons[3]
    assert "outside" in reasons[4]
    assert "Not a valid date" in reasons[5]
    assert "Not a valid time" in reasons[6]
    assert "on line 6 already" in reasons[7]
    assert "already has a festival day" in reasons[8]
    assert "on line 2 already" in reasons[9]
    assert _count() == before
    season = _upload(client, "00070,16/10/2027,07:30,11:00,")
    assert "inside the season" in season.get_data(as_text=True)
    venue = _upload(client, "00070,16/08/2027,07:30,11:00,Không có")
    assert "No venue called “Không có” in Phường Hoàn Kiếm" in venue.get_data(as_text=True)


def test_the_reasons_are_in_the_users_language(client, world, province_organizer):
    client.set_cookie("lang", "vi")
    login(client, "hanoi")
    body = _upload(client, "99999,16/08/2027,07:30,11:00,").get_data(as_text=True)
    assert "Không có đơn vị hành chính nào mang mã 99999" in body


def test_unreadable_or_too_large_files_are_refused(client, world, province_organizer):
    login(client, "hanoi")
    before = _count()
    assert "not UTF-8" in _upload(client, "00070,16/08/2027,07:30,11:00,Nhà".encode("cp1258")).get_data(as_text=True)
    big = _upload(client, "00070,16/08/2027,07:30,11:00,\n" * 80_000)
    assert big.status_code == 400 and "larger than" in big.get_data(as_text=True)
    assert "no rows" in _upload(client, "\n\n").get_data(as_text=True)
    assert _count() == before


def test_another_province_cannot_create_in_hanoi(client, world, foreign_organizer):
    login(client, "thanhhoa")
    assert client.get(MISSING).status_code == 403
    assert _upload(client, "00070,16/08/2027,07:30,11:00,").status_code == 403
    data = {"edition": "2027", "locality": "01", "codes": ["00070"], "day": "15/08/2027", "start": "19:00",
            "end": "21:30"}  # fmt: skip
    assert post_form(client, "/dashboard/festivals/missing/create", data, page="/dashboard").status_code == 403
