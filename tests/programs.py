"""A published program for the API and public page tests: what must show and what must never leak."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from festival.core.time import utcnow
from festival.editions.models import LocalityFestival
from festival.extensions import db

DRAFT_TITLE = "Tiết mục nháp chưa công bố"
HIDDEN_TITLE = "Tiết mục của chương trình chưa công bố"


def publish_program(make, world) -> dict:
    """The world's festival (Xã Sóc Sơn, 10/08/2027 08:00–11:00) with a published program: flag salute and the
    world's commendations item (ceremony), a cancelled arts show at another venue and sports (festivities), plus
    a draft item; Phường Ba Đình's festival has a published item in a program that was never published."""
    festival, venue = world["festival"], world["venue"]
    stage = make.venue(
        world["tree"]["00376"], name="Sân vận động xã", address="Thôn Đông", latitude=21.25, longitude=105.85
    )
    flag = make.agenda_item(festival, kind="flag_salute", minutes=(0, 10), venue=venue, status="published", position=1)
    commendations = world["item"]
    commendations.status, commendations.position = "published", 2
    commendations.starts_at = festival.starts_at + timedelta(minutes=10)
    draft = make.agenda_item(festival, kind="opening", minutes=(20, 30), status="draft", position=3, title=DRAFT_TITLE)
    arts = make.agenda_item(
        festival, kind="arts", minutes=(60, 120), venue=stage, status="cancelled", position=1, title="Văn nghệ"
    )
    sports = make.agenda_item(festival, kind="sports", minutes=(120, 150), status="published", position=2)
    festival.program_published_at = utcnow()
    other = db.session.scalars(
        select(LocalityFestival).where(LocalityFestival.locality_id == world["tree"]["00004"].id)
    ).one()
    hidden = make.agenda_item(other, kind="arts", minutes=(0, 60), status="published", title=HIDDEN_TITLE)
    db.session.commit()
    return {
        "festival": festival,
        "flag": flag,
        "commendations": commendations,
        "draft": draft,
        "arts": arts,
        "sports": sports,
        "stage": stage,
        "other": other,
        "hidden": hidden,
    }
