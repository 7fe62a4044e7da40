"""What people type: unit types and their short forms, everyday names, diacritics; totals, pages, statement reuse."""

from __future__ import annotations

import pytest
from sqlalchemy import func, or_, select

from festival.core.errors import DomainError
from festival.core.text import search_key
from festival.extensions import db
from festival.localities import search as search_module
from festival.localities import services
from festival.localities.cli import builtin_units
from festival.localities.importer import import_bytes
from festival.localities.models import Locality, LocalityLevel
from festival.localities.search import (
    SEARCH_WINDOW,
    last_search_page,
    other_tone_style,
    parse_query,
    plan_search,
    search,
    search_page,
)
from tests.conftest import count_queries
from tests.localities.conftest import commune_rows, csv_bytes, unit


def codes(results) -> list[str]:
    return [loc.code for loc in results]


@pytest.fixture
def builtin(database):
    """The shipped list: 34 provinces and 3,321 communes, with their real names and codes."""
    import_bytes(builtin_units())


def every_result(query: str, **kw) -> list[Locality]:
    """Every result of a search, page after page (50 a page)."""
    first = search_page(query, 1, 50, **kw)
    results = list(first.items)
    for page in range(2, first.pages + 1):
        results += search_page(query, page, 50, **kw).items
    assert len(results) == first.total
    return results


# --- 1. unit types and everyday names at the start of a query ----------------------------------------------------


HO_CHI_MINH = [
    "HCM", "hcm", "tphcm", "TPHCM", "TpHCM", "tp.hcm", "TP.HCM", "TP. HCM", "tp hcm", "T.P HCM", "hcmc",
    "tp ho chi minh", "TP Hồ Chí Minh", "Thành phố Hồ Chí Minh", "thanh pho ho chi minh", "ho chi minh",
    "Sài Gòn", "sai gon", "saigon", "TP Sài Gòn",
]  # fmt: skip


def test_every_everyday_name_of_ho_chi_minh_city_finds_it_first(builtin):
    for query in HO_CHI_MINH:
        assert codes(search(query))[:1] == ["79"], query
    # "Sài Gòn" is also a ward of the city: found too, after the city.
    assert codes(search("sai gon")) == ["79", "26740"]


def test_ha_noi_with_its_unit_type_or_initials(builtin):
    for query in ["TP Hà Nội", "tp ha noi", "tp.hanoi", "Tp. Hà Nội", "HN", "hn", "thành phố hà nội"]:
        assert codes(search(query))[:1] == ["01"], query


def test_tp_alone_lists_the_cities(builtin):
    assert sorted(codes(search("TP"))) == ["01", "31", "46", "48", "75", "79", "92"]
    assert search_page("tp.").total == 7


UNIT_TYPE_QUERIES = [
    ("P. Ba Đình", ["00004"]),
    ("p.ba dinh", ["00004"]),
    ("p ba dinh", ["00004"]),
    ("Phường Ba Đình", ["00004"]),
    ("phuong ba dinh", ["00004"]),
    # Both communes of that name, the one spelled as typed first; then the ward of that name.
    ("X. Ba Đình", ["16171", "21499", "00004"]),
    ("xa ba dinh", ["16171", "21499", "00004"]),
    # Districts are gone since 2025: "quận"/"huyện" + a name finds the units of that name, wards before
    # communes only through the official code order.
    ("Q. Ba Đình", ["00004", "16171", "21499"]),
    ("quận ba đình", ["00004", "16171", "21499"]),
    ("H. Sóc Sơn", ["00376"]),
    ("huyen soc son", ["00376"]),
    ("TT. Sóc Sơn", ["00376"]),
    ("thị trấn sóc sơn", ["00376"]),
]


def test_unit_type_abbreviations_and_words(builtin):
    for query, first in UNIT_TYPE_QUERIES:
        assert codes(search(query))[: len(first)] == first, query


def test_a_unit_of_the_type_typed_comes_before_a_unit_of_another_type(builtin):
    results = codes(search("x. ba dinh"))
    assert results.index("21499") < results.index("00004")  # Xã Ba Dinh (xã, as typed) before Phường Ba Đình


def assert_plain_prefix_search(query: str) -> None:
    """The results are exactly the units whose name, full name or code starts with the query's key."""
    key = search_key(query)
    expected = set(
        db.session.scalars(
            select(Locality.code).where(
                or_(
                    func.substr(Locality.search_name, 1, len(key)) == key,
                    func.substr(Locality.search_full, 1, len(key)) == key,
                    func.substr(Locality.code, 1, len(key)) == key,
                )
            )
        )
    )
    found = codes(every_result(query))
    assert len(found) == len(set(found)), query  # nothing twice
    assert set(found) == expected, query


PLAIN_QUERIES = [
    "Xuân", "xuan", "x", "Phú", "phu", "p", "Tân", "tan", "Hà", "ha", "h", "Quảng", "quang", "quan", "t", "th",
    "thanh", "xa", "xã", "phuong", "tinh", "Đông", "Bà", "ba", "79", "0",
]  # fmt: skip


def test_names_that_start_like_an_abbreviation_are_a_plain_prefix_search(builtin):
    # "x" + "uân" is no abbreviation: one letter counts only before "." or a space; "tinh"/"xa" alone are words.
    for query in PLAIN_QUERIES:
        assert_plain_prefix_search(query)


def test_quang_ngai_is_not_quan_ngai(builtin):
    assert codes(search("quang ngai"))[:1] == ["51"]
    assert codes(search("Quảng Ngãi"))[:1] == ["51"]


def test_phuong_with_accents_is_a_name_not_the_unit_type(make):
    make.tree()
    import_bytes(
        csv_bytes(
            unit("00101", "01", "commune", "Phường", "Phương Liệt"), unit("00102", "01", "commune", "Xã", "Liệt Sơn")
        )
    )
    # Written "Phương" (not "Phường"), it is the start of a name: Liệt Sơn is not offered.
    assert codes(search("Phương Liệt")) == ["00101"]
    # Without accents it may be either: the name first, then the unit of another type named "Liệt...".
    assert codes(search("phuong liet")) == ["00101", "00102"]


def test_parse_query():
    assert parse_query("TP.HCM").unit_type.key == "thanhpho"
    assert parse_query("TP.HCM").rest_key == "hochiminh"
    assert parse_query("tphcm").rest_key == "hochiminh"
    assert parse_query("X. Ba Đình").rest == "Ba Đình"
    assert parse_query("Xuân Đỉnh").unit_type is None
    assert parse_query("x").unit_type is None
    assert parse_query("Phương Liệt").unit_type is None
    assert parse_query("phuong liet").unit_type.key == "phuong"
    assert parse_query("quang ngai").unit_type is None
    assert parse_query("phường").unit_type is None  # nothing after the word: a plain search
    assert parse_query("a" * 10_000).key == "a" * services.SEARCH_QUERY_MAX


# --- 2. ranking --------------------------------------------------------------------------------------------------


def test_ba_dinh_without_accents_gives_the_ward_of_ha_noi_first(builtin):
    # Same letters without accents: the official code order (Hà Nội's ward 00004 before the communes).
    assert codes(search("ba dinh"))[:3] == ["00004", "16171", "21499"]
    assert codes(search("Ba Dinh"))[:3] == ["00004", "16171", "21499"]


def test_ba_dinh_with_accents_puts_both_ba_dinh_before_ba_dinh_without(builtin):
    assert codes(search("ba đình"))[:3] == ["00004", "16171", "21499"]
    # With a prefix, the order shows it: every "Ba Đ..." (Ba Đình, Ba Đồn, Ba Động) before Ba Dinh.
    spelled = [loc.name.startswith("Ba Đ") for loc in search("ba đ", limit=50)]
    assert spelled == sorted(spelled, reverse=True) and spelled.count(True) >= 4, spelled
    assert codes(search("ba đ", limit=50)).index("21499") == spelled.count(True) + 1  # after Bà Điểm (badiem)
    # Without accents, in the order of the letters: Bà Điểm (badiem), then the three Ba Dinh/Đình (badinh) by code.
    assert codes(search("ba d"))[:4] == ["27592", "00004", "16171", "21499"]


def test_either_tone_style_counts_as_the_same_spelling(make):
    make.tree()
    import_bytes(csv_bytes(unit("00200", "01", "commune", "Xã", "Tuy Hoa")))
    assert codes(search("tuy hoa")) == ["00200", "22015"]  # no accents: code order
    assert codes(search("Tuy Hoà")) == ["22015", "00200"]  # as stored
    assert codes(search("Tuy Hòa")) == ["22015", "00200"]  # the other style
    assert other_tone_style("Thanh Hóa") == "Thanh Hoá"
    assert other_tone_style("thuỷ") == "thủy"
    assert other_tone_style("Quý") == "Quý"
    assert other_tone_style("hoàng") == "hoàng"


def test_higher_levels_still_come_first(builtin):
    results = search("ha", limit=50)
    depths = [loc.depth for loc in results]
    assert depths == sorted(depths)
    assert results[0].level == "province"


# --- 3. totals and pages -----------------------------------------------------------------------------------------


def test_a_search_has_a_total_and_pages(make):
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 120, start=101)))
    first = search_page("thu nghiem", 1, 50)
    assert (first.total, first.pages, len(first.items)) == (120, 3, 50)
    last = search_page("thu nghiem", 3, 50)
    assert len(last.items) == 20
    everything = codes(every_result("thu nghiem"))
    assert sorted(everything) == [f"01{n:03d}" for n in range(101, 221)]
    assert search_page("thu nghiem", 4, 50).items == []


@pytest.mark.parametrize("query", ["x. ba dinh", "ba đ", "ha", "h", "thanh", "d", "0", "phuong"])
def test_pages_are_one_list_cut_in_pieces(make, query):
    make.tree()
    import_bytes(
        csv_bytes(
            *commune_rows("01", 40, start=101),
            unit("00201", "38", "commune", "Xã", "Ba Dinh"),
            unit("00202", "38", "commune", "Xã", "Ba Đình"),
            unit("00203", "66", "commune", "Phường", "Hà Đông"),
            unit("00204", "66", "commune", "Xã", "Hạ Hoà"),
            unit("00205", "66", "commune", "Xã", "Đinh Lạc"),
            unit("00206", "66", "commune", "Xã", "Thanh Hà"),
        )
    )
    whole = codes(every_result(query))
    assert len(whole) == len(set(whole))
    # Three results a page: the same list, in the same order, whatever the page size.
    total = search_page(query, 1, 3).total
    assert total == len(whole)
    small = []
    for page in range(1, min(total, 60) // 3 + 2):
        small += codes(search_page(query, page, 3).items)
    assert small == whole[: len(small)]


def test_pages_follow_level_and_within(make):
    tree = make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 30)))
    in_ha_noi = search_page("xa", 1, 50, within=tree["01"])
    assert in_ha_noi.total == 31
    assert search_page("xa", 1, 50, within=tree["38"]).total == 0
    assert search_page("0", 1, 50, level=LocalityLevel.RESIDENTIAL_AREA).total == 2


def test_paging_stops_at_the_window():
    assert last_search_page(50) * 50 >= SEARCH_WINDOW
    with pytest.raises(DomainError) as error:
        search_page("a", last_search_page(50) + 1, 50)
    assert error.value.code == "page_out_of_window"


# --- 4. statements built once per shape --------------------------------------------------------------------------


def test_the_statement_is_built_once_per_shape(make):
    make.tree()
    search("ha noi")
    # Same shape (a plain name, no level, no subtree): the same statement object, other bound values.
    shape = plan_search("ha noi").shape
    assert plan_search("dak lak").shape == shape
    built = search_module._STATEMENTS[shape]
    assert codes(search("dak lak")) == ["66"]
    assert search_module._STATEMENTS[shape] is built
    # Other shapes: with diacritics, a unit type, a subtree, digits.
    shapes = {plan_search(q).shape for q in ("ha noi", "hà nội", "tp ha noi", "00376")}
    assert len(shapes) == 4


@pytest.mark.parametrize("query", ["ha", "Hà Nội", "tp.hcm", "00376", "x. ba đình"])
def test_a_search_with_its_total_is_one_statement(make, query):
    tree = make.tree()
    with count_queries() as statements:
        search_page(query, 2, 1, within=tree["01"])
    assert len(statements) == 1
