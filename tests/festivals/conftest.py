"""Festival-day fixtures: an English `client`; organizers of a province and of a commune."""

from __future__ import annotations

import pytest

from tests.accounts.support import english_client


@pytest.fixture
def client(app, database):
    return english_client(app)


@pytest.fixture
def province_organizer(make, world):
    return make.user("organizer", scope=world["tree"]["01"], username="hanoi")


@pytest.fixture
def foreign_organizer(make, world):
    return make.user("organizer", scope=world["tree"]["38"], username="thanhhoa")


@pytest.fixture
def add_hamlets(world):
    """Import `count` more hamlets ("Xóm 1", "Xóm 2", ...) under Xã Sóc Sơn."""
    from festival.localities.importer import import_bytes

    made = {"n": 0}
    header = "code,parent_code,level,unit_type,name,full_name,name_en,full_name_en\n"

    def add(count: int) -> None:
        rows = [
            f"00376{i + 101:03d},00376,residential_area,Xóm,Xóm {i + 1},Xóm {i + 1},,\n"
            for i in range(made["n"], made["n"] + count)
        ]
        import_bytes((header + "".join(rows)).encode("utf-8"))
        made["n"] += count

    return add
