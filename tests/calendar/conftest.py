"""A published program to read feeds of: Xã Sóc Sơn (Hà Nội) with three items, one of them at a venue with
coordinates and one in a hamlet's festival day below it; Phường Hàm Rồng (Thanh Hoá) with one item; a draft item
that no feed may show."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from festival.agenda import services as agenda
from festival.editions.models import LocalityFestival
from festival.extensions import db


@pytest.fixture
def feeds_world(world, make):
    tree, edition, festival = world["tree"], world["edition"], world["festival"]
    stadium = make.venue(
        tree["00376"], name="Sân vận động xã", address="Thôn Đông", latitude=21.2531, longitude=105.8512
    )
    make.agenda_item(festival, kind="sports", minutes=(60, 150), venue=stadium, title="Giải bóng chuyền hơi")
    agenda.publish_program(festival)
    hamlet_day = make.festival(edition, tree["00376001"], day=date(2027, 8, 11))
    make.agenda_item(hamlet_day, kind="arts", minutes=(0, 60), title="Văn nghệ thôn Đông")
    agenda.publish_program(hamlet_day)
    draft = make.agenda_item(hamlet_day, kind="contest", minutes=(60, 90), title="Hội thi bản nháp")
    thanh_hoa = db.session.scalar(select(LocalityFestival).where(LocalityFestival.locality_id == tree["14758"].id))
    make.agenda_item(thanh_hoa, kind="forum", minutes=(0, 60), title="Diễn đàn phường Hàm Rồng")
    agenda.publish_program(thanh_hoa)
    return {**world, "stadium": stadium, "hamlet_day": hamlet_day, "thanh_hoa": thanh_hoa, "draft": draft}
