"""Accent-insensitive search over the locality tree: unit types and everyday names understood, exact spellings
ranked first, totals and pages, one statement per search built once per shape.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from math import ceil

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from festival.core.errors import DomainError
from festival.core.pagination import Page
from festival.core.text import fold, nfc, prefix_upper_bound, search_key, sort_key
from festival.extensions import db
from festival.localities.models import LEVEL_DEPTH, Locality, LocalityLevel

# The most results one page of a search holds, and how far a search can be paged (the first SEARCH_WINDOW results:
# a page past it would make every part of the search read that many index entries; narrow the search instead).
SEARCH_LIMIT_MAX = 50
SEARCH_WINDOW = 10_000
# A query longer than this is cut: no unit's name comes near it, and it keeps the bound keys short.
SEARCH_QUERY_MAX = 200

# A query is planned as a list of parts, each one range of one index: the unit's code, or the folded key of its name
# (`search_name`, "badinh") or of its full name (`search_full`, "phuongbadinh") at one level. The parts are
# disjoint: each leaves out the rows of the parts before it at its level (the indexes carry the other key and the
# code for that), so the total is the sum of index-only range counts. The results are the parts one after the
# other, each in its index order (key, then official code), so a page is the first `offset + per_page` rows of each
# part merged: a few index entries per part, whatever the size of the tree, and one statement for the page and its
# total (one round trip). Statements are built once per shape (see `_statement`) with bound parameters.
#
# Order of the results:
# 1. a query of digits: the units whose code starts with it, in code order;
# 2. then level by level, provinces first, then communes, then residential areas;
# 3. within a level: units whose name starts with the query, then those whose full name does ("phuong" finds
#    "Phương Liệt" before every "Phường ..."), then units of another type named by the rest of a query that starts
#    with a unit type ("quận ba đình": Phường Ba Đình, the ward that followed the district);
# 4. within each of these, when the query has diacritics, the names written with exactly those diacritics first
#    ("ba đình": both Ba Đình before Ba Dinh; "Thanh Hóa" and "Thanh Hoá" count as the same spelling);
# 5. then by the name's letters without accents, as the search compares them;
# 6. units whose names read the same without accents follow the official code order (the order of the official
#    list: "ba dinh" gives Phường Ba Đình 00004 in Hà Nội, then Xã Ba Đình 16171, then Xã Ba Dinh 21499).


@dataclass(frozen=True)
class UnitType:
    """A type of unit a query may start with: its key (the start of `search_full`), words, and levels."""

    key: str
    words: tuple[str, ...]
    abbreviations: tuple[str, ...]
    depths: tuple[int, ...]


_PROVINCE, _COMMUNE = LEVEL_DEPTH[LocalityLevel.PROVINCE], LEVEL_DEPTH[LocalityLevel.COMMUNE]
# Those of the 2026 list, and the district-level ones people still write (their units became communes and wards).
UNIT_TYPES = (
    UnitType("thanhpho", ("thành phố",), ("tp", "t.p"), (_PROVINCE,)),
    UnitType("tinh", ("tỉnh",), (), (_PROVINCE,)),
    UnitType("phuong", ("phường",), ("p",), (_COMMUNE,)),
    UnitType("xa", ("xã",), ("x",), (_COMMUNE,)),
    UnitType("dackhu", ("đặc khu",), (), (_COMMUNE,)),
    UnitType("thitran", ("thị trấn",), ("tt",), (_COMMUNE,)),
    UnitType("thixa", ("thị xã",), ("tx",), (_COMMUNE,)),
    UnitType("quan", ("quận",), ("q",), (_COMMUNE,)),
    UnitType("huyen", ("huyện",), ("h",), (_COMMUNE,)),
)
# Everyday names of provinces, matched against the whole rest of the query (never as a prefix). No unit's name
# starts with these letters ("hcm", "hn"), so they take nothing away from a plain search.
ALIASES = {"hcm": "hochiminh", "hcmc": "hochiminh", "saigon": "hochiminh", "hn": "hanoi"}
ALIAS_DEPTH = _PROVINCE

_SEP = r"[\s.,:;/-]"


def _type_patterns() -> list[tuple[re.Pattern, UnitType, bool]]:
    patterns = []
    for unit_type in UNIT_TYPES:
        words = []
        for word in unit_type.words:
            # Written with its own accents, or with none at all: "Phương Liệt" is a name, not "Phường Liệt".
            words.append(re.escape(word))
            words.append(r"\s*".join(re.escape(part) for part in fold(word).split()))
        full = re.compile(rf"(?:{'|'.join(words)}){_SEP}+(?P<rest>\S.*)")
        patterns.append((full, unit_type, False))
        for abbreviation in unit_type.abbreviations:
            if len(abbreviation.replace(".", "")) == 1:
                # One letter counts only before "." or a space: "Xuân", "Phú", "Hà" are names.
                pattern = rf"{re.escape(abbreviation)}(?:\.{_SEP}*|{_SEP}+)(?P<rest>.*)"
            else:
                # No Vietnamese word starts with "tp", "tt" or "tx": "tphcm" is "tp hcm".
                pattern = rf"{re.escape(abbreviation)}\.?{_SEP}*(?P<rest>.*)"
            patterns.append((re.compile(pattern), unit_type, True))
    return patterns


_TYPE_PATTERNS = _type_patterns()
_SPACES_RE = re.compile(r"\s+")
_NOT_WORD_RE = re.compile(r"[^\w\s]+")


@dataclass(frozen=True)
class ParsedQuery:
    """What a search query says: its key, and the unit type it starts with, if any, and what follows that."""

    text: str
    key: str
    unit_type: UnitType | None = None
    abbreviated: bool = False
    rest: str = ""
    rest_key: str = ""

    @property
    def named(self) -> str:
        """The part of the query that names the unit: compared with names for diacritics."""
        return self.rest if self.unit_type is not None and self.rest else self.text


def parse_query(query: str | None) -> ParsedQuery:
    text = _SPACES_RE.sub(" ", nfc(query)[:SEARCH_QUERY_MAX]).strip()
    key = search_key(text)
    lowered = text.lower()
    for pattern, unit_type, abbreviated in _TYPE_PATTERNS:
        match = pattern.fullmatch(lowered)
        if match is None:
            continue
        rest = text[match.start("rest") :].strip()
        rest_key = search_key(rest)
        if rest_key or abbreviated:
            return ParsedQuery(text, key, unit_type, abbreviated, rest, ALIASES.get(rest_key, rest_key))
    return ParsedQuery(text, key)


def has_diacritics(text: str) -> bool:
    return any(ch in "đĐ" or unicodedata.normalize("NFD", ch) != ch for ch in text)


# Where the tone mark goes in "oa", "oe", "uy" ending a syllable: "hòa" (old style) or "hoà" (new style). Both are
# in use; a query in either style matches names in either.
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_TONE_PAIR_RE = re.compile(
    rf"([oO])([{_TONE_MARKS}]?)([aAeE])([{_TONE_MARKS}]?)(?!\w)"
    # "qu" is a consonant: "Quý" keeps its tone on the y.
    rf"|(?<![qQ])([uU])([{_TONE_MARKS}]?)([yY])([{_TONE_MARKS}]?)(?!\w)"
)


def _swap_tone(match: re.Match) -> str:
    groups = match.groups()
    first, tone1, second, tone2 = groups[0:4] if groups[0] is not None else groups[4:8]
    if bool(tone1) == bool(tone2):
        return match.group(0)
    return first + tone2 + second + tone1


def other_tone_style(text: str) -> str:
    """The same text with the tone of a final "oa", "oe", "uy" on the other vowel ("Hóa" ⇄ "Hoá")."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", _TONE_PAIR_RE.sub(_swap_tone, decomposed))


@dataclass(frozen=True)
class AccentKey:
    """A query's letters (with their marks) and tones as `core.text.sort_key` writes them, in both tone styles."""

    primary: str
    tones: str
    other_tones: str


def accent_key(text: str) -> AccentKey | None:
    """None when the text has no diacritics: then no spelling is preferred."""
    text = _SPACES_RE.sub(" ", _NOT_WORD_RE.sub(" ", text)).strip()
    if not text or not has_diacritics(text):
        return None
    primary, _, tones = sort_key(text).partition("\x01")
    other_tones = sort_key(other_tone_style(text)).partition("\x01")[2]
    return AccentKey(primary, tones, other_tones)


class _strpos(FunctionElement):
    """Where a string first occurs in another (1-based): instr() on SQLite, strpos() on PostgreSQL."""

    type = Integer()
    inherit_cache = True


@compiles(_strpos)
def _compile_instr(element, compiler, **kw):
    return f"instr({compiler.process(element.clauses, **kw)})"


@compiles(_strpos, "postgresql")
def _compile_strpos(element, compiler, **kw):
    return f"strpos({compiler.process(element.clauses, **kw)})"


_COLUMNS = {"code": Locality.code, "search_name": Locality.search_name, "search_full": Locality.search_full}
NAME, FULL, OTHER_TYPE = 0, 1, 2  # how a part matches: by name (or code), by full name, by name under another type


@dataclass(frozen=True)
class SearchPart:
    """One index range of a search: `column` starts with the part's key, at `depth` (None: the code, any level)."""

    depth: int | None
    column: str
    match: int


@dataclass(frozen=True)
class SearchShape:
    """What a search statement depends on, apart from its bound values: one statement is built per shape."""

    parts: tuple[SearchPart, ...]
    code_depth: int | None  # the level the code part keeps (the `level` asked for), if any
    within: bool
    accents: bool


@dataclass(frozen=True)
class SearchPlan:
    shape: SearchShape
    keys: tuple[str, ...]  # one per part
    accent: AccentKey | None


def plan_search(query: str, level: LocalityLevel | None = None, within: Locality | None = None) -> SearchPlan | None:
    """The parts of a search, in the order of the results; None when the query has nothing to search for."""
    parsed = parse_query(query)
    if not parsed.key:
        return None
    depths = [LEVEL_DEPTH[level]] if level else sorted(LEVEL_DEPTH.values())
    items: list[tuple[SearchPart, str]] = []
    if parsed.key.isdigit():
        items.append((SearchPart(None, "code", NAME), parsed.key))
    alias = ALIASES.get(parsed.key) if parsed.unit_type is None else None
    typed = parsed.unit_type
    for depth in depths:
        names = [parsed.key] + ([alias] if alias and depth == ALIAS_DEPTH else [])
        fulls = [parsed.key]
        others = []
        if typed is not None and depth in typed.depths:
            fulls.append(typed.key + parsed.rest_key)
            if parsed.rest_key:
                others.append(parsed.rest_key)
        seen = set()
        for match, column, keys in (
            (NAME, "search_name", names),
            (FULL, "search_full", fulls),
            (OTHER_TYPE, "search_name", others),
        ):
            for key in keys:
                if key and (column, key) not in seen:
                    seen.add((column, key))
                    items.append((SearchPart(depth, column, match), key))
    accent = accent_key(parsed.named)
    shape = SearchShape(
        parts=tuple(part for part, _key in items),
        code_depth=LEVEL_DEPTH[level] if level and parsed.key.isdigit() else None,
        within=within is not None,
        accents=accent is not None,
    )
    return SearchPlan(shape, tuple(key for _part, key in items), accent)


def _key_range(column, index: int) -> ColumnElement[bool]:
    return and_(column >= bindparam(f"low{index}"), column < bindparam(f"high{index}"))


def part_conditions(shape: SearchShape, index: int) -> list[ColumnElement[bool]]:
    """The rows of one part: its key range at its level, less the rows of the parts before it."""
    part = shape.parts[index]
    conditions = [_key_range(_COLUMNS[part.column], index)]
    if part.depth is not None:
        conditions.append(Locality.depth == part.depth)
    elif shape.code_depth is not None:
        conditions.append(Locality.depth == shape.code_depth)
    for earlier in range(index):
        other = shape.parts[earlier]
        if other.depth is None or other.depth == part.depth:
            conditions.append(not_(_key_range(_COLUMNS[other.column], earlier)))
    if shape.within:
        conditions.append(and_(Locality.path >= bindparam("path_low"), Locality.path < bindparam("path_high")))
    return conditions


def _accent_match() -> ColumnElement[bool]:
    """The unit's name starts with the query's letters and tones (sort_key: letters, "\\x01", one tone a letter)."""
    letters = func.substr(Locality.sort_key, 1, bindparam("accent_letters_length", type_=Integer))
    tones_start = _strpos(Locality.sort_key, bindparam("accent_separator")) + 1
    tones = func.substr(Locality.sort_key, tones_start, bindparam("accent_tones_length", type_=Integer))
    return and_(
        letters == bindparam("accent_letters"),
        or_(tones == bindparam("accent_tones"), tones == bindparam("accent_other_tones")),
    )


def part_statement(shape: SearchShape, index: int, spelled: bool | None = None) -> Select:
    """The first `window` rows of one part in index order (key, code); `spelled` keeps those (not) spelled as typed."""
    part = shape.parts[index]
    column = _COLUMNS[part.column]
    order = (column,) if part.column == "code" else (column, Locality.code)
    stmt = select(
        Locality.code.label("code"),
        literal(index, Integer).label("block"),
        literal(0 if spelled in (None, True) else 1, Integer).label("spelling"),
        column.label("key"),
    ).where(*part_conditions(shape, index))
    if spelled is not None:
        stmt = stmt.where(_accent_match() if spelled else not_(_accent_match()))
    return stmt.order_by(*order).limit(bindparam("window", type_=Integer))


def count_statement(shape: SearchShape, index: int) -> Select:
    return select(func.count()).select_from(Locality).where(*part_conditions(shape, index))


_STATEMENTS: dict[SearchShape, Select] = {}


def _statement(shape: SearchShape) -> Select:
    """The page and the total of a search of this shape, in one statement, built once and reused.

    Rows: (total, Locality) in result order; one row (total, None) when the page is empty.
    """
    stmt = _STATEMENTS.get(shape)
    if stmt is not None:
        return stmt
    fetches = []
    for index, part in enumerate(shape.parts):
        if shape.accents and part.column != "code":
            fetches += [part_statement(shape, index, True), part_statement(shape, index, False)]
        else:
            fetches.append(part_statement(shape, index))
    # SQLite wants each LIMITed member of a compound SELECT wrapped in a subquery.
    hits = union_all(*(select(fetch.subquery()) for fetch in fetches)).subquery("hits")
    order = (hits.c.block, hits.c.spelling, hits.c.key, hits.c.code)
    page = (
        select(hits)
        .order_by(*order)
        .limit(bindparam("per_page", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery("page")
    )
    counts = [count_statement(shape, index).scalar_subquery() for index in range(len(shape.parts))]
    total = counts[0]
    for count in counts[1:]:
        total = total + count
    totals = select(total.label("total")).subquery("totals")
    stmt = (
        select(totals.c.total, Locality)
        .select_from(totals)
        .outerjoin(page, true())
        .outerjoin(Locality, Locality.code == page.c.code)
        .order_by(page.c.block, page.c.spelling, page.c.key, page.c.code)
    )
    _STATEMENTS[shape] = stmt
    return stmt


def search_parameters(plan: SearchPlan, within: Locality | None, offset: int, per_page: int) -> dict:
    params: dict = {"window": offset + per_page, "offset": offset, "per_page": per_page}
    for index, key in enumerate(plan.keys):
        params[f"low{index}"] = key
        params[f"high{index}"] = prefix_upper_bound(key)
    if within is not None:
        params["path_low"] = within.path
        params["path_high"] = prefix_upper_bound(within.path)
    if plan.accent is not None:
        params.update(
            accent_letters=plan.accent.primary,
            accent_letters_length=len(plan.accent.primary),
            accent_separator="\x01",
            accent_tones=plan.accent.tones,
            accent_other_tones=plan.accent.other_tones,
            accent_tones_length=len(plan.accent.tones),
        )
    return params


@dataclass
class SearchPage(Page):
    """A page of search results. Only the first SEARCH_WINDOW results can be paged through."""

    @property
    def pages(self) -> int:
        return max(1, ceil(min(self.total, SEARCH_WINDOW) / self.per_page))

    @property
    def truncated(self) -> bool:
        return self.total > SEARCH_WINDOW


def parse_level(value: str | None) -> LocalityLevel | None:
    """A `level` argument: empty means every level; anything but a level's name is refused."""
    if not value:
        return None
    try:
        return LocalityLevel(value)
    except ValueError:
        raise DomainError(_l("Unknown level."), "invalid_level", field="level") from None


def last_search_page(per_page: int) -> int:
    return ceil(SEARCH_WINDOW / per_page)


def search_page(
    query: str,
    page: int = 1,
    per_page: int = 20,
    *,
    level: LocalityLevel | None = None,
    within: Locality | None = None,
) -> SearchPage:
    """One page of an accent-, case- and spacing-insensitive prefix search on name, full name and (digits) code,
    with the total; in one statement (see the comment above for the order of the results).

    A page past SEARCH_WINDOW results is refused (DomainError "page_out_of_window"): narrow the search instead.
    """
    per_page = max(1, min(per_page, SEARCH_LIMIT_MAX))
    page = max(1, page)
    if page > last_search_page(per_page):
        raise DomainError(
            _l("Only the first %(n)s results can be paged through: add to the search to narrow it.", n=SEARCH_WINDOW),
            "page_out_of_window",
            field="page",
        )
    plan = plan_search(query, level, within)
    if plan is None:
        return SearchPage(items=[], page=page, per_page=per_page, total=0)
    offset = (page - 1) * per_page
    rows = db.session.execute(_statement(plan.shape), search_parameters(plan, within, offset, per_page)).all()
    items = [locality for _total, locality in rows if locality is not None]
    return SearchPage(items=items, page=page, per_page=per_page, total=rows[0][0] if rows else 0)


def search(
    query: str,
    limit: int = 20,
    *,
    level: LocalityLevel | None = None,
    within: Locality | None = None,
) -> list[Locality]:
    """The first `limit` (1 to SEARCH_LIMIT_MAX) results of `search_page`."""
    return search_page(query, 1, max(1, min(limit, SEARCH_LIMIT_MAX)), level=level, within=within).items
