"""Pure z-score ranking: each reviewer standardised over their own sheets of the round.

No Flask, no database. Types, ties, flags and the cut are those of `kipp.judging.ranking`.
Z-scores need a square root: they are computed with 40 significant digits and an entry's mean
z is rounded half-up to 4 decimals; reviewer statistics (display only) are rounded half-up to
2 decimals, and the `deviates` rule is decided exactly on unrounded values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from kipp.judging.ranking import (
    DEVIATES,
    DISAGREEMENT_SPREAD,
    NOT_STANDARDISED,
    ZSCORE,
    Ranking,
    ReviewerStat,
    Sheet,
    pool_sheets,
    rank_pool,
    scaled_totals,
)
from kipp.judging.totals import half_up

_Z_PLACES, _Z_PRECISION = Decimal("0.0001"), 40


def _int_moments(ks: Sequence[int], p: int) -> tuple[Fraction, Fraction]:
    """Exact mean and population variance of the values k / 10**p, from integer sums."""
    n, total, squares = len(ks), sum(ks), sum([k * k for k in ks])
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
    ks, p = scaled_totals([s.total for s in sheets])
    return _reviewer_statistics(ks, p, _by_reviewer(sheets, ks), deviation)


def _by_reviewer(sheets: Sequence[Sheet], ks: Sequence[int]) -> dict[int, list[int]]:
    by_rev: dict[int, list[int]] = defaultdict(list)
    for s, k in zip(sheets, ks, strict=True):
        by_rev[s.reviewer_id].append(k)
    return by_rev


def _reviewer_statistics(
    ks: Sequence[int], p: int, by_rev: Mapping[int, list[int]], deviation: Decimal
) -> tuple[list[ReviewerStat], Decimal | None, Decimal | None]:
    if not ks:
        return [], None, None
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
    pool = pool_sheets(sheets, entry_ids)
    by_rev = _by_reviewer(pool.sheets, pool.ks)
    z_sums: dict[int, Decimal] = {}
    with localcontext() as ctx:
        ctx.prec = _Z_PRECISION
        # z = (total − mean) / sd = (n·k − Σk) / (n · 10**p · sd): one correctly rounded
        # division of an exact integer by the reviewer's scale (computed once per reviewer).
        scale: dict[int, tuple[int, int, Decimal | None]] = {}
        den = 10**pool.p
        for r, xs in by_rev.items():
            _m, var = _int_moments(xs, pool.p)
            sd = None if len(xs) < 2 or var == 0 else _dec(var).sqrt()
            scale[r] = (len(xs), sum(xs), None if sd is None else len(xs) * den * sd)
        zero = Decimal(0)
        for s, k in zip(pool.sheets, pool.ks, strict=True):
            n, total, divisor = scale[s.reviewer_id]
            z = zero if divisor is None else Decimal(n * k - total) / divisor
            e = s.entry_id
            z_sums[e] = z_sums[e] + z if e in z_sums else z
        scores: dict[int, Decimal] = {}
        for e, z_sum in z_sums.items():
            z = (z_sum / len(pool.by_entry[e])).quantize(_Z_PLACES, rounding=ROUND_HALF_UP)
            scores[e] = z if z != 0 else Decimal("0.0000")
    ranking = rank_pool(ZSCORE, scores, pool, expected_sheets, cut_size, disagreement)
    stats, p_mean, p_sd = _reviewer_statistics(pool.ks, pool.p, by_rev, deviation)
    return replace(ranking, reviewers=stats, panel_mean=p_mean, panel_sd=p_sd)
