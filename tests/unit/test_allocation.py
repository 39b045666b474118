"""Automatic assignment: validity, exact feasibility, optimal balance, determinism, scale."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import pytest

from kipp.judging.allocation import CapacityInsufficient, solve


def check_valid(plan, reviewers, entries, per_entry, max_load, existing=()):
    """Every guarantee except balance, checked from the outside."""
    kept = set(existing)
    new = plan.pairs
    assert new == sorted(set(new)), "sorted, no duplicate pairs"
    assert not kept & set(new), "existing pairs are never repeated"
    for e, r in new:
        assert r in reviewers and e in entries and e not in reviewers[r]
    coverage = Counter(e for e, _ in kept | set(new))
    before = Counter(e for e, _ in kept)
    for e in entries:
        assert coverage[e] == max(per_entry, before[e])
    new_load = Counter(r for _, r in new)
    ex_load = Counter(r for _, r in kept if r in reviewers)
    assert set(plan.loads) == set(plan.new_loads) == set(reviewers)
    for r in reviewers:
        assert plan.new_loads[r] == new_load[r]
        assert plan.loads[r] == ex_load[r] + new_load[r]
        if new_load[r]:
            assert plan.loads[r] <= max_load


def brute_force(reviewers, entries, per_entry, max_load, existing=()):
    """All valid assignments' final load vectors (pool order), by enumeration."""
    kept = set(existing)
    pool = sorted(reviewers)
    ex = Counter(r for _, r in kept if r in reviewers)
    cap = {r: max(0, max_load - ex[r]) for r in pool}
    cover = Counter(e for e, _ in kept)
    options = []
    for e in entries:
        need = max(0, per_entry - cover[e])
        elig = [r for r in pool if cap[r] and e not in reviewers[r] and (e, r) not in kept]
        options.append(list(itertools.combinations(elig, need)))
    vectors = set()
    for choice in itertools.product(*options):
        load = Counter(r for combo in choice for r in combo)
        if all(load[r] <= cap[r] for r in pool):
            vectors.add(tuple(ex[r] + load[r] for r in pool))
    return vectors


def random_case(rng, max_reviewers=4, max_entries=4):
    n_rev = rng.randint(1, max_reviewers)
    pool = list(range(1, n_rev + 1))
    entries = list(range(101, 101 + rng.randint(0, max_entries)))
    reviewers = {r: {e for e in entries if rng.random() < 0.25} for r in pool}
    per_entry = rng.randint(1, min(3, n_rev))
    max_load = rng.randint(0, 4)
    existing = {
        (rng.choice(entries + [999]), rng.choice(pool + [77]))
        for _ in range(rng.randint(0, 3))
        if entries
    }
    return reviewers, entries, per_entry, max_load, existing


# --- balance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n_entries, per_entry, n_reviewers, max_load",
    [
        (10, 2, 4, 10),  # 20 / 4 = 5 each
        (10, 2, 3, 10),  # 20 / 3 → 7, 7, 6
        (7, 3, 5, 100),
        (1, 1, 5, 1),  # one reviewer busy, four idle: still within one
        (99, 5, 20, 25),
        (45, 20, 20, 45),  # panel round: every panelist on every entry
        (50, 2, 40, 3),
    ],
)
def test_loads_differ_by_at_most_one_without_conflicts(n_entries, per_entry, n_reviewers, max_load):
    reviewers = {r: set() for r in range(1, n_reviewers + 1)}
    entries = list(range(1, n_entries + 1))
    plan = solve(reviewers, entries, per_entry, max_load)
    check_valid(plan, reviewers, entries, per_entry, max_load)
    total = n_entries * per_entry
    assert sorted(plan.loads.values()) == sorted(
        [total // n_reviewers + 1] * (total % n_reviewers)
        + [total // n_reviewers] * (n_reviewers - total % n_reviewers)
    )
    assert len(plan.pairs) == total


def test_conflicts_keep_the_rest_balanced():
    # reviewer 4 may review only entry 1; the others share the remaining 11
    entries = list(range(1, 13))
    reviewers = {1: set(), 2: set(), 3: set(), 4: set(range(2, 13))}
    plan = solve(reviewers, entries, 1, 12)
    check_valid(plan, reviewers, entries, 1, 12)
    assert sorted(plan.loads.values()) == [1, 3, 4, 4] and plan.loads[4] == 1
    assert (1, 4) in plan.pairs


def test_most_balanced_is_optimal_against_brute_force():
    """Small random instances: raises iff none exists; else the load vector is dec-min and
    inc-max among every valid assignment (found by enumeration)."""
    rng = random.Random(20261101)
    solved = infeasible = 0
    for _ in range(250):
        case = random_case(rng)
        vectors = brute_force(*case)
        if not vectors:
            with pytest.raises(CapacityInsufficient) as info:
                solve(*case)
            assert info.value.available < info.value.needed
            infeasible += 1
            continue
        plan = solve(*case)
        check_valid(plan, *case)
        got = tuple(plan.loads[r] for r in sorted(case[0]))
        assert got in vectors
        assert sorted(got, reverse=True) == min(sorted(v, reverse=True) for v in vectors)
        assert sorted(got) == max(sorted(v) for v in vectors)
        solved += 1
    assert solved > 50 and infeasible > 20  # both branches were exercised


def test_fuzz_medium_instances_are_valid_and_deterministic():
    rng = random.Random(99)
    for _ in range(40):
        pool = list(range(1, rng.randint(2, 12)))
        entries = rng.sample(range(1, 500), rng.randint(1, 80))
        reviewers = {r: {e for e in entries if rng.random() < 0.2} for r in pool}
        per_entry = rng.randint(1, min(3, len(pool)))
        max_load = rng.randint(1, 60)
        existing = {(rng.choice(entries), rng.choice(pool)) for _ in range(rng.randint(0, 10))}
        try:
            plan = solve(reviewers, entries, per_entry, max_load, existing)
        except CapacityInsufficient as exc:
            assert exc.needed > exc.available
            continue
        check_valid(plan, reviewers, entries, per_entry, max_load, existing)
        # same problem, every input in another order → the same plan
        shuffled = dict(rng.sample(list(reviewers.items()), len(reviewers)))
        shuffled = {r: set(rng.sample(sorted(f), len(f))) for r, f in shuffled.items()}
        again = solve(
            shuffled,
            rng.sample(entries, len(entries)),
            per_entry,
            max_load,
            rng.sample(sorted(existing), len(existing)),
        )
        assert again == plan


# --- infeasible --------------------------------------------------------------------------


def test_total_capacity_counts_conflicts():
    entries = list(range(1, 11))  # 10 × 2 = 20 places
    reviewers = {1: set(), 2: set(), 3: set(entries)}  # reviewer 3 conflicts with everything
    with pytest.raises(CapacityInsufficient) as info:
        solve(reviewers, entries, 2, 9)  # raw 3 × 9 = 27, but only 18 usable
    exc = info.value
    assert (exc.needed, exc.available, exc.reason) == (20, 18, "total_capacity")
    assert "needed 20" in str(exc) and "available 18" in str(exc)
    plan = solve(reviewers, entries, 2, 10)  # exactly enough
    assert plan.loads == {1: 10, 2: 10, 3: 0}


def test_too_few_reviewers_overall():
    with pytest.raises(CapacityInsufficient) as info:
        solve({1: set(), 2: set(), 3: set()}, range(1, 11), 2, 6)
    assert (info.value.needed, info.value.available) == (20, 18)
    with pytest.raises(CapacityInsufficient) as info:
        solve({}, [1], 1, 5)
    assert (info.value.needed, info.value.available) == (1, 0)
    with pytest.raises(CapacityInsufficient):
        solve({1: set()}, [1], 1, 0)


def test_entry_with_fewer_eligible_reviewers_than_needed():
    reviewers = {1: {5}, 2: {5}, 3: set(), 4: set()}
    with pytest.raises(CapacityInsufficient) as info:
        solve(reviewers, range(1, 7), 3, 100)  # entry 5: only 3 and 4 are free of conflict
    exc = info.value
    assert (exc.reason, exc.entries, exc.needed, exc.available) == ("entry_reviewers", [5], 3, 2)
    assert "entry 5" in exc.detail
    with pytest.raises(CapacityInsufficient) as info:
        solve({1: set()}, [1, 2], 2, 10)  # per_entry above the pool size: counting catches it
    assert (info.value.reason, info.value.needed, info.value.available) == ("total_capacity", 4, 2)


def test_exact_flow_detects_what_counting_misses():
    # entries 1–3 may only go to reviewers 1 and 2; entry 4 only to 3 and 4; max load 1.
    # Capacity 4 ≥ 4 places and every entry has 2 eligible reviewers, yet 1–3 cannot all fit.
    reviewers = {1: {4}, 2: {4}, 3: {1, 2, 3}, 4: {1, 2, 3}}
    with pytest.raises(CapacityInsufficient) as info:
        solve(reviewers, [1, 2, 3, 4], 1, 1)
    exc = info.value
    assert (exc.reason, exc.needed, exc.available, exc.entries) == ("no_flow", 4, 3, [3])
    plan = solve(reviewers, [1, 2, 3, 4], 1, 2)
    check_valid(plan, reviewers, [1, 2, 3, 4], 1, 2)
    assert sorted(plan.loads.values()) == [0, 1, 1, 2]


def test_bad_arguments():
    for kwargs in ({"per_entry": 0}, {"per_entry": True}, {"max_load": -1}):
        args = {"per_entry": 1, "max_load": 1, **kwargs}
        with pytest.raises(ValueError):
            solve({1: set()}, [1], **args)
    with pytest.raises(ValueError, match="distinct"):
        solve({1: set()}, [1, 1], 1, 5)


# --- existing assignments ----------------------------------------------------------------


def test_existing_pairs_count_and_are_never_repeated():
    reviewers = {1: set(), 2: set(), 3: set()}
    plan = solve(reviewers, [1, 2], 2, 5, existing=[(1, 1)])
    check_valid(plan, reviewers, [1, 2], 2, 5, [(1, 1)])
    assert len(plan.pairs) == 3 and (1, 1) not in plan.pairs
    assert sorted(plan.loads.values()) == [1, 1, 2]  # 4 incl. the existing one
    assert sum(plan.new_loads.values()) == 3 and plan.loads[1] >= 1


def test_existing_pairs_edge_cases():
    reviewers = {1: {1}, 2: set(), 3: set()}
    existing = [
        (1, 1),  # forbidden, but kept as given and counted
        (1, 77),  # reviewer outside the pool still covers entry 1
        (2, 2), (3, 2), (4, 2),  # reviewer 2 already at max load 3 (entry 4 not in this run)
    ]  # fmt: skip
    plan = solve(reviewers, [1, 2, 3], 2, 3, existing)
    check_valid(plan, reviewers, [1, 2, 3], 2, 3, existing)
    assert not any(e == 1 for e, _ in plan.pairs)  # entry 1 already has two reviewers
    assert plan.new_loads[2] == 0 and plan.loads[2] == 3
    # entries 2 and 3 need one each, from reviewers 1 (load 1) and 3 (load 0): most balanced
    # final loads are {1, 2, 3} whichever way they go
    assert len(plan.pairs) == 2 and sorted(plan.loads.values()) == [1, 2, 3]


def test_nothing_to_do():
    plan = solve({1: set(), 2: set()}, [1], 1, 0, existing=[(1, 2)])
    assert plan.pairs == [] and plan.loads == {1: 0, 2: 1} and plan.new_loads == {1: 0, 2: 0}
    assert solve({}, [], 2, 0).pairs == []


# --- scale -------------------------------------------------------------------------------


def test_full_size_competition():
    """3,500 entries × 2 reviewers × 40 evaluators with home-agency conflicts (no timing)."""
    rng = random.Random(2026)
    entries = list(range(1, 3501))
    agency_of = {e: rng.randrange(550) for e in entries}
    by_agency: dict[int, set[int]] = {}
    for e, a in agency_of.items():
        by_agency.setdefault(a, set()).add(e)
    reviewers = {}
    for r in range(1001, 1041):
        home_and_declared = rng.sample(range(550), 4)
        reviewers[r] = set().union(*(by_agency.get(a, set()) for a in home_and_declared))
    existing = [(e, 1001 + e % 40) for e in entries[:40] if e not in reviewers[1001 + e % 40]]
    plan = solve(reviewers, entries, 2, 200, existing)
    check_valid(plan, reviewers, entries, 2, 200, existing)
    assert set(plan.loads.values()) == {175}  # 7,000 places / 40 = 175 exactly
    assert len(plan.pairs) == 7000 - len(existing)
