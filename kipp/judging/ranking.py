"""Pure ranking rules: sheet totals, means, z-scores, ties, cuts, overrides, snapshots.

No Flask, no database: callers pass plain values and get plain values back, so the web pages,
the JSON API, exports and the selection snapshot all rank with the same rules.

Arithmetic guarantees
- Scores are `Decimal`, never floats. Totals, means and spreads are computed exactly (as
  fractions) and rounded once, half-up (a half goes away from zero), to 2 decimals.
- Z-scores need a square root: they are computed with 40 significant digits and an entry's
  mean z is rounded half-up to 4 decimals. Entries whose rounded scores are equal are tied.
- Only submitted sheets take part; an entry with no submitted sheet is not ranked: it is
  listed in `Ranking.unscored` (sorted ids) and never in `items` or the cut.
- Order: score descending, then entry id ascending. The id order among equal scores is for
  display only and decides nothing: equal scores share a rank (1, 2, 2, 4) and a cut that
  splits them is reported as undecided (`Cut.tied`) for the chair to resolve.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

MEAN, ZSCORE = "mean", "zscore"
TIE_AT_CUT, HIGH_DISAGREEMENT, MISSING_SHEETS = "tie_at_cut", "high_disagreement", "missing_sheets"
DEVIATES, NOT_STANDARDISED = "deviates", "not_standardised"
DISAGREEMENT_SPREAD = Decimal(20)
_CENT, _Z_PLACES, _Z_PRECISION = Decimal("0.01"), Decimal("0.0001"), 40
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


class InvalidValue(ValueError):
    """A score value is rejected; `code` is one of not_a_number, out_of_range, too_many_decimals."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class CriteriaMismatch(ValueError):
    """A sheet's codes differ from the round's criteria; both lists are sorted."""

    def __init__(self, missing: Sequence[str] = (), unknown: Sequence[str] = ()):
        parts = [f"missing criteria: {', '.join(missing)}"] if missing else []
        parts += [f"unknown criteria: {', '.join(unknown)}"] if unknown else []
        super().__init__("; ".join(parts))
        self.missing, self.unknown = list(missing), list(unknown)


def validate_value(v: object) -> Decimal:
    """Return `v` as a Decimal with exactly 2 decimal places, or raise `InvalidValue`.

    Accepts int, float (read by its shortest repr, so 85.1 is 85.10), Decimal and plain decimal
    strings ("85", "85.25"; surrounding blanks ignored). Rejects bool, NaN, infinities,
    exponent or other non-decimal strings, values outside 0..100 and more than 2 decimals
    (85.500 is fine: it equals 85.50). -0 becomes 0.00.
    """
    if isinstance(v, bool):
        raise InvalidValue("not_a_number", "A score must be a number, not true/false.")
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, float):
        if not math.isfinite(v):
            raise InvalidValue("not_a_number", "A score must be a finite number.")
        d = Decimal(repr(v))
    elif isinstance(v, Decimal):
        if not v.is_finite():
            raise InvalidValue("not_a_number", "A score must be a finite number.")
        d = v
    elif isinstance(v, str) and _NUMBER.fullmatch(v.strip()):
        d = Decimal(v.strip())
    else:
        raise InvalidValue("not_a_number", f"A score must be a number, got {v!r}.")
    if d < 0 or d > 100:
        raise InvalidValue("out_of_range", f"A score must be between 0 and 100, got {v}.")
    q = d.quantize(_CENT)
    if q != d:
        raise InvalidValue("too_many_decimals", f"A score has at most 2 decimals, got {v}.")
    return q if q != 0 else Decimal("0.00")


def sheet_total(
    values: Mapping[str, object], weights: Mapping[str, int], *, partial: bool = False
) -> Decimal:
    """Σ value × weight / 100, rounded half-up to 2 decimals, exactly.

    Every criterion must have a value, weight-0 ones included (they count 0); with
    `partial=True` (a draft's running total) missing values count 0 instead of raising.
    Raises `CriteriaMismatch` for missing/unknown codes, `InvalidValue` for a bad value and
    ValueError when weights are not non-negative integers summing to 100.
    """
    unknown = sorted(set(values) - set(weights))
    missing = [] if partial else sorted(set(weights) - set(values))
    if unknown or missing:
        raise CriteriaMismatch(missing, unknown)
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights.values()):
        raise ValueError("weights must be non-negative integers")
    if sum(weights.values()) != 100:
        raise ValueError("weights must sum to 100")
    acc = sum(
        (Fraction(validate_value(values[c])) * w for c, w in weights.items() if c in values),
        Fraction(0),
    )
    return half_up(acc / 100, 2)


def half_up(q: Fraction | Decimal | int, places: int) -> Decimal:
    """Round exactly, half away from zero, to `places` decimals (no context, no floats)."""
    scaled = Fraction(q) * 10**places
    n = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(f"{-n if scaled < 0 else n}E-{places}")


@dataclass(frozen=True)
class Sheet:
    """One submitted score sheet (drafts never reach the ranking)."""

    entry_id: int
    reviewer_id: int
    total: Decimal

    def __post_init__(self):
        t = self.total
        if not isinstance(t, Decimal) or not t.is_finite() or not 0 <= t <= 100:
            raise ValueError(f"sheet total must be a Decimal in 0..100, got {t!r}")


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


def _scaled(totals: Sequence[Decimal]) -> tuple[list[int], int]:
    """Totals as integers k with total = k / 10**p (one common, exact scale p >= 0).

    Integer sums are exact and much cheaper than Fraction arithmetic; every result computed
    from them equals the Fraction computation (same rationals, same roundings).
    """
    p = max((-t.as_tuple().exponent for t in totals), default=0)
    p = max(p, 0)
    return [int(t.scaleb(p)) for t in totals], p


def _half_up_ratio(num: int, den: int, places: int) -> Decimal:
    """half_up(Fraction(num, den), places) for num >= 0, den > 0, without Fractions."""
    scaled = num * 10**places
    n = (2 * scaled + den) // (2 * den)
    return Decimal(f"{n}E-{places}")


def _spread(totals: Sequence[Decimal]) -> Decimal:
    d = max(totals) - min(totals)  # exact: few digits
    return d.quantize(_CENT) if d.as_tuple().exponent >= -2 else half_up(d, 2)


def _group(sheets: Sequence[Sheet], entry_ids: Iterable[int]) -> dict[int, list[Sheet]]:
    by_entry: dict[int, list[Sheet]] = {e: [] for e in entry_ids}
    seen: set[tuple[int, int]] = set()
    for s in sheets:
        if s.entry_id not in by_entry:
            raise ValueError(f"sheet for entry {s.entry_id}, which is not in entry_ids")
        if (s.entry_id, s.reviewer_id) in seen:
            raise ValueError(f"two sheets by reviewer {s.reviewer_id} for entry {s.entry_id}")
        seen.add((s.entry_id, s.reviewer_id))
        by_entry[s.entry_id].append(s)
    return by_entry


def _rank(
    method: str,
    scores: Mapping[int, Decimal],
    by_entry: Mapping[int, list[Sheet]],
    expected: Mapping[int, int] | int,
    cut_size: int,
    disagreement: Decimal,
) -> Ranking:
    order = sorted(scores, key=lambda e: (-scores[e], e))
    items: list[Standing] = []
    for i, e in enumerate(order):
        totals = [s.total for s in by_entry[e]]
        same = items and items[-1].score == scores[e]
        rank = items[-1].rank if same else i + 1
        items.append(Standing(e, scores[e], len(totals), _spread(totals), rank))
    the_cut = cut(items, cut_size)
    tied = set(the_cut.tied)
    for i, st in enumerate(items):
        want = expected if isinstance(expected, int) else expected.get(st.entry_id, 0)
        flags = (TIE_AT_CUT,) if st.entry_id in tied else ()
        flags += (HIGH_DISAGREEMENT,) if st.spread >= disagreement else ()
        flags += (MISSING_SHEETS,) if st.sheets < want else ()
        if flags:
            items[i] = Standing(st.entry_id, st.score, st.sheets, st.spread, st.rank, flags)
    unscored = sorted(e for e, ss in by_entry.items() if not ss)
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
    sheets = list(sheets)
    by_entry = _group(sheets, entry_ids)
    ks, p = _scaled([s.total for s in sheets])
    k_of = {id(s): k for s, k in zip(sheets, ks, strict=True)}
    scores = {
        e: _half_up_ratio(sum(k_of[id(s)] for s in ss), len(ss) * 10**p, 2)
        for e, ss in by_entry.items()
        if ss
    }
    return _rank(MEAN, scores, by_entry, expected_sheets, cut_size, disagreement)


def _int_moments(ks: Sequence[int], p: int) -> tuple[Fraction, Fraction]:
    """Exact mean and population variance of the values k / 10**p, from integer sums."""
    n, total, squares = len(ks), sum(ks), sum(k * k for k in ks)
    scale = 10**p
    return Fraction(total, n * scale), Fraction(n * squares - total * total, n * n * scale * scale)


def _dec(q: Fraction) -> Decimal:
    return Decimal(q.numerator) / Decimal(q.denominator)


def reviewer_statistics(
    sheets: Iterable[Sheet], *, deviation: Decimal = Decimal(1)
) -> tuple[list[ReviewerStat], Decimal | None, Decimal | None]:
    """Per reviewer mean, population sd and count, plus the panel's mean and sd of all totals.

    A reviewer `deviates` when |reviewer mean − panel mean| ≥ `deviation` × panel sd, decided
    exactly on unrounded values (compared squared, so no square root is involved); nobody
    deviates when the panel sd is 0. `not_standardised` marks reviewers whose z-scores are
    all 0 (one sheet, or zero sd). Returns ([], None, None) for no sheets.
    """
    sheets = list(sheets)
    if not sheets:
        return [], None, None
    ks, p = _scaled([s.total for s in sheets])
    by_rev: dict[int, list[int]] = defaultdict(list)
    for s, k in zip(sheets, ks, strict=True):
        by_rev[s.reviewer_id].append(k)
    p_mean, p_var = _int_moments(ks, p)
    k2 = Fraction(deviation) ** 2
    stats = []
    with localcontext() as ctx:
        ctx.prec = _Z_PRECISION
        for r in sorted(by_rev):
            m, var = _int_moments(by_rev[r], p)
            flags = (DEVIATES,) if p_var > 0 and (m - p_mean) ** 2 >= k2 * p_var else ()
            flags += (NOT_STANDARDISED,) if len(by_rev[r]) < 2 or var == 0 else ()
            sd = half_up(_dec(var).sqrt(), 2)
            stats.append(ReviewerStat(r, len(by_rev[r]), half_up(m, 2), sd, flags))
        p_sd = half_up(_dec(p_var).sqrt(), 2)
    return stats, half_up(p_mean, 2), p_sd


def rank_zscore(
    sheets: Iterable[Sheet],
    entry_ids: Iterable[int],
    expected_sheets: Mapping[int, int] | int,
    cut_size: int,
    *,
    disagreement: Decimal = DISAGREEMENT_SPREAD,
    deviation: Decimal = Decimal(1),
) -> Ranking:
    """Rank by the mean of each entry's z-scores; z = (total − reviewer mean) / reviewer sd.

    Each reviewer is standardised over their own submitted sheets in the round (population
    sd), which removes harsh/lenient offsets and differences in how widely they score. A
    reviewer with a single sheet or zero sd has no scale to standardise by: their sheets get
    z = 0 ("typical for this reviewer"), so they neither lift nor sink an entry and the
    entry's other reviewers decide; such reviewers are flagged `not_standardised`.
    Spread, flags, ties and the cut follow `rank_mean` (spread stays in raw totals).
    Reviewer statistics come from `reviewer_statistics(deviation=...)`.
    """
    sheets = list(sheets)
    by_entry = _group(sheets, entry_ids)
    ks, p = _scaled([s.total for s in sheets])
    k_of = {id(s): k for s, k in zip(sheets, ks, strict=True)}
    by_rev: dict[int, list[int]] = defaultdict(list)
    for s, k in zip(sheets, ks, strict=True):
        by_rev[s.reviewer_id].append(k)
    scores: dict[int, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = _Z_PRECISION
        # total - mean = (n*k - Σk) / (n * 10**p); Decimal division is correctly rounded, so
        # dividing the unreduced integers gives exactly _dec(Fraction(total) - mean).
        scale: dict[int, tuple[int, int, Decimal | None]] = {}
        for r, xs in by_rev.items():
            _m, var = _int_moments(xs, p)
            sd = None if len(xs) < 2 or var == 0 else _dec(var).sqrt()
            scale[r] = (len(xs), sum(xs), sd)
        den_p = 10**p
        for e, ss in by_entry.items():
            if not ss:
                continue
            zs = []
            for s in ss:
                n, total, sd = scale[s.reviewer_id]
                if sd is None:
                    zs.append(Decimal(0))
                else:
                    diff = Decimal(n * k_of[id(s)] - total) / Decimal(n * den_p)
                    zs.append(diff / sd)
            z = (sum(zs) / len(zs)).quantize(_Z_PLACES, rounding=ROUND_HALF_UP)
            scores[e] = z if z != 0 else Decimal("0.0000")
    ranking = _rank(ZSCORE, scores, by_entry, expected_sheets, cut_size, disagreement)
    stats, p_mean, p_sd = reviewer_statistics(sheets, deviation=deviation)
    return replace(ranking, reviewers=stats, panel_mean=p_mean, panel_sd=p_sd)


def cut(standings: Sequence[Standing], size: int) -> Cut:
    """Split ranked standings (score descending) at `size` places.

    Fewer or exactly `size` standings: all are selected. Otherwise, if the standing at place
    `size` has the same score as the next one, the cut is undecided: `selected` holds those
    strictly above that score, `tied` every standing with that score (inside and outside the
    cut), and `places_left` = size − len(selected) of them fit; the caller must obtain an
    explicit decision. Raises ValueError for a negative size or unsorted standings.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("cut size must be a non-negative integer")
    scores = [s.score for s in standings]
    if any(a < b for a, b in zip(scores, scores[1:], strict=False)):
        raise ValueError("standings must be sorted by score, highest first")
    ids = [s.entry_id for s in standings]
    if len(ids) <= size:
        return Cut(size, ids, [], 0)
    if size == 0 or scores[size - 1] != scores[size]:
        return Cut(size, ids[:size], [], 0)
    boundary = scores[size - 1]
    selected = [s.entry_id for s in standings if s.score > boundary]
    tied = [s.entry_id for s in standings if s.score == boundary]
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
