"""A festival day with tickets to scan (tests/factories.py `tickets`: Phạm Thị Lan confirmed, Đỗ Văn Nam waiting,
Hoàng Văn Đức invited, for one agenda item), its entrance list open now, and an enrolled device."""

from __future__ import annotations

from datetime import timedelta

import pytest

from festival.checkin import devices, lists
from festival.core.time import utcnow
from festival.extensions import db
from festival.registration import quotas, services


@pytest.fixture
def gate(world, tickets, make):
    """The festival day's entrance list, open from an hour ago to the end of the day."""
    festival = world["festival"]
    entrance = lists.save(festival, lists.ListData(name="Cổng chính", opens_at=utcnow() - timedelta(hours=1)))
    day = quotas.ensure_quota(festival)  # the whole day, no limit
    more = [make.registration(day, f"Khách {n}", f"0913 000 {n:03d}") for n in range(3)]
    device = devices.create_device(festival, "Máy 1")
    db.session.commit()
    return {
        **tickets,
        "list": entrance,
        "device": device.device,
        "token": device.token,
        "codes": [services.ticket_text(r) for r in [tickets["registration"], *more]],
        "more": more,
    }
