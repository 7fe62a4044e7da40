"""The customary program: the ceremony (phần lễ) in its customary order with default durations, and a short
festivities part (phần hội).

The ceremony's order: welcome performance · flag salute · statement of purpose and introduction of delegates ·
report on the movement's results · discussion and sharing of experience · announcement of commendations ·
speeches and gifts from higher-level delegates · reply of the host · signing of coordination regulations. The
default titles are the Vietnamese wording organizers use on their printed programs; they edit them freely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from festival.agenda.models import AgendaItem, ItemKind, ItemStatus
from festival.agenda.rules import commit
from festival.core.errors import DomainError
from festival.editions.models import LocalityFestival
from festival.extensions import db

# (kind, default minutes, default title), in the customary order.
CUSTOMARY_CEREMONY: list[tuple[ItemKind, int, str]] = [
    (ItemKind.WELCOME_PERFORMANCE, 10, "Văn nghệ chào mừng"),
    (ItemKind.FLAG_SALUTE, 5, "Chào cờ"),
    (ItemKind.OPENING, 10, "Tuyên bố lý do, giới thiệu đại biểu"),
    (ItemKind.RESULTS_REPORT, 20, "Báo cáo kết quả phong trào toàn dân bảo vệ an ninh Tổ quốc"),
    (ItemKind.DISCUSSION, 20, "Tham luận, chia sẻ kinh nghiệm"),
    (ItemKind.COMMENDATIONS, 15, "Công bố quyết định khen thưởng và trao thưởng"),
    (ItemKind.DELEGATE_GIFTS, 15, "Phát biểu của đại biểu cấp trên, trao quà"),
    (ItemKind.HOST_REPLY, 5, "Phát biểu tiếp thu của lãnh đạo địa phương"),
    (ItemKind.SIGNING, 10, "Ký kết quy chế phối hợp"),
]
CUSTOMARY_FESTIVITIES: list[tuple[ItemKind, int, str]] = [
    (ItemKind.ARTS, 30, "Chương trình văn nghệ"),
    (ItemKind.CONTEST, 30, "Thi tìm hiểu pháp luật"),
    (ItemKind.FORUM, 30, "Diễn đàn “Công an lắng nghe ý kiến Nhân dân”"),
]


def _program_not_empty() -> DomainError:
    return DomainError(
        _l("This festival day already has a program: start from a template or a copy only on an empty one."),
        "program_not_empty",
    )


def ensure_empty(festival: LocalityFestival) -> None:
    if db.session.scalar(select(AgendaItem.id).where(AgendaItem.festival_id == festival.id).limit(1)) is not None:
        raise _program_not_empty()


def lay_out(
    festival: LocalityFestival, entries: list[tuple[ItemKind, int, str]], start: datetime | None = None
) -> list[AgendaItem]:
    """Draft items laid back to back from `start` (default: the festival's start), each clipped to the
    festival's end; those that would start at or after the end are left out. Not committed."""
    moment = start or festival.starts_at
    positions = {}
    items = []
    for kind, minutes, title in entries:
        if moment >= festival.ends_at:
            break
        end = min(moment + timedelta(minutes=minutes), festival.ends_at)
        part = kind.part.value
        positions[part] = positions.get(part, 0) + 1
        item = AgendaItem(
            festival=festival,
            part=part,
            kind=kind.value,
            title=title,
            description="",
            starts_at=moment,
            ends_at=end,
            status=ItemStatus.DRAFT.value,
            position=positions[part],
            revision=1,
            takes_registrations=False,
        )
        db.session.add(item)
        items.append(item)
        moment = end
    return items


def apply_template(festival: LocalityFestival, user=None) -> list[AgendaItem]:
    """Lay the customary program back to back from the festival's start (clipped to its end), all draft; only on
    an empty program (`program_not_empty`)."""
    ensure_empty(festival)
    items = lay_out(festival, CUSTOMARY_CEREMONY + CUSTOMARY_FESTIVITIES)
    commit()
    return items
