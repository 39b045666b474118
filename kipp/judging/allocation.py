"""Automatic reviewer assignment, solved exactly as a flow problem (pure: no Flask, no DB).

Network: source → entry (capacity: reviewers it still needs) → reviewer (capacity 1 when the
pair is allowed) → sink (capacity: the reviewer's load cap L). An assignment is an integral
flow that saturates every source edge.

Guarantees of `solve()`:
1. Exact feasibility: `CapacityInsufficient` is raised if and only if no valid assignment
   exists (checked cheaply first: total capacity after conflicts, then entries with too few
   eligible reviewers; then by augmenting paths, which are exact — Ford–Fulkerson).
2. Validity: afterwards every entry has exactly `per_entry` distinct reviewers counting
   existing pairs (more only if existing pairs already exceed it: those entries get nothing);
   no new pair is forbidden or repeats an existing pair; no reviewer gets a new pair that
   lifts their load (existing + new) above `max_load` (one already at it gets nothing new).
3. Balance: the vector of final loads (existing + new) of the pool's reviewers is
   decreasingly minimal, and therefore also increasingly maximal, among ALL valid
   assignments: no valid assignment has a smaller maximum load, a larger minimum load, or
   fewer reviewers at the maximum. In particular, if some valid assignment has every two
   loads within one of each other, the result does too. (The feasible load vectors form an
   M-convex set; a vector there is dec-min iff no single unit can move from a reviewer with
   load ≥ k + 2 to one with load k — Frank & Murota, "Discrete Decreasing Minimization,
   Part I" — and the final phase applies such moves until none exists. The unit tests check
   this against brute-force enumeration.)
4. Determinism: the result depends only on the input values, never on input order.

Existing pairs are kept as given and not re-checked against conflicts: each counts toward its
entry's coverage, and toward its reviewer's load when the reviewer is in the pool.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


class CapacityInsufficient(Exception):
    """No valid assignment exists. `needed`/`available` count reviewer places; `reason` is
    total_capacity, entry_reviewers or no_flow; `entries` lists entries left short (sorted)."""

    def __init__(self, needed: int, available: int, detail: str, *, reason: str, entries=()):
        super().__init__(f"{detail} (needed {needed}, available {available})")
        self.needed, self.available, self.detail = needed, available, detail
        self.reason, self.entries = reason, sorted(entries)


@dataclass(frozen=True)
class Plan:
    pairs: list[tuple[int, int]]  # new (entry_id, reviewer_id), sorted
    loads: dict[int, int]  # final load (existing + new) of every pool reviewer
    new_loads: dict[int, int]  # new pairs per pool reviewer


class _Flow:
    """Current new pairs plus, for every ordered reviewer pair (g, t), the entries g holds
    that t could take over (t eligible, t not on it): the edges of the residual graph."""

    def __init__(self, pool, elig, cap, existing_load):
        self.pool, self.elig, self.cap, self.ex = pool, elig, cap, existing_load
        self.holders: dict[int, set[int]] = {e: set() for e in elig}
        self.held: dict[int, set[int]] = {r: set() for r in pool}
        self.give: dict[int, dict[int, set[int]]] = {g: {t: set() for t in pool} for g in pool}

    def load(self, r: int) -> int:
        return self.ex[r] + len(self.held[r])

    def room(self, r: int, level: int) -> int:
        return min(self.cap[r], max(0, level - self.ex[r])) - len(self.held[r])

    def add(self, r: int, e: int) -> None:
        for h in self.holders[e]:
            self.give[h][r].discard(e)
        self.holders[e].add(r)
        self.held[r].add(e)
        for t in self.elig[e]:
            if t not in self.holders[e]:
                self.give[r][t].add(e)

    def remove(self, r: int, e: int) -> None:
        self.holders[e].discard(r)
        self.held[r].discard(e)
        for t in self.elig[e]:
            self.give[r][t].discard(e)
        for h in self.holders[e]:
            self.give[h][r].add(e)

    def _reach(self, starts: list[int]) -> dict[int, int | None]:
        """BFS over 'u hands an entry to v' edges; parent map in discovery order."""
        parent: dict[int, int | None] = dict.fromkeys(starts)
        queue = deque(starts)
        while queue:
            u = queue.popleft()
            for v in self.pool:
                if v not in parent and self.give[u][v]:
                    parent[v] = u
                    queue.append(v)
        return parent

    def _shift(self, parent: dict[int, int | None], end: int) -> int:
        """Hand one entry along the BFS path ending at `end`; return the path's first reviewer.

        Witnesses are all taken before any move; the moves stay valid when applied in order
        because every reviewer on a simple path gains exactly one entry and loses another.
        """
        moves = []
        v = end
        while parent[v] is not None:
            u = parent[v]
            moves.append((u, min(self.give[u][v]), v))
            v = u
        for u, e, w in reversed(moves):
            self.remove(u, e)
            self.add(w, e)
        return v

    def augment(self, need: dict[int, int], level: int) -> list[int] | None:
        """Follow one augmenting path from a short entry to a reviewer with room at `level`.

        Returns None when it did; otherwise the reviewers reachable from short entries
        (every one of them is full at `level`), i.e. the flow is maximal at this level.
        """
        first: dict[int, int] = {}
        for e in sorted(e for e in need if len(self.holders[e]) < need[e]):
            for r in self.elig[e]:
                if r not in first and r not in self.holders[e]:
                    first[r] = e
        parent = self._reach(list(first))
        order = {r: i for i, r in enumerate(parent)}
        roomy = [r for r in parent if self.room(r, level) > 0]
        if not roomy:
            return list(parent)
        end = min(roomy, key=lambda r: (self.load(r), order[r]))
        start = self._shift(parent, end)
        self.add(start, first[start])
        return None

    def tighten(self) -> bool:
        """Move one unit from a reviewer with load ≥ k + 2 to one with load k, if possible."""
        for t in sorted(self.pool, key=lambda r: (-self.load(r), r)):
            if not self.held[t]:
                continue
            parent = self._reach([t])
            order = {r: i for i, r in enumerate(parent)}
            low = [s for s in parent if self.load(s) <= self.load(t) - 2]
            if low:
                self._shift(parent, min(low, key=lambda s: (self.load(s), order[s])))
                return True
        return False


def _check_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}")


def solve(
    reviewers: Mapping[int, Iterable[int]],
    entries: Iterable[int],
    per_entry: int,
    max_load: int,
    existing: Iterable[tuple[int, int]] = (),
) -> Plan:
    """Assign reviewers to entries; see the module docstring for the guarantees.

    `reviewers` maps each pool reviewer id to the entry ids they must not review (home
    agency, declared conflicts). `existing` holds (entry_id, reviewer_id) pairs to keep.
    Raises ValueError for bad arguments (duplicate entries, per_entry < 1, max_load < 0).
    """
    _check_int("per_entry", per_entry, 1)
    _check_int("max_load", max_load, 0)
    entry_list = list(entries)
    if len(set(entry_list)) != len(entry_list):
        raise ValueError("entry ids must be distinct")
    pool = sorted(reviewers)
    forbidden = {r: set(reviewers[r]) for r in pool}
    kept = set(existing)
    coverage = Counter(e for e, _ in kept)
    ex_load = Counter(r for _, r in kept if r in forbidden)
    ex = {r: ex_load[r] for r in pool}
    need = {e: per_entry - coverage[e] for e in sorted(entry_list) if coverage[e] < per_entry}
    cap = {r: max(0, max_load - ex[r]) for r in pool}
    elig = {
        e: [r for r in pool if cap[r] and e not in forbidden[r] and (e, r) not in kept]
        for e in need
    }
    total = sum(need.values())
    _precheck(need, elig, cap, pool, total)

    flow = _Flow(pool, elig, cap, ex)
    level = _lowest_level(need, elig, cap, ex, pool, total, max_load)
    for e in sorted(need, key=lambda e: (len(elig[e]), e)):  # most constrained first
        roomy = [r for r in elig[e] if flow.room(r, level) > 0]
        for r in sorted(roomy, key=lambda r: (flow.load(r), r))[: need[e]]:
            flow.add(r, e)
    while True:
        reach = flow.augment(need, level)
        if reach is None:
            continue
        short = [e for e in need if len(flow.holders[e]) < need[e]]
        if not short:
            break
        # Stuck: every reviewer reachable from a short entry is full at `level`. Jump to the
        # lowest level that gives one of them room; no level in between can change anything.
        grow = [flow.load(r) + 1 for r in reach if len(flow.held[r]) < cap[r]]
        if not grow:
            placed = total - sum(need[e] - len(flow.holders[e]) for e in short)
            raise CapacityInsufficient(
                total,
                placed,
                f"no assignment covers every entry; {len(short)} entries stay short",
                reason="no_flow",
                entries=short,
            )
        level = max(level + 1, min(grow))
    while flow.tighten():
        pass
    pairs = sorted((e, r) for r in pool for e in flow.held[r])
    return Plan(pairs, {r: flow.load(r) for r in pool}, {r: len(flow.held[r]) for r in pool})


def _precheck(need, elig, cap, pool, total) -> None:
    takeable = Counter(r for e in need for r in elig[e])
    available = sum(min(cap[r], takeable[r]) for r in pool)
    if available < total:
        raise CapacityInsufficient(
            total,
            available,
            "reviewers × max_load, after conflicts, cannot cover entries × per_entry",
            reason="total_capacity",
        )
    short = [e for e in need if len(elig[e]) < need[e]]
    if short:
        e = short[0]
        raise CapacityInsufficient(
            sum(need[e] for e in short),
            sum(len(elig[e]) for e in short),
            f"{len(short)} entries have fewer eligible reviewers than they need "
            f"(entry {e} needs {need[e]}, {len(elig[e])} eligible)",
            reason="entry_reviewers",
            entries=short,
        )


def _lowest_level(need, elig, cap, ex, pool, total, max_load) -> int:
    """Smallest load cap L whose counting bound Σ min(room at L, takeable) reaches `total`."""
    takeable = Counter(r for e in need for r in elig[e])

    def enough(level: int) -> bool:
        room = (min(cap[r], max(0, level - ex[r]), takeable[r]) for r in pool)
        return sum(room) >= total

    lo, hi = 0, max_load
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid + 1, hi)
    return lo
