"""The day grid of a program: one column per venue (and one for items without a venue), one row per five
minutes from the festival's start to its end, each item a cell spanning its rows.

The grid is an HTML table laid out here (rows and `rowspan`s), not positioned by inline styles: the page's
Content-Security-Policy allows no inline style, and a table needs no JavaScript. Items of one venue that overlap
go side by side in lanes of their venue's column, and are marked with their conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from festival.agenda.models import AgendaItem
from festival.core.time import to_local
from festival.editions.models import LocalityFestival
from festival.organizations.models import Venue

SLOT = timedelta(minutes=5)
# A row label every quarter of an hour.
LABEL_EVERY = 3


@dataclass
class Placed:
    item: AgendaItem
    row: int  # first row, from 0
    span: int  # rows
    lane: int
    conflicts: list = field(default_factory=list)  # messages


@dataclass
class Column:
    venue: Venue | None
    lanes: int = 1


@dataclass
class Cell:
    placed: Placed | None = None  # None: an empty slot
    rowspan: int = 1


@dataclass
class Row:
    at: datetime  # local time
    labelled: bool
    cells: list[Cell]


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]
    placed: list[Placed]


def _floor(moment: datetime, origin: datetime) -> int:
    return int((moment - origin) // SLOT)


def _ceil(moment: datetime, origin: datetime) -> int:
    slots, rest = divmod(moment - origin, SLOT)
    return int(slots) + (1 if rest else 0)


def build(festival: LocalityFestival, items: list[AgendaItem], conflicts_by_item: dict[int, list]) -> Grid:
    start = to_local(min([festival.starts_at, *(i.starts_at for i in items)]))
    end = to_local(max([festival.ends_at, *(i.ends_at for i in items)]))
    # Rows start on a whole five minutes of the local clock.
    origin = start.replace(minute=start.minute - start.minute % 5, second=0, microsecond=0)
    total = max(1, _ceil(end, origin))

    by_venue: dict[int | None, list[AgendaItem]] = {}
    venues: dict[int, Venue] = {}
    for item in items:
        by_venue.setdefault(item.venue_id, []).append(item)
        if item.venue is not None:
            venues[item.venue_id] = item.venue
    if festival.venue_id is not None and festival.venue is not None:
        venues.setdefault(festival.venue_id, festival.venue)
    order = sorted(venues, key=lambda vid: (venues[vid].search_name or venues[vid].name, vid))
    if None in by_venue:
        order.append(None)

    columns: list[Column] = []
    placed_by_column: list[list[Placed]] = []
    everything: list[Placed] = []
    for key in order:
        lanes_end: list[int] = []  # the first free row of each lane
        placed: list[Placed] = []
        for item in sorted(by_venue.get(key, []), key=lambda i: (i.starts_at, i.ends_at, i.id)):
            row = _floor(to_local(item.starts_at), origin)
            span = max(1, _ceil(to_local(item.ends_at), origin) - row)
            lane = next((n for n, free in enumerate(lanes_end) if free <= row), None)
            if lane is None:
                lane = len(lanes_end)
                lanes_end.append(0)
            lanes_end[lane] = row + span
            one = Placed(item=item, row=row, span=span, lane=lane, conflicts=conflicts_by_item.get(item.id, []))
            placed.append(one)
            everything.append(one)
        columns.append(Column(venue=venues.get(key) if key is not None else None, lanes=max(1, len(lanes_end))))
        placed_by_column.append(placed)

    starts: dict[tuple[int, int, int], Placed] = {}
    covered: set[tuple[int, int, int]] = set()
    for c, placed in enumerate(placed_by_column):
        for one in placed:
            starts[(one.row, c, one.lane)] = one
            for r in range(one.row + 1, one.row + one.span):
                covered.add((r, c, one.lane))

    rows: list[Row] = []
    for r in range(total):
        cells: list[Cell] = []
        for c, column in enumerate(columns):
            for lane in range(column.lanes):
                if (r, c, lane) in covered:
                    continue
                one = starts.get((r, c, lane))
                cells.append(Cell(placed=one, rowspan=one.span) if one else Cell())
        rows.append(Row(at=origin + r * SLOT, labelled=r % LABEL_EVERY == 0, cells=cells))
    return Grid(columns=columns, rows=rows, placed=everything)
