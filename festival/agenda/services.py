"""Agenda items of a festival day: the rules of saving, ordering, publishing and the change log.

Times are given as local wall-clock times (Asia/Ho_Chi_Minh) on the festival's local day and stored as aware UTC.
An end time not after the start is an error (`time_order`): a festival day that runs past midnight is not
supported by the form's times; such an item would be entered on the next day's festival.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from festival.agenda.conflicts import Conflict
from festival.agenda.models import AgendaChange, AgendaItem, Commendation, Signing
from festival.editions.models import LocalityFestival
from festival.organizations.models import Organization, Venue


@dataclass
class PersonData:
    full_name: str
    position_title: str = ""


@dataclass
class ParticipantData:
    organization: Organization
    role: str


@dataclass
class ItemData:
    part: str
    kind: str
    title: str
    start: time
    end: time
    day: date | None = None  # the festival's local day when None
    description: str = ""
    venue: Venue | None = None
    capacity: int | None = None
    takes_registrations: bool = False
    people: list[PersonData] = field(default_factory=list)
    participants: list[ParticipantData] = field(default_factory=list)
    cancelled: bool = False


@dataclass
class SaveResult:
    item: AgendaItem
    warnings: list[Conflict]


@dataclass
class ItemChanges:
    item: AgendaItem
    revision: int
    changes: list[AgendaChange]  # newest first


@dataclass
class Program:
    festival: LocalityFestival
    ceremony: list[AgendaItem]
    festivities: list[AgendaItem]
    commendations: list[Commendation]
    signings: list[Signing]

    @property
    def items(self) -> list[AgendaItem]:
        return self.ceremony + self.festivities


def save_item(
    festival: LocalityFestival,
    data: ItemData,
    item: AgendaItem | None = None,
    *,
    expected_version: int | None = None,
    user=None,
) -> SaveResult:
    """Create or update an item; raise a coded `DomainError` (nothing saved) or return the saved item and its
    conflicts (warnings)."""
    raise NotImplementedError


def delete_item(item: AgendaItem, *, expected_version: int | None = None) -> None:
    """Delete a draft item; a published one must be cancelled instead (`published_item_delete`)."""
    raise NotImplementedError


def set_times(
    item: AgendaItem, start: time, end: time, *, expected_version: int | None = None, user=None
) -> SaveResult:
    """Change an item's local start and end times on its day (the timetable's in-place edit); same rules as
    `save_item`."""
    raise NotImplementedError


def reorder(festival: LocalityFestival, part: str, ordered_ids: list[int]) -> None:
    """Number a part's items 1..n in the given order; the ids must be exactly that part's items (`order_mismatch`)."""
    raise NotImplementedError


def move(item: AgendaItem, direction: int) -> None:
    """Move an item one place up (-1) or down (+1) within its part."""
    raise NotImplementedError


def publish_program(festival: LocalityFestival, user=None) -> int:
    """Publish every draft item; returns how many. An empty program is refused (`program_empty`)."""
    raise NotImplementedError


def changes_since_publishing(festival: LocalityFestival) -> list[ItemChanges]:
    """Items changed after their first publishing, in program order, with their change rows newest first."""
    raise NotImplementedError


def program(festival: LocalityFestival) -> Program:
    """The organizer's view of a program, loaded in a bounded number of queries whatever its size."""
    raise NotImplementedError
