"""Vietnamese text rules (docs/domain.md, "Text"): NFC input, accent folding for search, collation for sorting.

Folding strips every combining mark and maps đ/Đ by hand (NFD does not decompose them), then lower-cases and
collapses white space, so "Hà Nội", "Ha Noi" and "  ha   NOI " all fold to "ha noi" and "Hòa"/"Hoà" fold equal.

Sorting uses a key over the Vietnamese alphabet (a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y),
letters first and tones second, with runs of digits compared as numbers ("Tổ 2" before "Tổ 10"). Tones follow
the order of Vietnamese dictionaries: ngang, huyền, hỏi, ngã, sắc, nặng (a à ả ã á ạ), the rule of Vietlex /
Vũ Xuân Lương's "Quy tắc sắp xếp đơn vị từ vựng trong từ điển tiếng Việt", which CLDR's Vietnamese collation
(ICU's "vi", PostgreSQL's "vi-VN-x-icu") also follows, so both databases agree with the server. The key is a
plain string whose code-point order is the collation order, so it can be stored in an indexed column and
sorted by SQLite and PostgreSQL (with the C collation) alike: Python has no ICU wheel and SQLite no ICU.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE_RE = re.compile(r"\s+")
_DIGITS_RE = re.compile(r"\d+")

# Marks that make a letter of its own in Vietnamese (ă â ê ô ơ ư): kept in the primary key.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
# Tone marks, in dictionary order after the level tone (ngang, no mark): huyền, hỏi, ngã, sắc, nặng, as in
# Vietnamese dictionaries and CLDR's "vi" tailoring (grave << hook above << tilde << acute << dot below).
# Sắc is not the second tone: "Phủ Lý" sorts before "Phú Lý".
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

_ALPHABET = [
    "a",
    "ă",
    "â",
    "b",
    "c",
    "d",
    "đ",
    "e",
    "ê",
    "f",
    "g",
    "h",
    "i",
    "j",
    "k",
    "l",
    "m",
    "n",
    "o",
    "ô",
    "ơ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "u",
    "ư",
    "v",
    "w",
    "x",
    "y",
    "z",
]
# Primary weights start after the digits' and punctuation's so that "1" < "a"; each maps to one character.
_LETTER_WEIGHT = {letter: chr(0x41 + i) for i, letter in enumerate(_ALPHABET)}


def nfc(value: str | None) -> str:
    """Normalise user input to NFC and trim it; None becomes ''."""
    if value is None:
        return ""
    return unicodedata.normalize("NFC", value).strip()


def has_control_characters(value: str) -> bool:
    """NUL, other control characters, unassigned or private code points: never part of a name."""
    return any(unicodedata.category(ch)[0] == "C" for ch in value)


def printable(value: str | None, limit: int) -> str:
    """Text fit to store or repeat in a message: printable characters only, at most `limit` of them."""
    return "".join(ch for ch in (value or "") if ch.isprintable())[:limit]


def fold(value: str | None) -> str:
    """Accent-insensitive, case-insensitive search form of a Vietnamese text."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACE_RE.sub(" ", stripped.lower()).strip()


def search_key(value: str | None) -> str:
    """Folded text without spaces or punctuation: "Hà Nội", "ha noi" and "Hanoi" all give "hanoi".

    Indexed prefix ranges over this key make accent-, case- and spacing-insensitive search one index scan.
    Letters outside a-z (rare in unit names) are kept as they are.
    """
    folded = fold(value)
    return "".join(ch for ch in folded if ch.isalnum())


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string that starts with prefix (binary order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _split_letter(ch: str) -> tuple[str, int]:
    """Return (base letter with its letter-forming mark, tone number) of one NFC character."""
    decomposed = unicodedata.normalize("NFD", ch)
    tone = 0
    kept = []
    for part in decomposed:
        if part in _TONES:
            tone = _TONES[part]
        elif unicodedata.combining(part) and part not in _LETTER_MARKS:
            continue
        else:
            kept.append(part)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def sort_key(value: str | None) -> str:
    """A string whose code-point order is Vietnamese collation order (letters, then tones)."""
    text = nfc(value).lower()
    text = _SPACE_RE.sub(" ", text)
    primary: list[str] = []
    tones: list[str] = []
    pos = 0
    for match in _DIGITS_RE.finditer(text):
        _append_letters(text[pos : match.start()], primary, tones)
        number = match.group().lstrip("0") or "0"
        # Length first, then the digits: numbers compare by value. "0" is 0x30 < letters at 0x41.
        primary.append(chr(0x30 + min(len(number), 9)) + number)
        pos = match.end()
    _append_letters(text[pos:], primary, tones)
    # "\x01" separates levels and sorts below every weight, so "An" < "Anh".
    return "".join(primary) + "\x01" + "".join(tones)


def _append_letters(chunk: str, primary: list[str], tones: list[str]) -> None:
    for ch in chunk:
        base, tone = _split_letter(ch)
        if base in _LETTER_WEIGHT:
            primary.append(_LETTER_WEIGHT[base])
            tones.append(chr(0x30 + tone))
        elif base == " ":
            primary.append("\x20")
        elif base.isalpha():
            # Letters outside the alphabet (foreign names) sort after z, by code point.
            primary.append("\x7f" + base)
            tones.append(chr(0x30 + tone))
        else:
            # Punctuation sorts before letters and digits.
            primary.append("\x21")


def vi_sorted(items, key=lambda item: item):
    """Sort items by Vietnamese collation of key(item)."""
    return sorted(items, key=lambda item: sort_key(key(item)))
