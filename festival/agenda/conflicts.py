"""Double bookings of a festival program: warnings, never errors (the item is saved and the conflict listed).

Codes: `venue_overlap` (the same venue at overlapping times, in any festival), `person_overlap` (the same person,
by `AgendaPerson.name_key`, in two overlapping items of any festival: a district police officer at two commune
festivals), `organization_overlap` (the same organization as host, co-organizer, performer or signatory of two
overlapping items at different venues or festivals), `capacity_above_venue`. Cancelled items never conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Conflict:
    code: str
    item_id: int
    other_item_id: int | None
    other_festival_id: int | None
    message: Any  # a lazy Flask-Babel string naming the other item, its festival's locality and its time


def for_item(item) -> list[Conflict]:
    """The conflicts of one item against every other item it overlaps (any festival)."""
    raise NotImplementedError


def for_program(festival) -> list[Conflict]:
    """The conflicts of a whole program, each pair once; one query per conflict kind, never one per item."""
    raise NotImplementedError
