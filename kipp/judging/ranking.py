"""Pure ranking rules: means, ties, cuts and overrides (z-scores: `zscore`; totals: `totals`).

No Flask, no database: callers pass plain values and get plain values back, so the web pages,
the JSON API, exports and the selection snapshot all rank with the same rules.

Arithmetic guarantees
- Scores are `Decimal`, never floats. Means and spreads are computed exactly (as integer
  ratios) and rounded once, half-up (a half goes away from zero), to 2 decimals.
- Z-scores need a square root: they are computed with 40 significant digits and an entry's
  mean z is rounded half-up to 4 decimals. Entries whose rounded scores are equal are tied.
- Only submitted sheets take part; an entry with no submitted sheet is not ranked: it is
  listed in `Ranking.unscored` (sorted ids) and never in `items` or the cut.
- Order: score descending, then entry id ascending. The id order among equal scores is for
  display only and decides nothing: equal scores share a rank (1, 2, 2, 4) and a cut that
  splits them is reported as undecided (`Cut.tied`) for the chair to resolve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

MEAN, ZSCORE = "mean", "zscore"
TIE_AT_CUT, HIGH_DISAGREEMENT, MISSING_SHEETS = "tie_at_cut", "high_disagreement", "missing_sheets"
DEVIATES, NOT_STANDARDISED = "deviates", "not_standardised"
DISAGREEMENT_SPREAD = Decimal(20)


class _SheetFields(NamedTuple):
    entry_id: int
    reviewer_id: int
    total: Decimal


class Sheet(_SheetFields):
    """One submitted score sheet (drafts never reach the ranking); the total is checked.

    A tuple (a round ranks thousands of sheets: a tuple is several times cheaper to build
    than a frozen dataclass), compared and hashed as one.
    """

    __slots__ = ()

    def __new__(cls, entry_id: int, reviewer_id: int, total: Decimal) -> Sheet:
        if type(total) is not Decimal or not total.is_finite() or not 0 <= total <= 100:
            raise ValueError(f"sheet total must be a Decimal in 0..100, got {total!r}")
        return tuple.__new__(cls, (entry_id, reviewer_id, total))


@dataclass(frozen=True)
class Standing:
    entry_id: int
    score: Decimal  # mean: mean of submitted totals (2 dp); zscore: mean z (4 dp); half-up
    sheets: int  # submitted sheets
    spread: Decimal  # max − min submitted total; 0.00 for a single sheet (nothing disagrees)
    rank: int  # competition ranking: 1 + number of entries with a strictly higher score
    flags: tuple[str, ...] = ()  # in the order tie_at_cut, high_disagreement, missing_sheets


@dataclass(frozen=True)
class Cut:
    """Where `size` places fall. Undecided when `tied` is non-empty (see `cut`)."""

    size: int
    selected: list[int]
    tied: list[int]
    places_left: int  # places still to fill from `tied`; 0 when decided

    @property
    def tie_at_cut(self) -> list[int]:
        return self.tied

    @property
    def decided(self) -> bool:
        return not self.tied


@dataclass(frozen=True)
class ReviewerStat:
    reviewer_id: int
    sheets: int
    mean: Decimal  # 2 dp half-up, display only
    sd: Decimal  # population sd, 2 dp half-up, display only
    flags: tuple[str, ...] = ()  # deviates, not_standardised


@dataclass(frozen=True)
class Ranking:
    method: str
    items: list[Standing]
    cut: Cut
    unscored: list[int] = field(default_factory=list)
    reviewers: list[ReviewerStat] = field(default_factory=list)
    panel_mean: Decimal | None = None
    panel_sd: Decimal | None = None


def scaled_totals(totals: Sequence[Decimal]) -> tuple[list[int], int]:
    """Totals as integers k with total = k / 10**p (one common, exact scale p >= 0).

    Integer sums are exact and much cheaper than Fraction arithmetic; every result computed
    from them equals the Fraction computation (same rationals, same roundings). Totals with at
    most 2 decimals (every stored total) take the fast path, p = 2.
    """
    ks = []
    for t in totals:
        num, den = t.as_integer_ratio()
        if 100 % den:
            break
        ks.append(num * (100 // den))
    else:
        return ks, 2
    p = max(0, max(-t.as_tuple().exponent for t in totals))
    return [int(t.scaleb(p)) for t in totals], p


def _half_up_ratio(num: int, den: int, places: int) -> Decimal:
    """half_up(Fraction(num, den), places) for num >= 0, den > 0, without Fractions."""
    scaled = num * 10**places
    n = (2 * scaled + den) // (2 * den)
    return Decimal(f"{n}E-{places}")


class SheetPool(NamedTuple):
    """Sheets checked and grouped: `ks[i]` is `sheets[i].total` scaled by 10**p, `by_entry`
    maps every entry id (scored or not) to the scaled totals of its sheets, in input order."""

    sheets: list[Sheet]
    ks: list[int]
    p: int
    by_entry: dict[int, list[int]]


def pool_sheets(sheets: Iterable[Sheet], entry_ids: Iterable[int]) -> SheetPool:
    """Scale and group the sheets (shared by both methods). Raises ValueError for a sheet of
    an entry outside `entry_ids` or two sheets of one reviewer for one entry."""
    sheets = list(sheets)
    ks, p = scaled_totals([s.total for s in sheets])
    by_entry: dict[int, list[int]] = {e: [] for e in entry_ids}
    seen: set[tuple[int, int]] = set()
    for s, k in zip(sheets, ks, strict=True):
        found = by_entry.get(s.entry_id)
        if found is None:
            raise ValueError(f"sheet for entry {s.entry_id}, which is not in entry_ids")
        key = (s.entry_id, s.reviewer_id)
        if key in seen:
            raise ValueError(f"two sheets by reviewer {s.reviewer_id} for entry {s.entry_id}")
        seen.add(key)
        found.append(k)
    return SheetPool(sheets, ks, p, by_entry)


def rank_pool(
    method: str,
    scores: Mapping[int, Decimal],
    pool: SheetPool,
    expected: Mapping[int, int] | int,
    cut_size: int,
    disagreement: Decimal,
) -> Ranking:
    """Order, share ranks, cut and flag entries by their `scores` (shared by both methods)."""
    # Entry id ascending among equal scores: a stable sort by id, then by score (reverse=True
    # keeps the order of equal keys).
    order = sorted(sorted(scores), key=scores.__getitem__, reverse=True)
    ordered = [scores[e] for e in order]
    the_cut = _cut(order, ordered, cut_size)
    tied = set(the_cut.tied)
    by_entry, den = pool.by_entry, 10**pool.p
    items: list[Standing] = []
    rank, previous = 0, None
    for i, e in enumerate(order):
        score = ordered[i]
        if score != previous:
            rank, previous = i + 1, score
        ks = by_entry[e]
        spread = _half_up_ratio(max(ks) - min(ks), den, 2)
        want = expected if isinstance(expected, int) else expected.get(e, 0)
        flags = (TIE_AT_CUT,) if e in tied else ()
        flags += (HIGH_DISAGREEMENT,) if spread >= disagreement else ()
        flags += (MISSING_SHEETS,) if len(ks) < want else ()
        items.append(Standing(e, score, len(ks), spread, rank, flags))
    unscored = sorted(e for e, ks in by_entry.items() if not ks)
    return Ranking(method, items, the_cut, unscored)


def rank_mean(
    sheets: Iterable[Sheet],
    entry_ids: Iterable[int],
    expected_sheets: Mapping[int, int] | int,
    cut_size: int,
    *,
    disagreement: Decimal = DISAGREEMENT_SPREAD,
) -> Ranking:
    """Rank by the mean of each entry's submitted totals (exact, then 2 dp half-up).

    `expected_sheets` is a number for every entry or a map (absent entry → 0); fewer
    submitted sheets than expected flags `missing_sheets`. A spread ≥ `disagreement` flags
    `high_disagreement`; entries in `cut.tied` are flagged `tie_at_cut`. Raises ValueError
    for a sheet of an entry outside `entry_ids` or two sheets of one reviewer for one entry.
    """
    pool = pool_sheets(sheets, entry_ids)
    den = 10**pool.p
    scores = {e: _half_up_ratio(sum(ks), len(ks) * den, 2) for e, ks in pool.by_entry.items() if ks}
    return rank_pool(MEAN, scores, pool, expected_sheets, cut_size, disagreement)


def cut(standings: Sequence[Standing], size: int) -> Cut:
    """Split ranked standings (score descending) at `size` places.

    Fewer or exactly `size` standings: all are selected. Otherwise, if the standing at place
    `size` has the same score as the next one, the cut is undecided: `selected` holds those
    strictly above that score, `tied` every standing with that score (inside and outside the
    cut), and `places_left` = size − len(selected) of them fit; the caller must obtain an
    explicit decision. Raises ValueError for a negative size or unsorted standings.
    """
    return _cut([s.entry_id for s in standings], [s.score for s in standings], size)


def _cut(ids: list[int], scores: list[Decimal], size: int) -> Cut:
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("cut size must be a non-negative integer")
    if any(a < b for a, b in zip(scores, scores[1:], strict=False)):
        raise ValueError("standings must be sorted by score, highest first")
    if len(ids) <= size:
        return Cut(size, ids, [], 0)
    if size == 0 or scores[size - 1] != scores[size]:
        return Cut(size, ids[:size], [], 0)
    boundary = scores[size - 1]
    selected = [e for e, s in zip(ids, scores, strict=True) if s > boundary]
    tied = [e for e, s in zip(ids, scores, strict=True) if s == boundary]
    return Cut(size, selected, tied, size - len(selected))


def overrides_needing_justification(ranked: Sequence[Standing], chosen: Iterable[int]) -> list[int]:
    """Chosen entries that take a place over a strictly higher-scored unchosen entry.

    Entry e (score s) needs a written reason iff some unchosen ranked entry scores > s;
    choosing among equal scores needs none. Returned in ranking order. Raises ValueError
    when a chosen id is not in `ranked` (unscored entries cannot be chosen by rank).
    """
    chosen = set(chosen)
    unknown = chosen - {s.entry_id for s in ranked}
    if unknown:
        raise ValueError(f"chosen entries not in the ranking: {sorted(unknown)}")
    left_out = [s.score for s in ranked if s.entry_id not in chosen]
    if not left_out:
        return []
    best_left_out = max(left_out)
    return [s.entry_id for s in ranked if s.entry_id in chosen and s.score < best_left_out]


# ----------------------------------------------------------------- the pass mark
BELOW_PASS_MARK = "below_pass_mark"


def flag_below_pass_mark(ranking: Ranking, pass_mark: Decimal | None) -> Ranking:
    """`ranking` with `below_pass_mark` appended to the flags of every ranked entry whose score
    is strictly below `pass_mark` (a score equal to it passes). Only a `mean` ranking is compared
    (its scores are 0–100 means); a z-score ranking, or no pass mark, is returned unchanged."""
    if pass_mark is None or ranking.method != MEAN:
        return ranking
    items = [
        replace(s, flags=(*s.flags, BELOW_PASS_MARK)) if s.score < pass_mark else s
        for s in ranking.items
    ]
    return replace(ranking, items=items)


def needing_justification(ranked: Sequence[Standing], chosen: Iterable[int]) -> list[int]:
    """Chosen entries that need a written reason, in ranking order: those taking a place over a
    strictly higher-scored unchosen entry (`overrides_needing_justification`) and those flagged
    `below_pass_mark`. Raises ValueError when a chosen id is not in `ranked`."""
    chosen = set(chosen)
    overrides = set(overrides_needing_justification(ranked, chosen))
    return [
        s.entry_id
        for s in ranked
        if s.entry_id in overrides or (s.entry_id in chosen and BELOW_PASS_MARK in s.flags)
    ]
