"""Accent-insensitive prefix search over the locality tree, and proof that every search query is an index scan."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from festival.core.text import search_key, vi_sorted
from festival.localities.importer import import_bytes
from festival.localities.models import Locality, LocalityLevel
from festival.localities.services import search, search_statement
from tests.localities.conftest import commune_rows, csv_bytes, explain, unit


def codes(results: list[Locality]) -> list[str]:
    return [loc.code for loc in results]


def assert_level_then_vietnamese_order(results: list[Locality]) -> None:
    depths = [loc.depth for loc in results]
    assert depths == sorted(depths)
    for depth in set(depths):
        names = [loc.name for loc in results if loc.depth == depth]
        assert names == vi_sorted(names), depth


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
    # "thanh": Thanh Hoá by its name, Hà Nội by its full name "Thành phố Hà Nội".
    results = search("thanh")
    assert codes(results) == ["01", "38"]  # Vietnamese order of the names: Hà Nội < Thanh Hoá


def test_results_come_by_level_then_in_vietnamese_order(make):
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
    results = search("d")
    # The province first, then the communes (all d before đ; binary order of the keys would be da, dan, dich,
    # dong, duong), then the hamlet.
    assert [loc.name for loc in results] == [
        "Đắk Lắk",
        "Dịch Vọng",
        "Dương Nội",
        "Đa Phúc",
        "Đan Phượng",
        "Đông Anh",
        "Đông",
    ]
    assert_level_then_vietnamese_order(results)


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
    assert_level_then_vietnamese_order(results)
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


def level_statement(column=Locality.search_name, key: str = "hanoi"):
    """The statement search() runs for the communes' level (the largest level with a full tree)."""
    return search_statement(LocalityLevel.COMMUNE.depth, column, search_key(key), 20)


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
    assert f"Index Scan using {INDEXES[column]} on localities" in joined, joined
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
    stmt = search_statement(LocalityLevel.COMMUNE.depth, column, "hanoi", 20)
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
    plan = explain(search_statement(None, Locality.code, "0037", 20), "EXPLAIN QUERY PLAN")
    # The unique constraint's index (SQLite names it sqlite_autoindex_localities_N).
    assert any(re.search(r"USING (COVERING )?INDEX \S+ \(code>\? AND code<\?\)", row) for row in plan), plan
    assert not any("TEMP B-TREE" in row for row in plan), plan
