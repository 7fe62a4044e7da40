"""Agenda tests: a festival day (Xã Sóc Sơn, 10/08/2027 08:00–11:00, the shared `world`) and a helper to describe
items in local times."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import func, select

from festival.agenda.models import AgendaItem
from festival.agenda.services import ItemData, ParticipantData, PersonData
from festival.extensions import db


def item_data(kind: str = "arts", start=(9, 0), end=(9, 30), **kw) -> ItemData:
    from festival.agenda.models import ItemKind

    part = ItemKind(kind).part.value if kind in ItemKind.__members__.values() else "festivities"
    return ItemData(
        part=kw.pop("part", part),
        kind=kind,
        title=kw.pop("title", "Văn nghệ chào mừng"),
        start=time(*start),
        end=time(*end),
        **kw,
    )


def count_items() -> int:
    return db.session.scalar(select(func.count()).select_from(AgendaItem))


@pytest.fixture
def festival(world):
    return world["festival"]


__all__ = ["item_data", "count_items", "PersonData", "ParticipantData"]
