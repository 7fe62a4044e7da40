"""Realistic synthetic residential areas (thôn, ấp, bản, tổ dân phố) for demos and benchmarks.

No public list of the ~100,000 residential areas exists (shared/data/README.md); these follow the naming
customs of each region and the CSV shape of the import, with codes = commune code + a running number.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from festival.core.text import fold

HEADER = ["code", "parent_code", "level", "unit_type", "name", "full_name", "name_en", "full_name_en"]
# Northern mountain provinces name their hamlets "bản"; the Mekong delta and the south-east "ấp".
MOUNTAIN_PROVINCES = {"04", "08", "11", "12", "14", "15", "20"}
SOUTHERN_PROVINCES = {"79", "80", "82", "86", "91", "92", "96"}
HAMLET_WORDS = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Thượng",
    "Hạ",
    "An",
    "Phú",
    "Hòa",
    "Bình",
    "Tân",
    "Mỹ",
    "Lộc",
    "Phúc",
    "Thịnh",
    "Hưng",
    "Long",
    "Xuân",
    "Thanh",
    "Quang",
    "Đồng",
    "Cầu",
    "Chợ",
    "Bến",
    "Gò",
    "Đình",
    "Văn",
    "Nghĩa",
    "Lợi",
    "Thành",
    "Đức",
    "Yên",
    "Vĩnh",
    "Hải",
    "Sơn",
    "Lạc",
    "Khánh",
    "Định",
    "Minh",
]
EN_TYPES = {"Thôn": "Hamlet", "Bản": "Village", "Ấp": "Hamlet", "Tổ dân phố": "Residential Group"}


@dataclass(frozen=True)
class Commune:
    code: str
    province_code: str
    unit_type: str


def communes_from_csv(text: str) -> list[Commune]:
    reader = csv.DictReader(io.StringIO(text))
    return [Commune(r["code"], r["parent_code"], r["unit_type"]) for r in reader if r["level"] == "commune"]


def _unit_type(commune: Commune) -> str:
    if commune.unit_type == "Phường":
        return "Tổ dân phố"
    if commune.province_code in MOUNTAIN_PROVINCES:
        return "Bản"
    if commune.province_code in SOUTHERN_PROVINCES:
        return "Ấp"
    return "Thôn"


def generate(communes: list[Commune], count: int, seed: int = 2026, code_start: int = 1) -> Iterator[list[str]]:
    """Yield `count` CSV rows (without the header), spread evenly over the communes.

    Codes are the commune's code and a running number from `code_start`: sets generated with different
    starts never overwrite each other's units.
    """
    if not communes or count <= 0:
        return
    rng = random.Random(seed)
    per = -(-count // len(communes))
    width = max(3, len(str(code_start + per - 1)))
    made = 0
    for commune in communes:
        unit_type = _unit_type(commune)
        used: set[str] = set()
        for n in range(1, per + 1):
            if made >= count:
                return
            if unit_type == "Tổ dân phố" or rng.random() < 0.35:
                name = str(n)
            else:
                name = _word_name(rng, used)
            used.add(name)
            full = f"{unit_type} {name}"
            ascii_name = fold(name).title()
            full_en = f"{EN_TYPES[unit_type]} {name}" if name.isdigit() else f"{ascii_name} {EN_TYPES[unit_type]}"
            yield [
                f"{commune.code}{code_start + n - 1:0{width}d}",
                commune.code,
                "residential_area",
                unit_type,
                name,
                full,
                full_en if name.isdigit() else ascii_name,
                full_en,
            ]
            made += 1


def _word_name(rng: random.Random, used: set[str]) -> str:
    for _ in range(20):
        name = rng.choice(HAMLET_WORDS) + " " + rng.choice(HAMLET_WORDS)
        if name not in used and name.split()[0] != name.split()[1]:
            return name
    return f"{rng.choice(HAMLET_WORDS)} {len(used) + 1}"


def to_csv(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue()
