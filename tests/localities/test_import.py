"""Importing administrative units from CSV: the shipped list, upserts by code, moves, bad files, the CLI."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

import pytest
from sqlalchemy import func, select, update

from festival.core.text import search_key, sort_key
from festival.extensions import db
from festival.localities.cli import builtin_units
from festival.localities.importer import ImportFailed, import_bytes
from festival.localities.models import NATION_CODE, Locality
from festival.localities.services import get_by_code, subtree_clause
from tests.factories import TREE_CSV
from tests.localities.conftest import HEADER, assert_tree_consistent, csv_bytes, snapshot, unit


def shipped_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(builtin_units().decode("utf-8"))))


def count(*where) -> int:
    return db.session.scalar(select(func.count()).select_from(Locality).where(*where))


def by_code(database) -> dict[str, Locality]:
    database.session.expire_all()
    return {loc.code: loc for loc in database.session.scalars(select(Locality))}


# --- the shipped list --------------------------------------------------------------------------------------------


def test_shipped_list_has_34_provinces_and_3321_communes():
    rows = shipped_rows()
    levels = [row["level"] for row in rows]
    assert (len(rows), levels.count("province"), levels.count("commune")) == (3355, 34, 3321)


def test_importing_the_shipped_list_builds_the_whole_tree(database):
    result = import_bytes(builtin_units())
    assert (result.created, result.updated, result.unchanged, result.moved) == (3355, 0, 0, [])
    assert count() == 3356  # the units and the nation root

    units = by_code(database)
    root = units.pop(NATION_CODE)
    assert (root.path, root.depth, root.level, root.parent_id) == ("/VN/", 0, "nation", None)
    rows = shipped_rows()
    assert set(units) == {row["code"] for row in rows}
    for row in rows:
        loc = units[row["code"]]
        parent = units[row["parent_code"]] if row["parent_code"] else root
        if row["level"] == "province":
            assert (loc.path, loc.depth) == (f"/VN/{row['code']}/", 1)
        else:
            assert (loc.path, loc.depth) == (f"/VN/{row['parent_code']}/{row['code']}/", 2)
        assert loc.parent_id == parent.id
        assert loc.level == row["level"]
        assert (loc.unit_type, loc.name, loc.full_name) == (row["unit_type"], row["name"], row["full_name"])
        assert (loc.name_en, loc.full_name_en) == (row["name_en"], row["full_name_en"])
        assert loc.search_name == search_key(row["name"])
        assert loc.search_full == search_key(row["full_name"])
        assert loc.sort_key == sort_key(row["name"])

    ba_dinh = get_by_code("00004")
    assert ba_dinh.path == "/VN/01/00004/"
    assert ba_dinh.ancestor_codes == ["VN", "01"]
    assert ba_dinh.parent.code == "01" and ba_dinh.parent.parent.code == NATION_CODE
    assert count(subtree_clause(Locality.path, "/VN/01/")) == 1 + sum(r["parent_code"] == "01" for r in rows)
    assert_tree_consistent()


def test_second_import_changes_nothing(database):
    import_bytes(builtin_units())
    before = snapshot()
    result = import_bytes(builtin_units())
    assert (result.created, result.updated, result.unchanged, result.moved) == (0, 0, 3355, [])
    assert snapshot() == before


def test_a_byte_order_mark_and_crlf_line_ends_are_accepted(database):
    data = "\ufeff".encode() + TREE_CSV.replace("\n", "\r\n").encode("utf-8")
    result = import_bytes(data)
    assert result.created == len(TREE_CSV.strip().splitlines()) - 1
    assert get_by_code("01").full_name == "Thành phố Hà Nội"
    assert_tree_consistent()


def test_input_is_normalised_to_nfc_and_trimmed(database):
    decomposed = unicodedata.normalize("NFD", "Hòa Bình")
    assert decomposed != "Hòa Bình"
    import_bytes(csv_bytes(unit(" 17 ", "", "province", "Tỉnh", decomposed, f" Tỉnh {decomposed} ")))
    loc = get_by_code("17")
    assert (loc.name, loc.full_name) == ("Hòa Bình", "Tỉnh Hòa Bình")
    assert unicodedata.is_normalized("NFC", loc.name) and unicodedata.is_normalized("NFC", loc.full_name)
    assert (loc.search_name, loc.sort_key) == ("hoabinh", sort_key("Hòa Bình"))


# --- upserts by code ---------------------------------------------------------------------------------------------


def test_a_renamed_unit_is_updated_in_place(make, database):
    tree = make.tree()
    old_id, old_path, old_updated_at = tree["00004"].id, tree["00004"].path, tree["00004"].updated_at
    before = snapshot_by_code()
    renamed_csv = TREE_CSV.replace(
        "00004,01,commune,Phường,Ba Đình,Phường Ba Đình,Ba Dinh,Ba Dinh Ward",
        "00004,01,commune,Phường,Ba Đình Mới,Phường Ba Đình Mới,Ba Dinh Moi,Ba Dinh Moi Ward",
    )
    assert renamed_csv != TREE_CSV

    result = import_bytes(renamed_csv.encode("utf-8"))
    total = len(TREE_CSV.strip().splitlines()) - 1
    assert (result.created, result.updated, result.unchanged, result.moved) == (0, 1, total - 1, [])
    renamed = by_code(database)["00004"]
    assert (renamed.id, renamed.path, renamed.code, renamed.parent_id) == (old_id, old_path, "00004", tree["01"].id)
    assert (renamed.name, renamed.full_name) == ("Ba Đình Mới", "Phường Ba Đình Mới")
    assert (renamed.name_en, renamed.full_name_en) == ("Ba Dinh Moi", "Ba Dinh Moi Ward")
    assert renamed.search_name == "badinhmoi" and renamed.search_full == "phuongbadinhmoi"
    assert renamed.sort_key == sort_key("Ba Đình Mới")
    assert renamed.updated_at > old_updated_at
    after = snapshot_by_code()
    assert {code for code in before if before[code] != after[code]} == {"00004"}
    assert set(after) == set(before)


def test_a_changed_unit_type_is_an_update(make, database):
    make.tree()
    result = import_bytes(csv_bytes(unit("00376", "01", "commune", "Phường", "Sóc Sơn", "Phường Sóc Sơn")))
    assert (result.created, result.updated) == (0, 1)
    loc = get_by_code("00376")
    assert (loc.unit_type, loc.full_name) == ("Phường", "Phường Sóc Sơn")


def test_stale_derived_keys_are_recomputed(make, database):
    """A re-import repairs search and sort keys computed by an older rule (e.g. a corrected tone order)."""
    make.tree()
    database.session.execute(
        update(Locality).where(Locality.code == "14758").values(sort_key="stale", search_name="stale")
    )
    database.session.commit()
    result = import_bytes(TREE_CSV.encode("utf-8"))
    assert (result.created, result.updated) == (0, 1)
    loc = by_code(database)["14758"]
    assert (loc.sort_key, loc.search_name) == (sort_key("Hàm Rồng"), "hamrong")


def snapshot_by_code() -> dict[str, tuple]:
    db.session.expire_all()
    return {row.code: tuple(row) for row in db.session.execute(select(Locality.__table__))}


def test_a_commune_moved_to_another_province_takes_its_subtree(make, database):
    tree = make.tree()
    hamlets = ["00376001", "00376002"]
    result = import_bytes(csv_bytes(unit("00376", "38", "commune", "Xã", "Sóc Sơn")))
    assert result.moved == ["00376"]
    assert result.updated == 1

    units = by_code(database)
    assert units["00376"].parent_id == tree["38"].id
    assert units["00376"].path == "/VN/38/00376/"
    for code in hamlets:
        assert units[code].path == f"/VN/38/00376/{code}/"
        assert units[code].parent_id == units["00376"].id  # the hamlets stay under their commune
        assert units[code].depth == 3
    # The old province's subtree lost the commune and its hamlets; the new one gained them.
    old_subtree = set(database.session.scalars(select(Locality.code).where(subtree_clause(Locality.path, "/VN/01/"))))
    new_subtree = set(database.session.scalars(select(Locality.code).where(subtree_clause(Locality.path, "/VN/38/"))))
    assert old_subtree == {"01", "00004", "00070"}
    assert new_subtree == {"38", "14758", "00376", *hamlets}
    assert_tree_consistent()


def test_a_move_with_its_residential_areas_in_the_same_file(make, database):
    make.tree()
    unchanged_hamlet = next(line for line in TREE_CSV.splitlines() if line.startswith("00376001,"))
    data = csv_bytes(
        unit("00376", "66", "commune", "Xã", "Sóc Sơn"),
        unit("00376003", "00376", "residential_area", "Thôn", "Bắc"),
    ) + (unchanged_hamlet + "\n").encode("utf-8")
    result = import_bytes(data)
    # Only the commune moved and changed; its hamlet listed as it was is unchanged, though its path followed.
    assert (result.created, result.updated, result.unchanged, result.moved) == (1, 1, 1, ["00376"])
    units = by_code(database)
    assert {units[c].path for c in ("00376001", "00376002", "00376003")} == {
        f"/VN/66/00376/{c}/" for c in ("00376001", "00376002", "00376003")
    }
    assert_tree_consistent()


def test_a_hamlet_moves_out_of_a_commune_that_moves_in_the_same_file(make, database):
    tree = make.tree()
    result = import_bytes(
        csv_bytes(
            unit("00376", "38", "commune", "Xã", "Sóc Sơn"),
            unit("00376002", "00004", "residential_area", "Thôn", "Tây"),
        )
    )
    assert result.moved == ["00376", "00376002"]
    units = by_code(database)
    assert units["00376001"].path == "/VN/38/00376/00376001/"
    assert units["00376002"].path == "/VN/01/00004/00376002/"
    assert units["00376002"].parent_id == tree["00004"].id
    assert_tree_consistent()


def test_a_move_back_restores_the_paths(make, database):
    make.tree()
    import_bytes(csv_bytes(unit("00376", "38", "commune", "Xã", "Sóc Sơn")))
    before_move = snapshot_paths()
    import_bytes(csv_bytes(unit("00376", "01", "commune", "Xã", "Sóc Sơn")))
    after = snapshot_paths()
    assert after["00376002"] == "/VN/01/00376/00376002/"
    assert {c: p for c, p in after.items() if not p.startswith("/VN/01/00376/")} == {
        c: p for c, p in before_move.items() if not p.startswith("/VN/38/00376/")
    }
    assert_tree_consistent()


def snapshot_paths() -> dict[str, str]:
    return dict(db.session.execute(select(Locality.code, Locality.path)).all())


def test_residential_areas_import_under_communes(make, database):
    tree = make.tree()
    result = import_bytes(
        csv_bytes(
            unit("00004001", "00004", "residential_area", "Tổ dân phố", "1"),
            unit("00004002", "00004", "residential_area", "Tổ dân phố", "2"),
            unit("14758-A", "14758", "residential_area", "Khu phố", "Hàm Rồng A"),
        )
    )
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    units = by_code(database)
    for code, parent in [("00004001", "00004"), ("00004002", "00004"), ("14758-A", "14758")]:
        loc = units[code]
        assert loc.level == "residential_area" and loc.depth == 3
        assert loc.parent_id == tree[parent].id
        assert loc.path == f"{tree[parent].path}{code}/"
    assert count(Locality.level == "residential_area") == 5
    assert_tree_consistent()


def test_a_new_province_and_its_communes_in_one_file(database):
    result = import_bytes(
        csv_bytes(
            # Children before their parent: the file's order does not matter.
            unit("02001", "02", "commune", "Xã", "Một"),
            unit("02", "", "province", "Tỉnh", "Thử"),
            unit("02001001", "02001", "residential_area", "Thôn", "Một"),
        )
    )
    assert result.created == 3
    assert get_by_code("02001001").path == "/VN/02/02001/02001001/"
    assert_tree_consistent()


def test_import_reports_progress_for_every_row(database):
    seen: list[int] = []
    result = import_bytes(TREE_CSV.encode("utf-8"), seen.append)
    assert sum(seen) == result.total == result.created
    seen.clear()
    result = import_bytes(TREE_CSV.encode("utf-8"), seen.append)
    assert sum(seen) == result.total == result.unchanged


# --- bad files: the line and the column, and nothing written ------------------------------------------------------

GOOD_ROW = unit("00376", "01", "commune", "Xã", "Sóc Sơn")
RENAME = unit("00070", "01", "commune", "Phường", "Hoàn Kiếm Đổi Tên")
NEW = unit("00005", "01", "commune", "Phường", "Mới")


def with_bad_row(bad: list[str], header: list[str] = HEADER) -> bytes:
    """Two valid changes (a rename and a new unit) on lines 2-3, then the bad row on line 4."""
    return csv_bytes(RENAME, NEW, bad, header=header)


BAD_FILES = {
    "missing column": (
        csv_bytes(GOOD_ROW[:5] + GOOD_ROW[6:], header=[h for h in HEADER if h != "full_name"]),
        1,
        "full_name",
    ),
    "duplicate code": (csv_bytes(RENAME, NEW, unit("00005", "01", "commune", "Xã", "Trùng")), 4, "code"),
    "parent does not exist": (with_bad_row(unit("00006", "99", "commune", "Xã", "Mồ Côi")), 4, "parent_code"),
    "parent at the wrong level": (with_bad_row(unit("00006", "00004", "commune", "Xã", "Lạc")), 4, "parent_code"),
    "province with a parent": (with_bad_row(unit("02", "01", "province", "Tỉnh", "Lạc")), 4, "parent_code"),
    "commune without a parent": (with_bad_row(unit("00006", "", "commune", "Xã", "Lạc")), 4, "parent_code"),
    "wrong level": (with_bad_row(unit("00006", "01", "district", "Huyện", "Cũ")), 4, "level"),
    "nation level": (with_bad_row(unit("VN2", "", "nation", "Quốc gia", "Khác")), 4, "level"),
    "province code of 1 digit": (with_bad_row(unit("2", "", "province", "Tỉnh", "Lạc")), 4, "code"),
    "commune code of 4 digits": (with_bad_row(unit("0006", "01", "commune", "Xã", "Lạc")), 4, "code"),
    "commune code with letters": (with_bad_row(unit("0000A", "01", "commune", "Xã", "Lạc")), 4, "code"),
    "residential code with a space": (
        with_bad_row(unit("00004 01", "00004", "residential_area", "Tổ", "1")),
        4,
        "code",
    ),
    "empty name": (with_bad_row(unit("00006", "01", "commune", "Xã", "", "Xã Không Tên")), 4, "name"),
    "blank name": (with_bad_row(unit("00006", "01", "commune", "Xã", "   ", "Xã Không Tên")), 4, "name"),
    "empty unit type": (with_bad_row(unit("00006", "01", "commune", "", "Lạc", "Lạc")), 4, "unit_type"),
    "name too long": (with_bad_row(unit("00006", "01", "commune", "Xã", "A" * 201)), 4, "name"),
    "extra fields": (with_bad_row([*unit("00006", "01", "commune", "Xã", "Thừa"), "thừa"]), 4, "full_name_en"),
    "missing fields": (with_bad_row(unit("00006", "01", "commune", "Xã", "Thiếu")[:5]), 4, "full_name"),
    "level change of an existing code": (
        with_bad_row(unit("00004", "00376", "residential_area", "Thôn", "Ba Đình")),
        4,
        "level",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_names_line_and_column_and_changes_nothing(make, database, case):
    data, line, column = BAD_FILES[case]
    make.tree()
    before = snapshot()
    with pytest.raises(ImportFailed) as info:
        import_bytes(data)
    error = info.value
    assert (error.line, error.column) == (line, column)
    assert error.code == "import_invalid_row" and error.field == column
    assert f"{line}" in str(error.message) and column in str(error.message)
    assert snapshot() == before


def test_a_duplicate_code_names_the_first_line(database):
    with pytest.raises(ImportFailed) as info:
        import_bytes(csv_bytes(NEW, RENAME, NEW))
    assert (info.value.line, info.value.column) == (4, "code")
    assert "00005" in str(info.value.message)
    assert re.search(r"\b2\b", str(info.value.reason))


@pytest.mark.parametrize("bad_line", [2, 3, 5])
def test_invalid_utf8_names_its_line_and_column(make, database, bad_line):
    make.tree()
    before = snapshot()
    lines = [",".join(HEADER)] + [
        ",".join(row) for row in (RENAME, NEW, GOOD_ROW, unit("00006", "01", "commune", "Xã", "Sáu"))
    ]
    encoded = [line.encode("utf-8") for line in lines]
    # A file saved as latin-1 on one line: "Hà Nam" with à as the single byte 0xE0.
    encoded[bad_line - 1] = ",".join(unit("00007", "01", "commune", "Xa", "Hà Nam")).encode("latin-1")
    data = b"\n".join(encoded) + b"\n"
    with pytest.raises(ImportFailed) as info:
        import_bytes(data)
    assert (info.value.line, info.value.column) == (bad_line, "name")
    assert "UTF-8" in str(info.value.message)
    assert snapshot() == before


def test_invalid_utf8_after_a_byte_order_mark_counts_lines_from_the_start(database):
    data = "\ufeff".encode() + csv_bytes(NEW) + ",".join(unit("00006", "01", "commune", "Xa", "Hà")).encode("latin-1")
    with pytest.raises(ImportFailed) as info:
        import_bytes(data)
    assert (info.value.line, info.value.column) == (3, "name")
    assert count() == 0


def test_an_empty_file_is_refused(database):
    with pytest.raises(ImportFailed) as info:
        import_bytes(b"")
    assert (info.value.line, info.value.column) == (1, "code")


def test_blank_lines_are_skipped(database):
    data = csv_bytes(unit("02", "", "province", "Tỉnh", "Thử")) + b"\n,,,,,,,\n\n"
    assert import_bytes(data).created == 1


# --- the command line --------------------------------------------------------------------------------------------


@pytest.fixture
def cli(app, database, monkeypatch):
    """The `flask` command line in English (the CLI's language is FESTIVAL_LANGUAGE, Vietnamese by default)."""
    monkeypatch.setitem(app.config, "CLI_LANGUAGE", "en")
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=list(args))

    return invoke


def test_cli_imports_a_file_and_prints_the_summary(cli, tmp_path, database):
    path = tmp_path / "units.csv"
    path.write_bytes(TREE_CSV.encode("utf-8"))
    total = len(TREE_CSV.strip().splitlines()) - 1
    result = cli("localities", "import", str(path))
    assert result.exit_code == 0, result.output
    assert f"{total} units: {total} created, 0 updated, 0 unchanged." in result.stdout
    assert count() == total + 1

    again = cli("localities", "import", str(path))
    assert again.exit_code == 0
    assert f"{total} units: 0 created, 0 updated, {total} unchanged." in again.stdout


def test_cli_with_a_bad_file_exits_1_and_changes_nothing(cli, tmp_path, make, database):
    make.tree()
    before = snapshot()
    path = tmp_path / "bad.csv"
    path.write_bytes(with_bad_row(unit("00006", "99", "commune", "Xã", "Mồ Côi")))
    result = cli("localities", "import", str(path))
    assert result.exit_code == 1
    assert "nothing was changed" in result.stderr
    assert "Line 4" in result.stderr and "parent_code" in result.stderr and "99" in result.stderr
    assert "created" not in result.stdout
    assert snapshot() == before


def test_cli_imports_the_shipped_list(cli, database):
    result = cli("localities", "import", "--builtin")
    assert result.exit_code == 0, result.output
    assert "3355 units: 3355 created, 0 updated, 0 unchanged." in result.stdout
    assert count() == 3356
    assert_tree_consistent()


def test_cli_wants_a_file_or_builtin(cli, tmp_path, database):
    path = tmp_path / "units.csv"
    path.write_bytes(TREE_CSV.encode("utf-8"))
    for args in ([], ["--builtin", str(path)]):
        result = cli("localities", "import", *args)
        assert result.exit_code == 2
        assert "--builtin" in result.output
    assert count() == 0


def test_cli_generates_importable_residential_areas(cli, tmp_path, database):
    path = tmp_path / "residential.csv"
    result = cli("localities", "generate-residential", "--count", "500", "-o", str(path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 500
    assert {row["level"] for row in rows} == {"residential_area"}
    assert len({row["code"] for row in rows}) == 500

    assert cli("localities", "import", "--builtin").exit_code == 0
    imported = cli("localities", "import", str(path))
    assert imported.exit_code == 0, imported.output
    assert "500 units: 500 created, 0 updated, 0 unchanged." in imported.stdout
    assert count(Locality.level == "residential_area") == 500
    communes = {row["code"] for row in shipped_rows() if row["level"] == "commune"}
    assert {row["parent_code"] for row in rows} <= communes
    assert_tree_consistent()


def test_cli_generation_is_reproducible_by_seed(cli, tmp_path):
    outputs = []
    for name, seed in [("a.csv", "7"), ("b.csv", "7"), ("c.csv", "8")]:
        assert (
            cli(
                "localities", "generate-residential", "--count", "50", "--seed", seed, "-o", str(tmp_path / name)
            ).exit_code
            == 0
        )
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]
