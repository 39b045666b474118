"""The pure planner: periods, placements, the numbers of an impossible schedule, hand moves.

Small cases are checked against brute force: every assignment of entries to (room, period)
cells is tried, so "no plan" from `build` must mean that none exists (rooms sharing no
panelists), and any plan it returns must satisfy every rule.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, datetime, time

import pytest

from kipp.schedule.plan import (
    Clash,
    EntrySpec,
    Held,
    Infeasible,
    Plan,
    Room,
    build,
    check_move,
    periods,
)

D1, D2 = date(2026, 12, 10), date(2026, 12, 11)


def rooms(*panels) -> list[Room]:
    return [Room(frozenset(p)) for p in panels]


def entries(*agencies) -> list[EntrySpec]:
    return [EntrySpec(100 + i, a) for i, a in enumerate(agencies)]


def valid(plan: Plan, es, rs, n_periods, conflicts) -> None:
    """Every rule of a plan, checked independently of the planner."""
    placed = [p.entry_id for p in plan.placements]
    assert sorted(placed) == sorted(e.id for e in es)
    cells = [(p.room, p.period) for p in plan.placements]
    assert len(set(cells)) == len(cells)
    agency = {e.id: e.agency_id for e in es}
    for p in plan.placements:
        assert 0 <= p.period < n_periods
        for panelist in rs[p.room].panelists:
            assert agency[p.entry_id] not in conflicts.get(panelist, frozenset())
    for period in range(n_periods):
        used = [p.room for p in plan.placements if p.period == period]
        seen: set[int] = set()
        for r in used:
            assert not rs[r].panelists & seen, "a panelist in two rooms at once"
            seen |= rs[r].panelists


# ----------------------------------------------------------------- periods
def test_periods_skip_breaks_and_resume_after_them():
    got = periods([D2, D1], time(8), time(12), 60, [(time(10, 30), time(11))])
    # 08, 09, then 10:00-11:00 overlaps the break, so the next slot starts at 11:00 and
    # ends at 12:00: three per day.
    assert [p.hour for p in got if p.date() == D1] == [8, 9, 11]
    assert [p.hour for p in got if p.date() == D2] == [8, 9, 11]
    assert got == sorted(got)


def test_a_slot_never_runs_past_the_day_end():
    assert periods([D1], time(9), time(10, 30), 45) == [
        datetime(2026, 12, 10, 9),
        datetime(2026, 12, 10, 9, 45),
    ]


# ----------------------------------------------------------------- feasible plans
def test_two_rooms_split_the_entries_evenly_and_avoid_conflicts():
    rs = rooms({1, 2}, {3, 4})
    conflicts = {1: frozenset({7})}
    es = entries(7, 8, 9, 10)
    plan = build(es, rs, 3, conflicts)
    assert isinstance(plan, Plan)
    valid(plan, es, rs, 3, conflicts)
    by_room = {r: [p for p in plan.placements if p.room == r] for r in (0, 1)}
    assert {len(v) for v in by_room.values()} == {2}
    assert next(p.room for p in plan.placements if p.entry_id == 100) == 1  # agency 7


def test_the_same_input_gives_the_same_plan():
    rs = rooms({1}, {2}, {3})
    es = entries(*range(9))
    assert build(es, rs, 3, {}) == build(list(es), list(rs), 3, {})


def test_rooms_sharing_a_panelist_never_run_at_once():
    rs = rooms({1, 2}, {2, 3})  # panelist 2 sits in both rooms
    es = entries(1, 2, 3, 4)
    plan = build(es, rs, 4, {})
    assert isinstance(plan, Plan)
    valid(plan, es, rs, 4, {})


# ----------------------------------------------------------------- impossible plans
def test_too_few_slots_gives_the_numbers():
    rs = rooms({1}, {2})
    result = build(entries(*range(7)), rs, 3, {})
    assert result == Infeasible(
        slots_needed=7, slots_available=6, periods_available=3, periods_needed=4
    )


def test_entries_whose_agency_conflicts_with_every_room_are_named():
    rs = rooms({1}, {2})
    conflicts = {1: frozenset({5}), 2: frozenset({5})}
    result = build(entries(5, 6, 5), rs, 5, conflicts)
    assert isinstance(result, Infeasible)
    assert result.entries_without_room == (100, 102)
    assert result.slots_needed == 3 and result.slots_available == 10


def test_conflicts_confining_entries_to_one_room_raise_the_periods_needed():
    # Room 0's panelist conflicts with agency 1: its three entries all need room 1, which has
    # only two periods, although the rooms offer four slots for four entries in total.
    rs = rooms({1}, {2})
    conflicts = {1: frozenset({1})}
    result = build(entries(1, 1, 1, 2), rs, 2, conflicts)
    assert isinstance(result, Infeasible)
    assert (result.slots_needed, result.slots_available) == (4, 4)
    assert result.periods_needed == 3 and result.entries_without_room == ()


def test_rooms_sharing_every_panelist_count_as_one_room():
    rs = rooms({1}, {1})
    result = build(entries(1, 2, 3), rs, 2, {})
    assert isinstance(result, Infeasible)
    assert result.slots_available == 2 and result.periods_needed == 3


# ----------------------------------------------------------------- brute force
def brute_force_exists(es, rs, n_periods, conflicts) -> bool:
    cells = [(r, p) for p in range(n_periods) for r in range(len(rs))]
    for chosen in itertools.permutations(cells, len(es)):
        ok = True
        for e, (r, _p) in zip(es, chosen, strict=True):
            if any(e.agency_id in conflicts.get(x, frozenset()) for x in rs[r].panelists):
                ok = False
                break
        if ok:
            return True
    return False


@pytest.mark.parametrize("seed", range(40))
def test_build_agrees_with_brute_force_on_disjoint_rooms(seed):
    rnd = random.Random(seed)
    n_rooms = rnd.randint(1, 3)
    rs = rooms(*({10 * r + 1, 10 * r + 2} for r in range(n_rooms)))
    n_periods = rnd.randint(1, 3)
    es = entries(*(rnd.randint(1, 4) for _ in range(rnd.randint(1, 5))))
    conflicts = {
        p: frozenset(a for a in range(1, 5) if rnd.random() < 0.3) for r in rs for p in r.panelists
    }
    result = build(es, rs, n_periods, conflicts)
    exists = brute_force_exists(es, rs, n_periods, conflicts)
    assert isinstance(result, Plan) == exists
    if isinstance(result, Plan):
        valid(result, es, rs, n_periods, conflicts)
    else:
        assert result.periods_needed > n_periods or result.entries_without_room


# ----------------------------------------------------------------- hand moves
def test_a_move_into_a_clash_names_every_clash():
    rs = rooms({1, 2}, {2, 3}, {4})
    conflicts = {4: frozenset({9})}
    held = [Held(200, 0, 0), Held(201, 2, 1)]
    entry = EntrySpec(300, 9)
    assert check_move(entry, 1, 0, held, rs, conflicts) == [
        Clash("panelist_busy", entry_id=200, panelist_id=2, room=0)
    ]
    assert check_move(entry, 2, 1, held, rs, conflicts) == [
        Clash("conflict_of_interest", panelist_id=4),
        Clash("room_taken", entry_id=201),
    ]
    assert check_move(entry, 1, 1, held, rs, conflicts) == []
