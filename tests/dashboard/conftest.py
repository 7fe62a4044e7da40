"""Dashboard fixtures: an English `client`, and more hamlets (tree, admin: tests/conftest.py)."""

from __future__ import annotations

import pytest

from festival.localities.importer import import_bytes
from festival.localities.services import get_by_code
from tests.accounts.support import english_client

HEADER = "code,parent_code,level,unit_type,name,full_name,name_en,full_name_en\n"


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def add_hamlets(tree):
    """Import `count` more hamlets ("Xóm 1", "Xóm 2", ...) under a commune; returns them in order."""
    made = {"n": 0}

    def add(count: int, parent: str = "00376"):
        first = made["n"]
        rows = []
        for i in range(first, first + count):
            rows.append(f"{parent}{i + 101:03d},{parent},residential_area,Xóm,Xóm {i + 1},Xóm {i + 1},,\n")
        import_bytes((HEADER + "".join(rows)).encode("utf-8"))
        made["n"] += count
        return [get_by_code(f"{parent}{i + 101:03d}") for i in range(first, first + count)]

    return add


@pytest.fixture
def add_spread_hamlets(tree):
    """Import `count` hamlets under `count` new communes of Hà Nội (one each): every hamlet has its own parent,
    so a page that loaded parents one by one would make one query per row."""
    made = {"n": 0}

    def add(count: int):
        first = made["n"]
        rows = []
        for i in range(first, first + count):
            commune = f"{90001 + i}"
            rows.append(f"{commune},01,commune,Xã,Thử {i + 1},Xã Thử {i + 1},,\n")
            rows.append(f"{commune}01,{commune},residential_area,Thôn,Một,Thôn Một,,\n")
        import_bytes((HEADER + "".join(rows)).encode("utf-8"))
        made["n"] += count
        return [get_by_code(f"{90001 + i}01") for i in range(first, first + count)]

    return add
