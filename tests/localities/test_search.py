"""Accent-insensitive prefix search over the locality tree, and proof that every search query is an index scan."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from festival.localities.importer import import_bytes
from festival.localities.models import Locality, LocalityLevel
from festival.localities.search import (
    count_statement,
    part_statement,
    plan_search,
    search,
    search_page,
    search_parameters,
)
from tests.localities.conftest import commune_rows, csv_bytes, explain, unit


def codes(results: list[Locality]) -> list[str]:
    return [loc.code for loc in results]


def assert_level_then_key_order(results: list[Locality]) -> None:
    """Levels from the top, and within a level the order of the keys (every result here matches one way)."""
    depths = [loc.depth for loc in results]
    assert depths == sorted(depths)
    for depth in set(depths):
        keys = [loc.search_name for loc in results if loc.depth == depth]
        assert keys == sorted(keys), depth


# --- what a search finds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["ha noi", "Hà Nội", "HÀ NỘI", "Hanoi", "hanoi", "  ha   noi ", "thanh pho ha noi"])
def test_ha_noi_is_found_first_however_it_is_typed(make, query):
    make.tree()
    results = search(query)
    assert results, query
    assert results[0].code == "01"
    assert results[0].full_name == "Thành phố Hà Nội"


@pytest.mark.parametrize("query", ["dak lak", "Đắk Lắk", "DAK-LAK", "daklak", "dak"])
def test_dak_lak_is_found_without_its_accents(make, query):
    make.tree()
    assert codes(search(query))[0] == "66"


def test_a_full_name_prefix_finds_the_unit(make):
    make.tree()
    assert codes(search("tinh thanh")) == ["38"]
    assert codes(search("Phường Hàm")) == ["14758"]
    assert codes(search("thon dong")) == ["00376001"]


def test_a_code_prefix_finds_units(make):
    make.tree()
    assert codes(search("0000")) == ["00004"]
    assert codes(search("00376")) == ["00376", "00376001", "00376002"]
    assert codes(search("14758")) == ["14758"]
    assert codes(search("01")) == ["01"]


def test_a_unit_matching_by_name_and_full_name_comes_once(make):
    make.tree()
    # A hamlet whose name is its full name matches "xom" both ways: listed once, and counted once.
    import_bytes(csv_bytes(unit("00376003", "00376", "residential_area", "Xóm", "Xóm Chùa", "Xóm Chùa")))
    assert codes(search("xom")) == ["00376003"]
    assert search_page("xom").total == 1


def test_name_matches_come_before_full_name_matches(make):
    make.tree()
    # "thanh": Thanh Hoá by its name, Hà Nội by its full name "Thành phố Hà Nội".
    assert codes(search("thanh")) == ["38", "01"]


def test_results_come_by_level_then_by_the_letters_without_accents(make):
    make.tree()
    import_bytes(
        csv_bytes(
            unit("00101", "01", "commune", "Xã", "Đông Anh"),
            unit("00102", "01", "commune", "Xã", "Dịch Vọng"),
            unit("00103", "01", "commune", "Phường", "Đa Phúc"),
            unit("00104", "01", "commune", "Xã", "Dương Nội"),
            unit("00105", "01", "commune", "Xã", "Đan Phượng"),
        )
    )
    # The province first, then the communes, then the hamlet; within a level in the order of the keys the search
    # compares (danphuong, daphuc, dichvong, donganh, duongnoi): the index's order, which every page of a long
    # list follows.
    assert [loc.name for loc in search("d")] == [
        "Đắk Lắk",
        "Đan Phượng",
        "Đa Phúc",
        "Dịch Vọng",
        "Đông Anh",
        "Dương Nội",
        "Đông",
    ]
    # With a diacritic in the query, the names spelled that way come first in each level.
    assert [loc.name for loc in search("đ")] == [
        "Đắk Lắk",
        "Đan Phượng",
        "Đa Phúc",
        "Đông Anh",
        "Dịch Vọng",
        "Dương Nội",
        "Đông",
    ]


def test_within_restricts_to_a_subtree(make):
    tree = make.tree()
    everywhere = search("phuong")
    assert set(codes(everywhere)) == {"00004", "00070", "14758", "22015"}
    assert codes(search("phuong", within=tree["01"])) == ["00004", "00070"]
    assert codes(search("phuong", within=tree["38"])) == ["14758"]
    assert codes(search("phuong", within=tree["00376"])) == []
    assert codes(search("thon", within=tree["00376"])) == ["00376001", "00376002"]
    # The unit itself is part of its subtree.
    assert codes(search("soc son", within=tree["00376"])) == ["00376"]
    assert codes(search("ha noi", within=tree["38"])) == []


def test_level_restricts_to_one_level(make):
    make.tree()
    assert codes(search("00376", level=LocalityLevel.RESIDENTIAL_AREA)) == ["00376001", "00376002"]
    assert codes(search("d", level=LocalityLevel.PROVINCE)) == ["66"]
    assert codes(search("ha", level=LocalityLevel.COMMUNE)) == ["14758"]


def test_limit_is_respected(make):
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 30)))
    results = search("xa", limit=7)
    assert len(results) == 7
    assert_level_then_key_order(results)
    assert codes(results) == codes(search("xa", limit=50))[:7]
    assert len(search("xa", limit=1)) == 1
    # The limit is clamped to 1..50.
    assert len(search("xa", limit=0)) == 1
    assert len(search("xa", limit=1000)) == 31  # every "Xã ..." commune: the 30 and Sóc Sơn


def test_limit_keeps_the_higher_levels(make):
    make.tree()
    # "d" matches one province, one hamlet; with a limit of 1 the province wins.
    assert codes(search("d", limit=1)) == ["66"]


@pytest.mark.parametrize("query", ["", "   ", "-", "?!"])
def test_an_empty_query_finds_nothing(make, query):
    make.tree()
    assert search(query) == []


def test_nothing_matches_an_unknown_name(make):
    make.tree()
    assert search("khong co") == []


# --- every per-level query is an index range scan ---------------------------------------------------------------


def level_statement(column=Locality.search_name, key: str = "hanoi", *, count: bool = False, spelled=None):
    """A part of the statement search() runs, for the communes' level (the largest level with a full tree), with
    its real bound values: the first 20 rows of the range, or (count=True) the count of the range."""
    plan = plan_search(key)
    index = next(
        i
        for i, part in enumerate(plan.shape.parts)
        if part.depth == LocalityLevel.COMMUNE.depth and part.column == column.key
    )
    stmt = count_statement(plan.shape, index) if count else part_statement(plan.shape, index, spelled)
    return stmt.params(search_parameters(plan, None, 0, 20))


INDEXES = {"search_name": "ix_localities_depth_search_name", "search_full": "ix_localities_depth_search_full"}


@pytest.mark.parametrize("column", ["search_name", "search_full"])
def test_sqlite_uses_the_depth_and_key_index(make, dialect, column):
    if dialect != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL has its own test")
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 200)))
    plan = explain(level_statement(getattr(Locality, column)), "EXPLAIN QUERY PLAN")
    expected = re.compile(rf"USING (COVERING )?INDEX {INDEXES[column]} \(depth=\? AND {column}>\? AND {column}<\?\)")
    assert any(expected.search(row) for row in plan), plan
    assert not any("SCAN localities" in row for row in plan), plan
    # The index gives the order too: no sort step.
    assert not any("TEMP B-TREE" in row for row in plan), plan


@pytest.mark.parametrize("column", ["search_name", "search_full"])
def test_postgresql_scans_the_index_for_the_prefix_range(make, database, dialect, column):
    if dialect != "postgresql":
        pytest.skip("EXPLAIN with enable_seqscan is PostgreSQL's; SQLite has its own test")
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 200)))
    database.session.execute(text("ANALYZE localities"))
    database.session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = explain(level_statement(getattr(Locality, column)), "EXPLAIN")
    joined = "\n".join(plan)
    # An index-only scan when the visibility map allows it: the index holds every column a part reads.
    assert re.search(rf"Index (Only )?Scan using {INDEXES[column]} on localities", joined), joined
    # The prefix range itself is an index condition, not a filter applied after reading the rows: the C collation
    # makes a binary range usable by the index.
    conditions = " ".join(row for row in plan if "Index Cond:" in row)
    for operator in (">=", "<"):
        assert re.search(rf"\(?{column}\)?(::text)? {operator} 'hano", conditions), joined
    assert not any("Filter:" in row and column in row for row in plan), joined
    assert not any("Sort" in row.split("(")[0] for row in plan), joined
    database.session.rollback()


def test_postgresql_cannot_use_the_index_under_a_locale_collation(make, database, dialect):
    """The counter-proof: compared under a locale collation the same range leaves the index condition."""
    if dialect != "postgresql":
        pytest.skip("collations are PostgreSQL's")
    make.tree()
    database.session.execute(text("SET LOCAL enable_seqscan = off"))
    column = Locality.search_name.collate("und-x-icu")
    depth = LocalityLevel.COMMUNE.depth
    stmt = select(Locality.id).where(Locality.depth == depth, column >= "hanoi", column < "hanoj").order_by(column)
    plan = explain(stmt, "EXPLAIN")
    conditions = " ".join(row for row in plan if "Index Cond:" in row)
    assert "depth" in conditions and "search_name" not in conditions, plan
    assert any("Filter:" in row and "search_name" in row for row in plan), plan
    database.session.rollback()


def test_search_is_one_statement(make, database):
    from tests.conftest import count_queries

    make.tree()
    with count_queries() as statements:
        assert [loc.code for loc in search("ha")][:1] == ["01"]
    # Every level and key column in one UNION ALL: one round trip, never one query per level or per row.
    assert len(statements) == 1
    with count_queries() as statements:
        assert [loc.code for loc in search("00376")][0] == "00376"
    assert len(statements) == 1


def test_code_search_uses_the_code_index(make, dialect):
    if dialect != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 200)))
    search_plan = plan_search("0037")
    assert search_plan.shape.parts[0].column == "code"
    stmt = part_statement(search_plan.shape, 0).params(search_parameters(search_plan, None, 0, 20))
    plan = explain(stmt, "EXPLAIN QUERY PLAN")
    # The unique constraint's index (SQLite names it sqlite_autoindex_localities_N).
    assert any(re.search(r"USING (COVERING )?INDEX \S+ \(code>\? AND code<\?\)", row) for row in plan), plan
    assert not any("TEMP B-TREE" in row for row in plan), plan


@pytest.mark.parametrize("column", ["search_name", "search_full"])
def test_sqlite_counts_from_the_index_alone(make, dialect, column):
    """The total: each part counted from its index alone, leaving out the earlier parts' rows (covering index)."""
    if dialect != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 200)))
    plan = explain(level_statement(getattr(Locality, column), "xa", count=True), "EXPLAIN QUERY PLAN")
    expected = re.compile(rf"USING COVERING INDEX {INDEXES[column]} \(depth=\? AND {column}>\? AND {column}<\?\)")
    assert any(expected.search(row) for row in plan), plan


def test_sqlite_a_query_with_diacritics_still_reads_one_index_range_in_order(make, dialect):
    if dialect != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's")
    make.tree()
    import_bytes(csv_bytes(*commune_rows("01", 200)))
    for spelled in (True, False):
        plan = explain(level_statement(Locality.search_name, "Hà Nội", spelled=spelled), "EXPLAIN QUERY PLAN")
        expected = re.compile(
            r"USING INDEX ix_localities_depth_search_name \(depth=\? AND search_name>\? AND search_name<\?\)"
        )
        assert any(expected.search(row) for row in plan), plan
        assert not any("TEMP B-TREE" in row for row in plan), plan
