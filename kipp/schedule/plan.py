"""The presentation schedule as a pure rule: which entry is heard in which room, when.

No Flask, no database: plain values in, plain values out, the same answer for the same input.

Terms
- A *period* is one start time (naive, in the competition's timezone): the days in date order,
  each cut from `day_start` into slots of `slot_minutes` that end by `day_end`; a slot that
  would overlap a break is dropped and the next one starts when the break ends.
- A *room* has a set of panelists, who hear every entry presented there. An entry may go to a
  room only if none of its panelists conflicts with the entry's agency (its *admissible*
  rooms). Two rooms that share a panelist cannot both be in use in one period.

Guarantees of `build`
- Either a `Plan` placing every entry exactly once, with at most one entry per (room, period),
  only in admissible rooms, and never two rooms sharing a panelist in one period; or an
  `Infeasible` that places nothing and carries the numbers that would make it possible.
- Rooms that share no panelists are scheduled exactly: a plan is found whenever one exists
  (entries are matched to rooms by augmenting paths, with every room holding at most one
  entry per period; Hall's condition decides). Rooms sharing panelists are laid out greedily
  after that matching; if the greedy layout leaves entries over, they are named in
  `Infeasible.unplaced`.
- Deterministic: entries with fewer admissible rooms are matched first (then in the given
  order); each goes to its least loaded admissible room (then the first in room order);
  within a room entries keep the given order, and each period fills the rooms in room order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

MAX_ROOMS = 10  # the numbers of an infeasible plan look at every subset of rooms


@dataclass(frozen=True)
class Room:
    panelists: frozenset[int]


@dataclass(frozen=True)
class EntrySpec:
    id: int
    agency_id: int


@dataclass(frozen=True)
class Placement:
    entry_id: int
    room: int  # index into the rooms given
    period: int  # index into the periods


@dataclass(frozen=True)
class Plan:
    placements: tuple[Placement, ...]


@dataclass(frozen=True)
class Infeasible:
    """Why no plan exists, in numbers.

    `slots_needed`: one per entry. `slots_available`: periods × the most rooms usable at once.
    `periods_needed`: the fewest periods with which the admissible rooms could hold the
    entries (a lower bound; exact when rooms share no panelists). `entries_without_room`:
    entries whose agency conflicts with a panelist of every room. `unplaced`: entries the
    greedy layout of rooms sharing panelists could not place although the numbers fit.
    """

    slots_needed: int
    slots_available: int
    periods_available: int
    periods_needed: int
    entries_without_room: tuple[int, ...] = ()
    unplaced: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Clash:
    """Why a hand move is refused. `kind`: `room_taken` (another entry holds the room then),
    `panelist_busy` (a panelist of the room sits in another room in use then) or
    `conflict_of_interest` (a panelist of the room conflicts with the entry's agency)."""

    kind: str
    entry_id: int | None = None  # the other entry (room_taken, panelist_busy)
    panelist_id: int | None = None  # panelist_busy, conflict_of_interest
    room: int | None = None  # the other room (panelist_busy)


# ----------------------------------------------------------------- periods
def periods(
    days: Sequence[date],
    day_start: time,
    day_end: time,
    slot_minutes: int,
    breaks: Sequence[tuple[time, time]] = (),
) -> list[datetime]:
    """Every period's start (naive local time), in order (see the module's terms)."""
    length = timedelta(minutes=slot_minutes)
    found: list[datetime] = []
    for day in sorted(set(days)):
        at, end = datetime.combine(day, day_start), datetime.combine(day, day_end)
        spans = sorted((datetime.combine(day, s), datetime.combine(day, e)) for s, e in breaks)
        while at + length <= end:
            hit = next((e for s, e in spans if at < e and at + length > s), None)
            if hit is not None:
                at = hit
                continue
            found.append(at)
            at += length
    return found


def admissible(
    entry: EntrySpec, rooms: Sequence[Room], conflicts: Mapping[int, frozenset[int]]
) -> list[int]:
    """Indexes of the rooms none of whose panelists conflicts with the entry's agency."""
    return [
        i
        for i, room in enumerate(rooms)
        if not any(entry.agency_id in conflicts.get(p, frozenset()) for p in room.panelists)
    ]


# ----------------------------------------------------------------- numbers
def _compatible_sets(rooms: Sequence[Room]) -> list[bool]:
    """For each bit mask of rooms: True when no two of them share a panelist."""
    n = len(rooms)
    ok = [True] * (1 << n)
    for mask in range(1, 1 << n):
        low = (mask & -mask).bit_length() - 1
        rest = mask & ~(1 << low)
        ok[mask] = ok[rest] and not any(
            rest >> j & 1 and rooms[low].panelists & rooms[j].panelists for j in range(n)
        )
    return ok


def _most_at_once(mask: int, compatible: list[bool]) -> int:
    """The most rooms of `mask` usable in one period."""
    best, sub = 0, mask
    while sub:
        if compatible[sub]:
            best = max(best, sub.bit_count())
        sub = (sub - 1) & mask
    return best


def _periods_needed(choices: Sequence[list[int]], rooms: Sequence[Room]) -> int:
    """max over room sets S of ⌈entries confined to S / rooms of S usable at once⌉."""
    compatible = _compatible_sets(rooms)
    masks = [sum(1 << i for i in c) for c in choices]
    needed = 0
    for s in range(1, 1 << len(rooms)):
        confined = sum(1 for m in masks if m & ~s == 0)
        if confined:
            width = _most_at_once(s, compatible)
            needed = max(needed, -(-confined // width))
    return needed


# ----------------------------------------------------------------- build
def _match(choices: list[list[int]], capacity: int, rooms: int) -> list[int] | None:
    """Room per entry (index-aligned with `choices`), each room holding at most `capacity`
    entries; None when no such matching exists."""
    held: list[list[int]] = [[] for _ in range(rooms)]
    room_of = [-1] * len(choices)
    order = sorted(range(len(choices)), key=lambda i: (len(choices[i]), i))

    def augment(i: int, seen: set[int]) -> bool:
        for r in sorted(choices[i], key=lambda r: (len(held[r]), r)):
            if r in seen:
                continue
            seen.add(r)
            if len(held[r]) < capacity:
                held[r].append(i)
                room_of[i] = r
                return True
            for j in list(held[r]):
                if augment(j, seen):
                    held[r].remove(j)
                    held[r].append(i)
                    room_of[i] = r
                    return True
        return False

    for i in order:
        if not augment(i, set()):
            return None
    return room_of


def build(
    entries: Sequence[EntrySpec],
    rooms: Sequence[Room],
    period_count: int,
    conflicts: Mapping[int, frozenset[int]],
) -> Plan | Infeasible:
    """Place every entry (module guarantees). `conflicts`: panelist id → conflicted agency ids."""
    if len(rooms) > MAX_ROOMS:
        raise ValueError(f"at most {MAX_ROOMS} rooms")
    choices = [admissible(e, rooms, conflicts) for e in entries]
    widest = _most_at_once((1 << len(rooms)) - 1, _compatible_sets(rooms)) if rooms else 0
    homeless = tuple(e.id for e, c in zip(entries, choices, strict=True) if not c)
    placeable = [c for c in choices if c]

    def infeasible(unplaced: tuple[int, ...] = ()) -> Infeasible:
        return Infeasible(
            slots_needed=len(entries),
            slots_available=period_count * widest,
            periods_available=period_count,
            periods_needed=_periods_needed(placeable, rooms) if rooms else 0,
            entries_without_room=homeless,
            unplaced=unplaced,
        )

    if homeless:
        return infeasible()
    room_of = _match(choices, period_count, len(rooms))
    if room_of is None:
        return infeasible()
    queues: list[list[int]] = [[] for _ in rooms]
    for i, r in enumerate(room_of):
        queues[r].append(i)
    placements: list[Placement] = []
    for period in range(period_count):
        busy: set[int] = set()
        for r, queue in enumerate(queues):
            if queue and not rooms[r].panelists & busy:
                placements.append(Placement(entries[queue.pop(0)].id, r, period))
                busy |= rooms[r].panelists
    left = tuple(entries[i].id for queue in queues for i in queue)
    if left:
        return infeasible(tuple(sorted(left)))
    return Plan(tuple(placements))


# ----------------------------------------------------------------- hand moves
@dataclass(frozen=True)
class Held:
    """A slot as the move check sees it: the entry, its room index and its period index."""

    entry_id: int
    room: int
    period: int


def check_move(
    entry: EntrySpec,
    room: int,
    period: int,
    held: Sequence[Held],
    rooms: Sequence[Room],
    conflicts: Mapping[int, frozenset[int]],
) -> list[Clash]:
    """Every reason `entry` may not be heard in `room` at `period`; [] when it may.

    `held` is the schedule's other slots (the moving entry's own slot left out). Reasons come
    in a fixed order: conflicts of interest (by panelist id), the room taken, then panelists
    busy elsewhere (by panelist id, then room)."""
    found: list[Clash] = []
    panel = rooms[room].panelists
    for p in sorted(panel):
        if entry.agency_id in conflicts.get(p, frozenset()):
            found.append(Clash("conflict_of_interest", panelist_id=p))
    at_once = [h for h in held if h.period == period and h.entry_id != entry.id]
    for h in at_once:
        if h.room == room:
            found.append(Clash("room_taken", entry_id=h.entry_id))
    for p in sorted(panel):
        for h in sorted(at_once, key=lambda h: h.room):
            if h.room != room and p in rooms[h.room].panelists:
                found.append(
                    Clash("panelist_busy", entry_id=h.entry_id, panelist_id=p, room=h.room)
                )
    return found
