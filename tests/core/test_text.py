"""Vietnamese text rules: NFC, folding for search, search keys and the Vietnamese collation key.

The collation is checked against the Vietnamese dictionary rules (alphabet a ă â b c d đ e ê ... with ă â đ ê ô
ơ ư as letters of their own; letters first, tones second in the order ngang, huyền, hỏi, ngã, sắc, nặng) and,
on PostgreSQL, against ICU's Vietnamese collation over the whole shipped list of units.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import unicodedata

import pytest
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.types import Text

from festival.core.text import fold, nfc, prefix_upper_bound, search_key, sort_key, vi_sorted
from festival.extensions import db
from festival.localities.cli import builtin_units
from festival.localities.generator import communes_from_csv, generate
from tests.conftest import require

# The order PostgreSQL's "vi-VN-x-icu" gives on this machine, and the one Vietnamese readers expect
# (docs/domain.md, "Text").
REFERENCE_ORDER = ["An", "Anh", "Ăn", "Ân", "Dung", "Đức", "Oanh", "Ông", "Ơn", "Uyên", "Ưng"]
# Vietnamese dictionaries order the tones ngang, huyền, hỏi, ngã, sắc, nặng (Vietlex, "Quy tắc sắp xếp đơn vị
# từ vựng trong từ điển tiếng Việt"); CLDR's Vietnamese tailoring, and so ICU and PostgreSQL, agree.
TONE_ORDER = ["a", "à", "ả", "ã", "á", "ạ"]


def nfd(value: str) -> str:
    return unicodedata.normalize("NFD", value)


def shuffled(items: list[str], seed: int) -> list[str]:
    copy = list(items)
    random.Random(seed).shuffle(copy)
    return copy


# --- nfc ---------------------------------------------------------------------------------------------------------


def test_nfc_composes_decomposed_input_and_trims():
    decomposed = nfd("  Nguyễn Văn Ánh\t")
    assert decomposed != "  Nguyễn Văn Ánh\t"  # the input really is decomposed
    result = nfc(decomposed)
    assert result == "Nguyễn Văn Ánh"
    assert unicodedata.is_normalized("NFC", result)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_nfc_of_nothing_is_empty(value):
    assert nfc(value) == ""


def test_nfc_keeps_the_full_name_as_one_field():
    assert nfc("Nguyễn Văn An") == "Nguyễn Văn An"


# --- fold --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Hà Nội", "Ha Noi", "  ha   NOI ", "HÀ NỘI", "hà\tnội", nfd("Hà Nội")])
def test_fold_ignores_accents_case_and_spacing(value):
    assert fold(value) == "ha noi"


def test_fold_hoa_spelled_both_ways_and_in_both_normal_forms():
    old_style = "Hòa"  # tone on the o
    new_style = "Hoà"  # tone on the a
    assert old_style != new_style
    forms = [old_style, new_style, nfd(old_style), nfd(new_style)]
    assert {fold(form) for form in forms} == {"hoa"}


@pytest.mark.parametrize(
    ("value", "expected"), [("đ", "d"), ("Đ", "d"), ("Đắk Lắk", "dak lak"), ("Đồng Đăng", "dong dang")]
)
def test_fold_maps_d_with_stroke_by_hand(value, expected):
    # NFD does not decompose đ/Đ: without the hand mapping they would stay.
    assert unicodedata.normalize("NFD", "đ") == "đ"
    assert fold(value) == expected


def test_fold_strips_every_vietnamese_mark():
    letters = "ăâêôơư" + "àảãáạ" + "ằẳẵắặ" + "ầẩẫấậ" + "ềểễếệ" + "ồổỗốộ" + "ờởỡớợ" + "ừửữứự" + "ỳỷỹýỵ"
    assert fold(letters) == "aaeoou" + "a" * 15 + "e" * 5 + "o" * 10 + "u" * 5 + "y" * 5


@pytest.mark.parametrize("value", [None, ""])
def test_fold_of_nothing_is_empty(value):
    assert fold(value) == ""


# --- search_key --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["Hanoi", "ha noi", "Hà Nội", "HÀ NỘI", " Hà-Nội ", nfd("Hà Nội")])
def test_search_key_ignores_accents_case_spaces_and_punctuation(value):
    assert search_key(value) == "hanoi"


def test_search_key_of_a_full_name_and_of_numbers():
    assert search_key("Thành phố Hà Nội") == "thanhphohanoi"
    assert search_key("Tổ dân phố 10") == "todanpho10"
    assert search_key("Đắk Lắk") == "daklak"


@pytest.mark.parametrize("value", [None, "", "   ", "—!?"])
def test_search_key_of_no_letters_is_empty(value):
    assert search_key(value) == ""


def test_prefix_upper_bound_closes_the_prefix_range():
    bound = prefix_upper_bound("hanoi")
    inside = ["hanoi", "hanoia", "hanoiz", "hanoi" + "\uffff"]
    outside = ["hano", "hanoj", "hanp", "hao"]
    assert all("hanoi" <= word < bound for word in inside)
    assert not any("hanoi" <= word < bound for word in outside)


# --- sort_key ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_sort_key_follows_the_vietnamese_alphabet(seed):
    assert vi_sorted(shuffled(REFERENCE_ORDER, seed)) == REFERENCE_ORDER


def test_sort_key_is_not_code_point_order():
    # By code point Ă, Ân, Đ, Ô, Ơ, Ư come after every ASCII letter: the list would be scrambled.
    assert sorted(REFERENCE_ORDER) != REFERENCE_ORDER
    keys = [sort_key(name) for name in REFERENCE_ORDER]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_each_special_letter_sorts_after_its_base_letter_and_before_the_next():
    for before, letter, after in [
        ("az", "ă", "b"),
        ("ăz", "â", "b"),
        ("dz", "đ", "e"),
        ("ez", "ê", "f"),
        ("oz", "ô", "p"),
        ("ôz", "ơ", "p"),
        ("uz", "ư", "v"),
    ]:
        assert sort_key(before) < sort_key(letter) < sort_key(after), letter


@pytest.mark.parametrize("seed", range(5))
def test_tones_sort_ngang_huyen_hoi_nga_sac_nang(seed):
    assert vi_sorted(shuffled(TONE_ORDER, seed)) == TONE_ORDER
    syllables = ["ma", "mà", "mả", "mã", "má", "mạ"]
    assert vi_sorted(shuffled(syllables, seed)) == syllables


def test_tones_order_every_vowel_the_same_way():
    for vowel in "aăâeêioôơuưy":
        forms = [
            unicodedata.normalize("NFC", vowel + mark)
            for mark in ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]
        ]
        assert [sort_key(form) for form in forms] == sorted(sort_key(form) for form in forms), vowel


def test_letters_decide_before_tones():
    # Tones are compared only between names whose letters are equal: "Hạ Long" < "Hà Nam" < "Hà Nội" though
    # nặng is the last tone; "ác" < "ách" whatever their tones (a shorter word first).
    assert vi_sorted(["Hà Nội", "Hà Nam", "Hạ Long"]) == ["Hạ Long", "Hà Nam", "Hà Nội"]
    assert vi_sorted(["ách", "ạc", "ác"]) == ["ác", "ạc", "ách"]
    assert vi_sorted(["Phú Lý", "Phủ Lý", "Phu Ly"]) == ["Phu Ly", "Phủ Lý", "Phú Lý"]


def test_shorter_words_and_word_breaks_sort_first():
    assert vi_sorted(["Anh", "An Bình", "An"]) == ["An", "An Bình", "Anh"]


def test_digits_compare_as_numbers():
    names = ["Tổ 2", "Tổ 10", "Tổ 1", "Tổ 11", "Tổ 100", "Tổ 9"]
    assert vi_sorted(names) == ["Tổ 1", "Tổ 2", "Tổ 9", "Tổ 10", "Tổ 11", "Tổ 100"]
    assert sort_key("Tổ 2") < sort_key("Tổ 10")
    assert sort_key("Tổ 007") == sort_key("Tổ 7")


def test_digits_sort_before_letters():
    assert vi_sorted(["An", "12", "2", "Ấp 3"]) == ["2", "12", "An", "Ấp 3"]


def test_sort_key_ignores_case_and_normal_form():
    assert sort_key("ĐỨC") == sort_key("đức") == sort_key(nfd("Đức"))
    assert sort_key("  Hà   Nội ") == sort_key("Hà Nội")


def test_foreign_letters_sort_with_their_base_letter_or_after_the_alphabet():
    # A Latin letter with a foreign mark sorts with its base letter (the mark counts like a tone); a letter that
    # does not decompose (ø, æ) sorts after z.
    assert vi_sorted(["Oanh", "Ñam", "Nam", "Mai"]) == ["Mai", "Nam", "Ñam", "Oanh"]
    assert vi_sorted(["Øst", "Zê", "Yên", "Ơn"]) == ["Ơn", "Yên", "Zê", "Øst"]


def test_vi_sorted_sorts_objects_by_a_key():
    rows = [{"code": code, "name": name} for code, name in zip(itertools.count(), reversed(REFERENCE_ORDER))]
    assert [row["name"] for row in vi_sorted(rows, key=lambda row: row["name"])] == REFERENCE_ORDER


# --- cross-check with PostgreSQL's ICU collation ----------------------------------------------------------------


def shipped_names() -> dict[str, list[str]]:
    rows = list(csv.DictReader(io.StringIO(builtin_units().decode("utf-8"))))
    return {
        "names": sorted({row["name"] for row in rows}),
        "full names": sorted({row["full_name"] for row in rows}),
    }


ICU_VI = '"vi-VN-x-icu"'


def icu_sorted(names: list[str], collation: str = ICU_VI) -> list[str]:
    """`names` in the order PostgreSQL gives with `collation` (an SQL collation name, quoted if need be)."""
    stmt = text(f"SELECT x FROM unnest(:names) AS t(x) ORDER BY x COLLATE {collation}").bindparams(
        bindparam("names", type_=ARRAY(Text))
    )
    return list(db.session.scalars(stmt, {"names": names}))


@pytest.fixture
def icu(database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("ICU collations are a PostgreSQL feature; SQLite sorts by the stored key")
    found = database.session.scalar(text("SELECT count(*) FROM pg_collation WHERE collname = 'vi-VN-x-icu'"))
    require(bool(found), 'this PostgreSQL has no "vi-VN-x-icu" collation (built without ICU)')
    yield database
    database.session.rollback()


def test_design_list_sorts_as_postgresql_icu(icu):
    for seed in range(3):
        names = shuffled(REFERENCE_ORDER, seed)
        assert icu_sorted(names) == vi_sorted(names) == REFERENCE_ORDER


def test_tone_order_sorts_as_postgresql_icu(icu):
    names = shuffled(TONE_ORDER + ["ma", "mà", "mả", "mã", "má", "mạ", "Phú Lý", "Phủ Lý"], 1)
    assert icu_sorted(names) == vi_sorted(names)


@pytest.mark.parametrize("field", ["names", "full names"])
def test_every_shipped_unit_sorts_as_postgresql_icu(icu, field):
    # The whole list (3,355 units): letters, special letters and all six tones in real names. This is how the
    # tone order was settled: ICU put "Phủ Lý" before "Phú Lý", as Vietnamese dictionaries do.
    names = shuffled(shipped_names()[field], 7)
    assert len(names) > 2500
    assert icu_sorted(names) == vi_sorted(names)


def test_numbers_sort_as_icu_with_numeric_ordering(icu):
    # ICU's default compares digits one by one ("Tổ 10" < "Tổ 2"); we compare numbers, which is ICU's numeric
    # option (-u-kn). Synthetic residential names have numbers and Vietnamese words.
    icu.session.execute(text("CREATE COLLATION pg_temp.vi_numeric (provider = icu, locale = 'vi-VN-u-kn')"))
    communes = communes_from_csv(builtin_units().decode("utf-8"))
    generated = sorted({row[5] for row in generate(communes, 5000, seed=11)})
    names = shuffled(generated + [f"Tổ {n}" for n in (1, 2, 9, 10, 11, 20, 100)], 3)
    assert any(ch.isdigit() for name in names for ch in name)
    assert icu_sorted(names, "pg_temp.vi_numeric") == vi_sorted(names)
