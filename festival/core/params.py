"""Parsing of ids, numbers and codes that come from URLs, query strings and forms.

Every value is checked against the range of the column it will be compared with *before* any query: a value
outside it (PostgreSQL's integer is 32-bit, SQLite's 64-bit) would otherwise fail inside the database driver.
"""

from __future__ import annotations

# The widest range every id column holds on both databases (PostgreSQL `integer`).
ID_MIN = 1
ID_MAX = 2**31 - 1
# PostgreSQL `smallint`, the type of edition years.
SMALLINT_MAX = 2**15 - 1


def parse_int(value, low: int, high: int) -> int | None:
    """`value` as an int in [low, high], else None (missing, not a whole number, or out of range)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        # int() accepts "1_000", "+5", " 7 " and non-ASCII digits ("١٢"): only plain ASCII digits are ids.
        if not text or len(text) > 20 or not (text.isascii() and text.lstrip("-").isdigit()):
            return None
        number = int(text)
    return number if low <= number <= high else None


def parse_id(value) -> int | None:
    """A database id (1 … 2³¹−1) or None."""
    return parse_int(value, ID_MIN, ID_MAX)
