"""What the route sweep sends and checks: hostile values, URL building, form discovery, database snapshots.

Nothing here lists the app's routes: they come from `app.url_map`, the query parameters from the sources
(every `request.args` name the code reads), the form fields from the forms the pages render. A route, parameter
or field added later is swept without anyone adding it here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from flask_babel import force_locale
from sqlalchemy import event, inspect, select, text
from sqlalchemy.engine import Engine

from festival.extensions import db

ROOT = Path(__file__).resolve().parents[2]

# Values nobody should send. Strings go into path parameters, query strings and form fields as they are
# (percent-encoded by the client); the raw entries below are sent undecoded.
HOSTILE: list[str] = [
    "\x00",
    "01\x00",
    "\x01\x02\x1b\x7f\x9f",
    "\u202e\u200b\ufeff",
    "x" * 10_000,
    "đ" * 5_000,
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "2147483648",
    "-2147483649",
    "32768",
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "0x7fffffff",
    "١٢٣",
    "1_000",
    "",
    " ",
    "' OR '1'='1",
    "1; DROP TABLE users; --",
    '"><script>alert(1)</script>',
    "{{ 7*7 }}",
    "{% print(1) %}",
    "${7*7}",
    "%(x)s%s%n",
    "../../../../etc/passwd",
    "//evil.example/",
    "\\\\evil.example",
    "https://evil.example/",
    "a" * 65,
    "31/02/2028",
    "2028-13-45",
]
# Percent-encodings a client may send that are not valid UTF-8 or not valid encodings at all; sent raw.
RAW_ENCODED = ["%", "%zz", "%E0%A4%A", "%ED%A0%80", "%C0%AF", "%FF%FE", "%00", "%2e%2e%2f"]
# The values most likely to break a parser or a column: used where the full list would cost too much.
SHARPEST = ["\x00", "x" * 10_000, "9223372036854775808", "2147483648", "32768", "-1", "' OR '1'='1", "{{ 7*7 }}"]
# Sent to each query parameter on its own (all of them at once get the whole list).
SHARPEST_ALONE = ["\x00", "9223372036854775808", "32768", "x" * 10_000]


def shortened(value: str) -> str:
    """Long values cut to 300 characters, for requests that put one value in every parameter at once."""
    return value[:300]


ARG_RE = re.compile(r"""request\.args(?:\.get|\.getlist)?\s*[(\[]\s*["'](\w+)["']""")
# Common parameters of list and search pages, sent to every route even where no code reads them yet.
COMMON_ARGS = {"page", "per_page", "limit", "q", "next", "lang", "edition", "year", "within", "locality", "level",
               "kind", "part", "from", "to", "updated_since", "parent", "sort", "format", "id", "code"}  # fmt: skip


def read_arg_names() -> list[str]:
    """Every query parameter the app's code reads (found in its sources)."""
    names: set[str] = set()
    for path in (ROOT / "festival").rglob("*.py"):
        names.update(ARG_RE.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def query_arg_names() -> list[str]:
    """The parameters the code reads, plus the common ones of list and search pages."""
    return sorted(set(read_arg_names()) | COMMON_ARGS)


RULE_PARAM_RE = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def fill_rule(rule, values: dict[str, str], raw: bool = False) -> str:
    """The rule's path with its parameters replaced, percent-encoded (raw: inserted as they are)."""
    return RULE_PARAM_RE.sub(lambda m: values[m.group(1)] if raw else quote(values[m.group(1)], safe=""), rule.rule)


def with_query(url: str, args: dict[str, str], raw: bool = False) -> str:
    if not args:
        return url
    query = "&".join(f"{k}={v}" for k, v in args.items()) if raw else urlencode(args)
    return f"{url}?{query}"


def existing_value(name: str, converter: str, samples: dict[str, str]) -> str:
    """A value of a path parameter that names an existing record, from the sample map or the database.

    An unknown `<int:thing_id>` takes the smallest id of the table whose name contains "thing", so that routes
    added later reach their views with a real record.
    """
    if name in samples:
        return samples[name]
    if converter == "IntegerConverter" or converter == "IdConverter" or name.endswith("_id"):
        stem = name.removesuffix("_id")
        for table in db.metadata.sorted_tables:
            if stem and stem in table.name and "id" in table.c:
                found = db.session.scalar(select(table.c.id).order_by(table.c.id).limit(1))
                if found is not None:
                    return str(found)
        return "1"
    return "01"


@dataclass
class FormSpec:
    """A POST form a page renders: its target and its fields with their current values."""

    action: str
    fields: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[FormSpec] = []
        self._form: FormSpec | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = FormSpec(action=attrs.get("action") or "")
            return
        if tag == "option" and self._form is not None and self._select:
            if "selected" in attrs or not self._form.fields.get(self._select):
                self._form.fields[self._select] = attrs.get("value") or ""
            return
        if self._form is None or not attrs.get("name"):
            return
        name = attrs["name"]
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                if kind == "submit" and attrs.get("value") is not None:
                    self._form.fields.setdefault(name, attrs["value"])
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form.fields[name] = attrs.get("value") or "on"
                else:
                    self._form.fields.setdefault(name, "")
                return
            self._form.fields[name] = attrs.get("value") or ""
        elif tag == "button" and attrs.get("value") is not None:
            self._form.fields.setdefault(name, attrs["value"])
        elif tag == "select":
            self._select = name
            self._form.fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            self._form.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            self._form.fields[self._textarea] += data


def post_forms(html: str) -> list[FormSpec]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_for(html: str, path: str) -> FormSpec | None:
    """The POST form of a page that targets `path` (an empty action targets the page itself)."""
    for form in post_forms(html):
        target = urlsplit(form.action).path if form.action else path
        if target == path:
            return form
    return None


VOLATILE_COLUMNS = {"last_seen_at", "last_login_at", "updated_at"}
# Written with "last seen" once a minute, and the sweep sends every request from a new address.
VOLATILE_TABLE_COLUMNS = {("user_sessions", "address")}


_STATEMENTS: dict[str, object] = {}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _table_digest(dialect: str, table, columns) -> str:
    """A scalar subquery folding a table's rows, in primary key order, into one text (its MD5 on PostgreSQL)."""
    names = [_quoted(c.name) for c in columns]
    order = ", ".join(_quoted(c.name) for c in (list(table.primary_key.columns) or columns))
    if dialect == "postgresql":
        return (
            f"(SELECT md5(coalesce(string_agg(ROW({', '.join(names)})::text, '|' ORDER BY {order}), '')) "
            f"FROM {_quoted(table.name)})"
        )
    row = " || ',' || ".join(f"quote({n})" for n in names)
    return f"(SELECT group_concat({row}, '|') FROM (SELECT * FROM {_quoted(table.name)} ORDER BY {order}))"


def _statement():
    """One SELECT of every table's digest (one round trip; the schema does not change during a run, so it is built
    once per database)."""
    key = str(db.engine.url)
    if key not in _STATEMENTS:
        names = set(inspect(db.engine).get_table_names())
        parts = []
        for table in db.metadata.sorted_tables:
            if table.name not in names:
                continue
            columns = [
                c
                for c in table.c
                if c.name not in VOLATILE_COLUMNS and (table.name, c.name) not in VOLATILE_TABLE_COLUMNS
            ]
            parts.append(_table_digest(db.engine.dialect.name, table, columns))
        _STATEMENTS[key] = text("SELECT " + ", ".join(parts))
    return _STATEMENTS[key]


_WRITES = {"count": 0}
_WRITING = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE", "WITH")


@event.listens_for(Engine, "before_cursor_execute")
def _count_writes(conn, cursor, statement, parameters, context, executemany) -> None:
    if statement.lstrip()[:8].upper().startswith(_WRITING):
        _WRITES["count"] += 1


def writes() -> int:
    """How many statements that may write the database have run so far (every engine of the process): while it
    stays the same, no table changed and a snapshot would be the same as the last one."""
    return _WRITES["count"]


def snapshot() -> str:
    """A digest of every row of every table (but columns that change on reading, such as "last seen")."""
    db.session.rollback()
    row = db.session.execute(_statement()).one()
    db.session.rollback()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()


def expected_title(app, status: int, lang: str) -> str:
    from festival.core.web import _messages

    with app.test_request_context("/"), force_locale(lang):
        return str(_messages(status)[0])


def lang_of(html: str) -> str | None:
    match = re.search(r'<html lang="([a-z]+)"', html)
    return match.group(1) if match else None
