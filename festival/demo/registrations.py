"""Demo registrations and invitations, so that the organizers' registration pages and the tickets have something
to show: on every upcoming festival day with a published program, residents registered for the items that take
registrations (the first items fill up and keep a waiting list), and two delegates invited to the day.

Idempotent: a quota that already holds registrations is left as it is (organizers may have changed it). Each
festival day with registrations gets its entrance list for check-in (kept as it is when it exists).
"""

from __future__ import annotations

from sqlalchemy import select

from festival.agenda.models import AgendaItem, ItemStatus
from festival.attendees.services import day_quota
from festival.core.time import utcnow
from festival.editions.models import Edition, LocalityFestival
from festival.extensions import db
from festival.registration import quotas, services
from festival.registration.models import Registration

FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
GIVEN = ["Thị Lan", "Văn Minh", "Thị Hồng", "Văn Hùng", "Thị Mai", "Văn Nam"]
RESIDENTS = [f"{family} {given}" for given in GIVEN for family in FAMILIES]  # 60 names
# The first upcoming festival days fill their items and keep a waiting list; the others get a few registrations.
FULL_FESTIVALS = 2
FEW = 5
DELEGATES = [
    ("Nguyễn Văn Thành", "Chủ tịch Ủy ban nhân dân", "Ủy ban nhân dân", "Hàng ghế đầu, số 1"),
    ("Trần Thị Hạnh", "Chủ tịch Ủy ban Mặt trận Tổ quốc", "Ủy ban Mặt trận Tổ quốc Việt Nam", "Hàng ghế đầu, số 2"),
]


def _phone(festival: LocalityFestival, item_id: int, n: int) -> str:
    """A well-formed mobile number, different for every demo registration."""
    return f"0912{(festival.id * 37 + item_id) % 1000:03d}{n:03d}"


def _has_registrations(quota) -> bool:
    return db.session.scalar(select(Registration.id).where(Registration.quota_id == quota.id).limit(1)) is not None


def add_registrations(edition: Edition) -> int:
    """Registrations and invitations on the edition's upcoming festival days; returns how many were added."""
    added = 0
    now = utcnow()
    festivals = db.session.scalars(
        select(LocalityFestival)
        .where(
            LocalityFestival.edition_id == edition.id,
            LocalityFestival.program_published_at.is_not(None),
            LocalityFestival.starts_at > now,
        )
        .order_by(LocalityFestival.starts_at, LocalityFestival.id)
    ).all()
    for index, festival in enumerate(festivals):
        items = db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.festival_id == festival.id, AgendaItem.takes_registrations.is_(True))
            .where(AgendaItem.status == ItemStatus.PUBLISHED.value, AgendaItem.starts_at > now)
            .order_by(AgendaItem.starts_at, AgendaItem.id)
        ).all()
        for item in items:
            quota = quotas.ensure_quota(festival, item)
            if _has_registrations(quota):
                continue
            # Up to the capacity and two more, who wait; a few elsewhere.
            full = min(len(RESIDENTS), (quota.capacity or len(RESIDENTS) - 2) + 2)
            count = full if index < FULL_FESTIVALS else FEW
            for n, name in enumerate(RESIDENTS[:count]):
                data = services.RegistrationData(
                    full_name=name, phone=_phone(festival, item.id, n), affiliation="Thôn Đông", consent=True
                )
                services.register(quota, data)
                added += 1
        quota = day_quota(festival, accepting=False)
        if not _has_registrations(quota):
            for name, position, organization, seat in DELEGATES:
                data = services.InvitationData(
                    full_name=name, position_title=position, affiliation=organization, seat=seat
                )
                services.invite(quota, data)
                added += 1
    return added


def add_checkin_lists(edition: Edition) -> int:
    """The entrance list (lists.ensure_day_list, default window) of every festival day of the edition that has
    registrations, so that the check-in pages have something to show; returns how many were made."""
    from festival.checkin import lists
    from festival.checkin.models import CheckinList

    with_registrations = select(Registration.festival_id).distinct()
    festivals = db.session.scalars(
        select(LocalityFestival)
        .where(LocalityFestival.edition_id == edition.id, LocalityFestival.id.in_(with_registrations))
        .where(~LocalityFestival.id.in_(select(CheckinList.festival_id).where(CheckinList.item_id.is_(None))))
        .order_by(LocalityFestival.id)
    ).all()
    for festival in festivals:
        lists.ensure_day_list(festival)
    return len(festivals)
