"""Import administrative units from CSV: validate everything first, then upsert by code in one transaction.

Format (the shared data's): code,parent_code,level,unit_type,name,full_name,name_en,full_name_en with level
one of province, commune, residential_area. Provinces hang under the nation root ("VN"), created on demand.
A bad row stops the import with its line and column, and nothing is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, text, update

from festival.core.cache import bump_data_version
from festival.core.errors import DomainError
from festival.core.text import nfc, search_key, sort_key
from festival.extensions import db
from festival.localities.models import LEVEL_DEPTH, NATION_CODE, Locality, LocalityLevel

REQUIRED_COLUMNS = ("code", "parent_code", "level", "unit_type", "name", "full_name")
OPTIONAL_COLUMNS = ("name_en", "full_name_en")
CODE_PATTERNS = {
    LocalityLevel.PROVINCE: re.compile(r"^\d{2}$"),
    LocalityLevel.COMMUNE: re.compile(r"^\d{5}$"),
    LocalityLevel.RESIDENTIAL_AREA: re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$"),
}
PARENT_LEVEL = {
    LocalityLevel.PROVINCE: LocalityLevel.NATION,
    LocalityLevel.COMMUNE: LocalityLevel.PROVINCE,
    LocalityLevel.RESIDENTIAL_AREA: LocalityLevel.COMMUNE,
}
LIMITS = {"unit_type": 40, "name": 200, "full_name": 255, "name_en": 200, "full_name_en": 255}
CHUNK = 2000
TEXT_FIELDS = ("unit_type", "name", "full_name", "name_en", "full_name_en")
# Derived from the names by core.text: compared too, so that a re-import repairs keys computed by an older rule.
DERIVED_FIELDS = ("search_name", "search_full", "sort_key")

Progress = Callable[[int], None]


class ImportFailed(DomainError):
    """A row is wrong: `line` is the 1-based line of the file, `column` the CSV column's name."""

    def __init__(self, line: int, column: str, reason):
        super().__init__(
            _l("Line %(line)s, column %(column)s: %(reason)s", line=line, column=column, reason=reason),
            "import_invalid_row",
            field=column,
        )
        self.line = line
        self.column = column
        self.reason = reason


@dataclass
class Row:
    line: int
    code: str
    parent_code: str
    level: LocalityLevel
    unit_type: str
    name: str
    full_name: str
    name_en: str = ""
    full_name_en: str = ""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def decode(data: bytes) -> str:
    """Strict UTF-8 (a BOM is dropped); a bad byte names its line and column.

    The BOM is cut off before decoding: the "utf-8-sig" codec reports error offsets relative to the text after
    the BOM, which would name the wrong column (or line) of the file.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = data.rfind(b"\n", 0, error.start) + 1
        line = data.count(b"\n", 0, error.start) + 1
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().split(",")
        index = data.count(b",", line_start, error.start)
        column = header[index] if index < len(header) else str(index + 1)
        raise ImportFailed(line, column, _l("the text is not valid UTF-8")) from None


def parse(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise ImportFailed(1, column, _l("this column is missing from the header"))
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record:
            raise ImportFailed(line, header[-1], _l("the row has more fields than the header"))
        values = {k: nfc(v) for k, v in record.items() if k}
        if not any(values.values()):
            continue
        for column in REQUIRED_COLUMNS:
            if record.get(column) is None:
                raise ImportFailed(line, column, _l("the row has fewer fields than the header"))
        row = _validate(line, values)
        if row.code in seen:
            raise ImportFailed(
                line,
                "code",
                _l("the code %(code)s is already on line %(first)s", code=row.code, first=seen[row.code]),
            )
        seen[row.code] = line
        rows.append(row)
    return rows


def _validate(line: int, values: dict[str, str]) -> Row:
    try:
        level = LocalityLevel(values["level"])
    except ValueError:
        level = None
    if level is None or level == LocalityLevel.NATION:
        raise ImportFailed(
            line,
            "level",
            _l("unknown level “%(level)s” (province, commune or residential_area)", level=values["level"]),
        )
    code = values["code"]
    if not CODE_PATTERNS[level].match(code):
        expected = {
            LocalityLevel.PROVINCE: _l("2 digits"),
            LocalityLevel.COMMUNE: _l("5 digits"),
            LocalityLevel.RESIDENTIAL_AREA: _l("up to 20 letters, digits, dots, dashes or underscores"),
        }[level]
        raise ImportFailed(line, "code", _l("the code “%(code)s” is not %(expected)s", code=code, expected=expected))
    parent_code = values["parent_code"]
    if level == LocalityLevel.PROVINCE and parent_code:
        raise ImportFailed(line, "parent_code", _l("a province has no parent code"))
    if level != LocalityLevel.PROVINCE and not parent_code:
        raise ImportFailed(line, "parent_code", _l("the parent code is required at this level"))
    for column in ("unit_type", "name", "full_name"):
        if not values[column]:
            raise ImportFailed(line, column, _l("this field is empty"))
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            raise ImportFailed(line, column, _l("longer than %(limit)s characters", limit=limit))
    return Row(
        line=line,
        code=code,
        parent_code=parent_code or NATION_CODE,
        level=level,
        unit_type=values["unit_type"],
        name=values["name"],
        full_name=values["full_name"],
        name_en=values.get("name_en", ""),
        full_name_en=values.get("full_name_en", ""),
    )


def _values(row: Row, parent_id: int, path: str) -> dict:
    return {
        "code": row.code,
        "parent_id": parent_id,
        "level": row.level.value,
        "depth": LEVEL_DEPTH[row.level],
        "unit_type": row.unit_type,
        "name": row.name,
        "full_name": row.full_name,
        "name_en": row.name_en,
        "full_name_en": row.full_name_en,
        "path": path,
        "search_name": search_key(row.name),
        "search_full": search_key(row.full_name),
        "sort_key": sort_key(row.name),
    }


def ensure_nation() -> Locality:
    root = db.session.scalar(select(Locality).where(Locality.code == NATION_CODE))
    if root is None:
        root = Locality(
            code=NATION_CODE,
            parent_id=None,
            level=LocalityLevel.NATION.value,
            depth=0,
            unit_type="Quốc gia",
            name="Việt Nam",
            full_name="Nước Cộng hòa xã hội chủ nghĩa Việt Nam",
            name_en="Vietnam",
            full_name_en="Socialist Republic of Vietnam",
            path=f"/{NATION_CODE}/",
            search_name=search_key("Việt Nam"),
            search_full=search_key("Cộng hòa xã hội chủ nghĩa Việt Nam"),
            sort_key=sort_key("Việt Nam"),
        )
        db.session.add(root)
        db.session.flush()
    return root


def import_rows(rows: list[Row], progress: Progress | None = None) -> ImportResult:
    """Upsert validated rows; the caller commits. Raises ImportFailed before writing anything."""
    progress = progress or (lambda _n: None)
    existing = {
        r.code: r
        for r in db.session.execute(
            select(
                Locality.id,
                Locality.code,
                Locality.level,
                Locality.parent_id,
                Locality.path,
                Locality.unit_type,
                Locality.name,
                Locality.full_name,
                Locality.name_en,
                Locality.full_name_en,
                Locality.search_name,
                Locality.search_full,
                Locality.sort_key,
            )
        )
    }
    in_file = {row.code: row for row in rows}
    # Every check first, so that a failure writes nothing.
    for row in rows:
        old = existing.get(row.code)
        if old is not None and old.level != row.level.value:
            raise ImportFailed(
                row.line,
                "level",
                _l(
                    "the unit %(code)s already exists at the level “%(level)s”",
                    code=row.code,
                    level=LocalityLevel(old.level).label,
                ),
            )
        if row.parent_code == NATION_CODE:
            continue
        parent = in_file.get(row.parent_code)
        parent_level = parent.level.value if parent else getattr(existing.get(row.parent_code), "level", None)
        if parent_level is None:
            raise ImportFailed(
                row.line, "parent_code", _l("the parent unit %(code)s does not exist", code=row.parent_code)
            )
        if parent_level != PARENT_LEVEL[row.level].value:
            raise ImportFailed(
                row.line,
                "parent_code",
                _l(
                    "the parent unit %(code)s is at the level “%(level)s”",
                    code=row.parent_code,
                    level=LocalityLevel(parent_level).label,
                ),
            )

    result = ImportResult()
    root = ensure_nation()
    ids = {code: r.id for code, r in existing.items()}
    paths = {code: r.path for code, r in existing.items()}
    ids[NATION_CODE], paths[NATION_CODE] = root.id, root.path
    # Units moved by this import: path before the import → new path. Their subtrees are rewritten at once, so a
    # descendant listed later in the file is compared with the path it has now, and is not itself a move.
    moves: dict[str, str] = {}
    for level in (LocalityLevel.PROVINCE, LocalityLevel.COMMUNE, LocalityLevel.RESIDENTIAL_AREA):
        batch = [row for row in rows if row.level == level]
        inserts, updates = [], []
        for row in batch:
            path = f"{paths[row.parent_code]}{row.code}/"
            values = _values(row, ids[row.parent_code], path)
            old = existing.get(row.code)
            if old is None:
                inserts.append(values)
                paths[row.code] = path
                continue
            current = _current_path(old.path, moves)
            if _changed(old, current, values):
                if current != path:
                    result.moved.append(row.code)
                    _move_subtree(current, path)
                    moves[old.path] = path
                updates.append({"id": old.id, **values})
            else:
                result.unchanged += 1
            paths[row.code] = path
        for start in range(0, len(inserts), CHUNK):
            chunk = inserts[start : start + CHUNK]
            db.session.execute(insert(Locality), chunk)
            progress(len(chunk))
        for start in range(0, len(updates), CHUNK):
            chunk = updates[start : start + CHUNK]
            db.session.execute(update(Locality), chunk)
            progress(len(chunk))
        progress(len(batch) - len(inserts) - len(updates))
        result.created += len(inserts)
        result.updated += len(updates)
        if inserts:
            new_codes = {v["code"] for v in inserts}
            for code, ident in db.session.execute(
                select(Locality.code, Locality.id).where(Locality.depth == LEVEL_DEPTH[level])
            ):
                if code in new_codes:
                    ids[code] = ident
    return result


def _current_path(path: str, moves: dict[str, str]) -> str:
    """The path a unit has now, after this import moved the deepest of its ancestors that moved."""
    codes = path.strip("/").split("/")
    for depth in range(len(codes) - 1, 0, -1):
        prefix = "/" + "/".join(codes[:depth]) + "/"
        if prefix in moves:
            return moves[prefix] + path[len(prefix) :]
    return path


def _changed(old, current_path: str, values: dict) -> bool:
    if old.parent_id != values["parent_id"] or current_path != values["path"]:
        return True
    return any(getattr(old, name) != values[name] for name in (*TEXT_FIELDS, *DERIVED_FIELDS))


def _move_subtree(old_path: str, new_path: str) -> None:
    """Rewrite the paths below a unit that moved to another parent (the unit itself is updated by the caller)."""
    from festival.localities.services import subtree_clause

    db.session.execute(
        update(Locality)
        .where(subtree_clause(Locality.path, old_path), Locality.path != old_path)
        .values(path=new_path + func.substr(Locality.path, len(old_path) + 1))
        .execution_options(synchronize_session=False)
    )


def apply(rows: list[Row], progress: Progress | None = None) -> ImportResult:
    """Upsert rows in one transaction: commit on success, roll back on any failure."""
    try:
        result = import_rows(rows, progress)
        if result.created or result.updated:
            bump_data_version()  # bulk statements skip the ORM's flush, which bumps it for single records
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if result.created or result.updated:
        # Fresh statistics, so that the planners pick the search indexes right after a large import.
        db.session.execute(text("ANALYZE localities"))
        db.session.commit()
    return result


def import_bytes(data: bytes, progress: Progress | None = None) -> ImportResult:
    """Decode, parse, validate and upsert a whole CSV file."""
    return apply(parse(decode(data)), progress)
