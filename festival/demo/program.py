"""The demo's festival programs: the customary ceremony and a festivities part, with people, organizations in
their roles, two commendations and a signing, published.

A festival that already has items keeps them (whatever organizers changed since); only the practice run, which
follows the day the demo is loaded, has its items moved with it.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta

from sqlalchemy import select

from festival.agenda import honours, services
from festival.agenda.models import AgendaItem, ItemKind, Part
from festival.agenda.template import CUSTOMARY_CEREMONY
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.extensions import db
from festival.localities.models import Locality
from festival.organizations.models import Organization, Venue

CEREMONY_MAX_MINUTES = 110  # the customary durations' sum; a short festival day gets a shorter ceremony
FESTIVITIES_MAX_MINUTES = 180
FESTIVITIES = [
    (ItemKind.ARTS, "Chương trình văn nghệ “Nhân dân là mắt tai”"),
    (ItemKind.CONTEST, "Thi tìm hiểu pháp luật về an ninh, trật tự"),
    (ItemKind.FORUM, "Diễn đàn “Công an lắng nghe ý kiến Nhân dân”"),
]
NAMES = [
    "Nguyễn Văn Hùng",
    "Trần Thị Mai",
    "Lê Quang Minh",
    "Phạm Thị Hồng",
    "Hoàng Văn Thắng",
    "Vũ Thị Lan",
    "Đặng Văn Khoa",
    "Bùi Thị Thu",
    "Đỗ Mạnh Cường",
    "Ngô Thị Hạnh",
    "Dương Văn Long",
    "Lý Thị Ngọc",
]


ROLES = ["chair", "police", "front", "youth", "doctor", "delegate", "sports", "awardee"]


def _name(locality: Locality, role: str) -> str:
    """A made-up full name, different for each role within a locality (one person is never in two places)."""
    offset = zlib.crc32(locality.code.encode()) % len(NAMES)
    return NAMES[(offset + ROLES.index(role)) % len(NAMES)]


def _unit(locality: Locality) -> str:
    return locality.full_name[0].lower() + locality.full_name[1:]


def _boundaries(start: datetime, minutes: list[int], total: int) -> list[tuple[datetime, datetime]]:
    """Back-to-back slots with the given proportions, scaled to `total` minutes and rounded to whole minutes."""
    scale = total / sum(minutes)
    slots, done = [], 0.0
    for length in minutes:
        begin = round(done * scale)
        done += length
        slots.append((start + timedelta(minutes=begin), start + timedelta(minutes=round(done * scale))))
    return slots


def _item(festival, part, kind, title, slot, venue=None, people=(), participants=(), **kw) -> AgendaItem:
    start, end = to_local(slot[0]), to_local(slot[1])
    data = services.ItemData(
        part=part.value,
        kind=kind.value,
        title=title,
        start=start.time(),
        end=end.time(),
        day=start.date(),
        venue=venue,
        people=[services.PersonData(name, position) for name, position in people],
        participants=[services.ParticipantData(org, role) for org, role in participants],
        **kw,
    )
    return services.save_item(festival, data).item


def build_program(
    festival: LocalityFestival,
    host: Organization,
    partner: Organization,
    extra_venue: Venue,
    extra_org: Organization,
    health_org: Organization,
) -> None:
    """A full, published program for a festival without one."""
    locality = festival.locality
    unit = _unit(locality)
    main = festival.venue
    chair = (_name(locality, "chair"), f"Chủ tịch Ủy ban nhân dân {unit}")
    police = (_name(locality, "police"), f"Trưởng Công an {unit}")
    front = (_name(locality, "front"), f"Chủ tịch Ủy ban Mặt trận Tổ quốc {unit}")
    youth = (_name(locality, "youth"), "Bí thư Đoàn Thanh niên")
    doctor = (_name(locality, "doctor"), "Trạm trưởng Trạm Y tế")
    delegate = (_name(locality, "delegate"), "Đại biểu Công an cấp trên")
    people = {
        ItemKind.WELCOME_PERFORMANCE: [youth],
        ItemKind.FLAG_SALUTE: [front],
        ItemKind.OPENING: [front],
        ItemKind.RESULTS_REPORT: [police],
        ItemKind.DISCUSSION: [front],
        ItemKind.COMMENDATIONS: [chair],
        ItemKind.DELEGATE_GIFTS: [delegate],
        ItemKind.HOST_REPLY: [chair],
        ItemKind.SIGNING: [police, front],
        ItemKind.ARTS: [youth],
        ItemKind.CONTEST: [police],
        ItemKind.FORUM: [police, chair],
    }
    roles = {
        ItemKind.OPENING: [(host, "host"), (partner, "co_organizer")],
        ItemKind.RESULTS_REPORT: [(host, "host")],
        ItemKind.SIGNING: [(host, "signatory"), (partner, "signatory")],
        ItemKind.ARTS: [(extra_org, "performer")],
        ItemKind.CONTEST: [(host, "host")],
        ItemKind.FORUM: [(host, "host")],
    }
    duration = int((festival.ends_at - festival.starts_at).total_seconds() // 60)
    ceremony_minutes = min(CEREMONY_MAX_MINUTES, duration // 2)
    ceremony = _boundaries(festival.starts_at, [m for _k, m, _t in CUSTOMARY_CEREMONY], ceremony_minutes)
    items = {}
    for (kind, _minutes, title), slot in zip(CUSTOMARY_CEREMONY, ceremony, strict=True):
        items[kind] = _item(festival, Part.CEREMONY, kind, title, slot, main, people.get(kind, ()), roles.get(kind, ()))
    festivities_start = ceremony[-1][1]
    rest = min(int((festival.ends_at - festivities_start).total_seconds() // 60), FESTIVITIES_MAX_MINUTES)
    slots = _boundaries(festivities_start, [1, 1, 1], rest)
    for (kind, title), slot in zip(FESTIVITIES, slots, strict=True):
        extra = {"capacity": 50, "takes_registrations": True} if kind is ItemKind.CONTEST else {}
        items[kind] = _item(
            festival, Part.FESTIVITIES, kind, title, slot, main, people.get(kind, ()), roles.get(kind, ()), **extra
        )
    # Alongside the stage: sports on the sports ground, free check-ups (by registration) at the health post.
    alongside = (festivities_start, slots[-1][1])
    _item(
        festival,
        Part.FESTIVITIES,
        ItemKind.SPORTS,
        "Giao lưu bóng chuyền, kéo co",
        alongside,
        extra_venue,
        [(_name(locality, "sports"), "Trưởng ban Văn hóa - Thể thao")],
        [(partner, "co_organizer")],
    )
    _item(
        festival,
        Part.FESTIVITIES,
        ItemKind.HEALTH_CHECKUP,
        "Khám sức khỏe, cấp thuốc miễn phí cho người cao tuổi",
        alongside,
        None,
        [doctor],
        [(health_org, "sponsor")],
        capacity=30,
        takes_registrations=True,
    )

    award = items[ItemKind.COMMENDATIONS]
    level = "province_merit" if locality.level in ("province", "nation") else "commune_certificate"
    honours.save_commendation(
        award,
        honours.CommendationData(
            level,
            "organization",
            organization=partner,
            reason="Có thành tích xuất sắc trong phong trào toàn dân bảo vệ an ninh Tổ quốc",
        ),
    )
    honours.save_commendation(
        award,
        honours.CommendationData(
            "medal",
            "person",
            person_name=_name(locality, "awardee"),
            person_position="Tổ trưởng tổ an ninh trật tự cơ sở",
            reason="Tích cực phát hiện, tố giác tội phạm",
        ),
    )
    honours.save_signing(
        items[ItemKind.SIGNING],
        honours.SigningData(
            "coordination_regulation",
            f"Quy chế phối hợp bảo đảm an ninh, trật tự năm {to_local(festival.starts_at).year}",
            [host, partner],
        ),
    )
    services.publish_program(festival)


def ensure_program(festival: LocalityFestival, *organizations_and_venue) -> None:
    """Build the program of a festival without one (see build_program for the arguments); move the items of one
    whose day moved."""
    first = db.session.scalar(
        select(AgendaItem).where(AgendaItem.festival_id == festival.id).order_by(AgendaItem.starts_at).limit(1)
    )
    if first is None:
        build_program(festival, *organizations_and_venue)
        return
    moved = festival.local_start.date() - first.local_start.date()
    if moved:  # the practice run follows the day the demo is loaded: its items go with it
        services.shift_items(festival, moved)
