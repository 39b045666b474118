"""Pure ranking rules: values, totals, means, z-scores, ties, cuts, overrides, snapshots."""

from __future__ import annotations

import hashlib
import random
import statistics
from decimal import Decimal
from fractions import Fraction

import pytest

from kipp.judging.ranking import (
    DEVIATES,
    HIGH_DISAGREEMENT,
    MISSING_SHEETS,
    NOT_STANDARDISED,
    TIE_AT_CUT,
    Sheet,
    Standing,
    cut,
    overrides_needing_justification,
    rank_mean,
)
from kipp.judging.snapshot import canonical_snapshot, snapshot_sha256
from kipp.judging.totals import CriteriaMismatch, InvalidValue, half_up, sheet_total, validate_value
from kipp.judging.zscore import rank_zscore, reviewer_statistics

D = Decimal
WEIGHTS_2023 = {"sig": 30, "adapt": 20, "baru": 15, "lanjut": 15, "latar": 10, "impl": 5,
                "sdaya": 5, "ringkas": 0}  # fmt: skip


def sheets(*rows):
    """rows of (entry_id, reviewer_id, total)."""
    return [Sheet(e, r, D(str(t))) for e, r, t in rows]


def standings(*scores):
    return [Standing(i + 1, D(str(s)), 2, D("0.00"), 0) for i, s in enumerate(scores)]


# --- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (0, "0.00"),
        (100, "100.00"),
        (85.5, "85.50"),
        (85.1, "85.10"),  # read by repr, not by the binary expansion
        (99.99, "99.99"),
        ("85.25", "85.25"),
        (" 7 ", "7.00"),
        (D("85.500"), "85.50"),
        (D("1E+2"), "100.00"),
        (-0.0, "0.00"),
        (D("-0"), "0.00"),
    ],
)
def test_validate_value_accepts(raw, expected):
    value = validate_value(raw)
    assert isinstance(value, Decimal) and str(value) == expected


@pytest.mark.parametrize(
    "raw, code",
    [
        (-0.01, "out_of_range"),
        (100.01, "out_of_range"),
        (101, "out_of_range"),
        ("-1", "out_of_range"),
        (1.005, "too_many_decimals"),
        ("85.123", "too_many_decimals"),
        (D("0.001"), "too_many_decimals"),
        (float("nan"), "not_a_number"),
        (float("inf"), "not_a_number"),
        (D("NaN"), "not_a_number"),
        (D("-Infinity"), "not_a_number"),
        ("NaN", "not_a_number"),
        ("1e2", "not_a_number"),
        ("abc", "not_a_number"),
        ("", "not_a_number"),
        ("8_5", "not_a_number"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        (None, "not_a_number"),
        ([85], "not_a_number"),
    ],
)
def test_validate_value_rejects(raw, code):
    with pytest.raises(InvalidValue) as info:
        validate_value(raw)
    assert info.value.code == code
    assert isinstance(info.value, ValueError) and str(info.value)


# --- totals ------------------------------------------------------------------------------


def test_total_with_2023_weights_and_weight_zero_criterion():
    values = {"sig": 90, "adapt": 85, "baru": 70, "lanjut": 75, "latar": 80, "impl": 60,
              "sdaya": 95, "ringkas": 0}  # fmt: skip
    assert sheet_total(values, WEIGHTS_2023) == D("81.50")
    # a weight-0 criterion must be present but never moves the total
    assert sheet_total({**values, "ringkas": 100}, WEIGHTS_2023) == D("81.50")
    with pytest.raises(CriteriaMismatch) as info:
        sheet_total({k: v for k, v in values.items() if k != "ringkas"}, WEIGHTS_2023)
    assert info.value.missing == ["ringkas"] and info.value.unknown == []


@pytest.mark.parametrize(
    "values, weights, expected",
    [
        ({"a": "0.25", "b": 0}, {"a": 50, "b": 50}, "0.13"),  # 0.125 → 0.13
        ({"a": "84.99", "b": 85}, {"a": 50, "b": 50}, "85.00"),  # 84.995 → 85.00
        ({"a": "84.98", "b": "84.99"}, {"a": 50, "b": 50}, "84.99"),  # 84.985 → 84.99
        ({"a": "0.05", "b": 0}, {"a": 30, "b": 70}, "0.02"),  # 0.015 → 0.02
        ({"a": "0.01", "b": 0}, {"a": 30, "b": 70}, "0.00"),  # 0.003 → 0.00
        ({"a": 100, "b": 100}, {"a": 100, "b": 0}, "100.00"),
        ({"a": 85.1, "b": 0}, {"a": 100, "b": 0}, "85.10"),
    ],
)
def test_total_rounds_half_up_exactly(values, weights, expected):
    assert str(sheet_total(values, weights)) == expected


def test_total_rejects_missing_unknown_and_bad_values():
    with pytest.raises(CriteriaMismatch) as info:
        sheet_total({"a": 1, "zz": 2}, {"a": 50, "b": 50})
    assert info.value.missing == ["b"] and info.value.unknown == ["zz"]
    assert "zz" in str(info.value) and "b" in str(info.value)
    with pytest.raises(InvalidValue):
        sheet_total({"a": 101, "b": 0}, {"a": 50, "b": 50})
    with pytest.raises(ValueError, match="sum to 100"):
        sheet_total({"a": 1, "b": 1}, {"a": 50, "b": 40})
    with pytest.raises(ValueError, match="non-negative"):
        sheet_total({"a": 1, "b": 1}, {"a": 110, "b": -10})


def test_partial_total_counts_missing_as_zero_but_not_unknown():
    assert sheet_total({"a": 80}, {"a": 50, "b": 50}, partial=True) == D("40.00")
    assert sheet_total({}, {"a": 50, "b": 50}, partial=True) == D("0.00")
    with pytest.raises(CriteriaMismatch):
        sheet_total({"x": 1}, {"a": 50, "b": 50}, partial=True)


@pytest.mark.parametrize(
    "q, places, expected",
    [
        (Fraction(1, 8), 2, "0.13"),
        (Fraction(-1, 8), 2, "-0.13"),  # half away from zero, like ROUND_HALF_UP
        (Fraction(2, 3), 4, "0.6667"),
        (Fraction(-2, 3), 4, "-0.6667"),
        (Fraction(-1, 1000), 2, "0.00"),  # never "-0.00"
        (D("84.995"), 2, "85.00"),
        (0, 2, "0.00"),
    ],
)
def test_half_up(q, places, expected):
    assert str(half_up(q, places)) == expected


def test_sheet_rejects_non_decimal_or_out_of_range_total():
    for bad in (85.0, D("NaN"), D("100.01"), D("-1")):
        with pytest.raises(ValueError):
            Sheet(1, 1, bad)


# --- mean ranking ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "totals, expected",
    [
        (("0.12", "0.13"), "0.13"),  # 0.125
        (("84.99", "85.00"), "85.00"),  # 84.995
        (("84.98", "84.99"), "84.99"),  # 84.985
        (("0", "0", "0.01"), "0.00"),  # 0.00333…
        (("85", "85.01", "85.01"), "85.01"),  # 85.00666…
        (("70",), "70.00"),
    ],
)
def test_mean_score_half_up(totals, expected):
    ranking = rank_mean(sheets(*[(1, r, t) for r, t in enumerate(totals)]), [1], 0, 1)
    assert str(ranking.items[0].score) == expected


def test_mean_ranking_shares_ranks_and_orders_ties_by_id():
    data = sheets(
        (10, 1, 90), (10, 2, 90),
        (30, 1, 80), (30, 2, 80),
        (20, 1, 70), (20, 2, 90),
        (40, 1, 60), (40, 2, 70),
    )  # fmt: skip
    ranking = rank_mean(data, [40, 30, 20, 10], 2, 2)
    assert [(s.entry_id, s.rank, str(s.score)) for s in ranking.items] == [
        (10, 1, "90.00"),
        (20, 2, "80.00"),
        (30, 2, "80.00"),
        (40, 4, "65.00"),
    ]
    assert ranking.method == "mean" and ranking.unscored == []
    assert ranking.cut.tied == [20, 30] and ranking.cut.selected == [10]
    assert [s.flags for s in ranking.items] == [(), (TIE_AT_CUT, HIGH_DISAGREEMENT),
                                                (TIE_AT_CUT,), ()]  # fmt: skip


def test_spread_flags_and_missing_sheets():
    data = sheets(
        (1, 1, 90), (1, 2, 70),  # spread exactly 20 → flagged
        (2, 1, "80.00"), (2, 2, "60.01"),  # 19.99 → not flagged
        (3, 1, 50),  # single sheet: spread 0
    )  # fmt: skip
    ranking = rank_mean(data, [1, 2, 3, 4], {1: 2, 2: 2, 3: 3}, 10)
    by_id = {s.entry_id: s for s in ranking.items}
    assert by_id[1].spread == D("20.00") and by_id[1].flags == (HIGH_DISAGREEMENT,)
    assert by_id[2].spread == D("19.99") and by_id[2].flags == ()
    assert by_id[3].spread == D("0.00") and by_id[3].sheets == 1
    assert by_id[3].flags == (MISSING_SHEETS,)
    # entry 4 has no submitted sheet: reported, not ranked, not in the cut
    assert ranking.unscored == [4] and 4 not in by_id
    assert ranking.cut.selected == [1, 2, 3] and ranking.cut.decided
    # an int expectation applies to all; a threshold can be tuned
    again = rank_mean(data, [1, 2, 3], 2, 10, disagreement=D("19.99"))
    assert [s.flags for s in again.items] == [
        (HIGH_DISAGREEMENT,),
        (HIGH_DISAGREEMENT,),
        (MISSING_SHEETS,),
    ]


def test_ranking_rejects_foreign_or_duplicate_sheets():
    with pytest.raises(ValueError, match="not in entry_ids"):
        rank_mean(sheets((9, 1, 50)), [1], 1, 1)
    with pytest.raises(ValueError, match="two sheets"):
        rank_mean(sheets((1, 1, 50), (1, 1, 60)), [1], 1, 1)


def test_no_sheets_at_all():
    ranking = rank_mean([], [2, 1], 2, 5)
    assert ranking.items == [] and ranking.unscored == [1, 2]
    assert ranking.cut.selected == [] and ranking.cut.tied == []


# --- cut ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scores, size, selected, tied, places_left",
    [
        ((90, 80, 70), 2, [1, 2], [], 0),  # clean cut
        ((90, 80, 80, 70), 2, [1], [2, 3], 1),  # size exactly at a tie
        ((90, 80, 80, 80, 70), 3, [1], [2, 3, 4], 2),  # tie spanning the cut
        ((90, 80, 80, 70), 3, [1, 2, 3], [], 0),  # tie ends exactly at the cut
        ((90, 90, 80), 1, [], [1, 2], 1),  # tie at the very top
        ((80, 80, 80, 80), 2, [], [1, 2, 3, 4], 2),  # all equal
        ((80, 80, 80), 3, [1, 2, 3], [], 0),  # all equal, all fit
        ((90, 80), 5, [1, 2], [], 0),  # fewer entries than places
        ((80, 80), 5, [1, 2], [], 0),
        ((), 3, [], [], 0),
        ((90, 90), 0, [], [], 0),  # no places: nothing to decide
    ],
)
def test_cut(scores, size, selected, tied, places_left):
    result = cut(standings(*scores), size)
    assert (result.selected, result.tied, result.places_left) == (selected, tied, places_left)
    assert result.tie_at_cut == tied and result.decided == (not tied) and result.size == size
    if tied:
        assert 0 < places_left < len(tied)


def test_cut_rejects_bad_input():
    with pytest.raises(ValueError):
        cut(standings(90, 80), -1)
    with pytest.raises(ValueError):
        cut(standings(90, 80), True)
    with pytest.raises(ValueError, match="sorted"):
        cut(standings(80, 90), 1)


def test_fuzz_cut_matches_definition():
    rng = random.Random(7)
    for _ in range(300):
        scores = sorted((rng.randint(0, 5) for _ in range(rng.randint(0, 9))), reverse=True)
        size = rng.randint(0, 10)
        result = cut(standings(*scores), size)
        if len(scores) <= size:
            assert result.selected == list(range(1, len(scores) + 1)) and not result.tied
        elif size and scores[size - 1] == scores[size]:
            b = scores[size - 1]
            assert [scores[i - 1] for i in result.selected] == [s for s in scores if s > b]
            assert [scores[i - 1] for i in result.tied] == [s for s in scores if s == b]
            assert result.places_left == size - len(result.selected)
        else:
            assert result.selected == list(range(1, size + 1)) and not result.tied


# --- z-scores ----------------------------------------------------------------------------

# Reviewer 1 scores 60/80 (mean 70, sd 10) and reviewer 2 scores 90/100 (mean 95, sd 5): both
# give z = −1 to entry 1 and +1 to entry 2. Reviewer 3 scored a single entry and reviewer 4
# gave the same total twice: neither has a scale, so their sheets get z = 0.
PANEL = sheets(
    (1, 1, 60), (2, 1, 80),
    (1, 2, 90), (2, 2, 100),
    (3, 3, 100),
    (4, 4, 70), (5, 4, 70),
)  # fmt: skip


def test_zscore_versus_mean_ranking():
    mean = rank_mean(PANEL, [1, 2, 3, 4, 5], {1: 2, 2: 2, 3: 1, 4: 1, 5: 1}, 2)
    assert [(s.entry_id, s.rank, str(s.score)) for s in mean.items] == [
        (3, 1, "100.00"),
        (2, 2, "90.00"),
        (1, 3, "75.00"),
        (4, 4, "70.00"),
        (5, 4, "70.00"),
    ]
    z = rank_zscore(PANEL, [1, 2, 3, 4, 5], {1: 2, 2: 2, 3: 1, 4: 1, 5: 1}, 2)
    assert z.method == "zscore"
    assert [(s.entry_id, s.rank, str(s.score)) for s in z.items] == [
        (2, 1, "1.0000"),
        (3, 2, "0.0000"),
        (4, 2, "0.0000"),
        (5, 2, "0.0000"),
        (1, 5, "-1.0000"),
    ]
    # spreads stay in raw totals; place 2 is shared by three entries
    assert [str(s.spread) for s in z.items] == ["20.00", "0.00", "0.00", "0.00", "30.00"]
    assert z.cut.selected == [2] and z.cut.tied == [3, 4, 5] and z.cut.places_left == 1
    assert z.items[0].flags == (HIGH_DISAGREEMENT,)
    assert z.items[1].flags == (TIE_AT_CUT,)


@pytest.mark.parametrize(
    "rows, entry, expected",
    [
        # +1 (r1) and 0 (single-sheet r3) and 0 (zero-sd r4) → 1/3
        (((1, 1, 60), (2, 1, 80), (2, 3, 50), (2, 4, 70), (3, 4, 70)), 2, "0.3333"),
        # +1, +1, 0 → 2/3 rounds up
        (((1, 1, 60), (2, 1, 80), (1, 2, 90), (2, 2, 100), (2, 3, 55)), 2, "0.6667"),
        # −1, −1, 0 → −2/3 rounds away from zero
        (((1, 1, 60), (2, 1, 80), (1, 2, 90), (2, 2, 100), (1, 3, 55)), 1, "-0.6667"),
        # one reviewer with 3 sheets: z of 100 among 0/50/100 is sqrt(3/2) = 1.2247…
        (((1, 1, 0), (2, 1, 50), (3, 1, 100)), 3, "1.2247"),
    ],
)
def test_zscore_rounds_to_four_places(rows, entry, expected):
    ranking = rank_zscore(sheets(*rows), {e for e, _, _ in rows}, 0, 1)
    score = {s.entry_id: s.score for s in ranking.items}[entry]
    assert str(score) == expected


def test_reviewer_statistics_and_deviation_rule():
    stats, p_mean, p_sd = reviewer_statistics(PANEL)
    totals = [Fraction(s.total) for s in PANEL]
    assert p_mean == half_up(statistics.mean(totals), 2) == D("81.43")
    assert p_sd == D(str(round(float(statistics.pvariance(totals)) ** 0.5, 2))) == D("14.57")
    by_id = {s.reviewer_id: s for s in stats}
    assert [s.reviewer_id for s in stats] == [1, 2, 3, 4]
    assert (by_id[1].sheets, by_id[1].mean, by_id[1].sd, by_id[1].flags) == (
        2, D("70.00"), D("10.00"), ()
    )  # fmt: skip
    assert by_id[2].mean == D("95.00") and by_id[2].sd == D("5.00") and by_id[2].flags == ()
    # |100 − 81.43| = 18.57 ≥ 14.57 → deviates; its single sheet cannot be standardised
    assert by_id[3].flags == (DEVIATES, NOT_STANDARDISED)
    assert by_id[4].sd == D("0.00") and by_id[4].flags == (NOT_STANDARDISED,)
    # the threshold is a parameter (in panel sds)
    half, _, _ = reviewer_statistics(PANEL, deviation=D("0.5"))
    assert all(DEVIATES in s.flags for s in half)
    # the zscore ranking carries the same statistics
    z = rank_zscore(PANEL, [1, 2, 3, 4, 5], 0, 1)
    assert z.reviewers == stats and (z.panel_mean, z.panel_sd) == (p_mean, p_sd)


def test_deviation_boundary_is_inclusive_and_exact():
    data = sheets((1, 1, 50), (2, 2, 100))  # panel mean 75, sd 25; each reviewer 25 away
    stats, p_mean, p_sd = reviewer_statistics(data)
    assert (p_mean, p_sd) == (D("75.00"), D("25.00"))
    assert all(DEVIATES in s.flags for s in stats)
    stats, _, _ = reviewer_statistics(data, deviation=D("1.0001"))
    assert not any(DEVIATES in s.flags for s in stats)
    # all totals equal: panel sd 0, nobody deviates
    stats, _, p_sd = reviewer_statistics(sheets((1, 1, 70), (2, 2, 70)))
    assert p_sd == D("0.00") and not any(DEVIATES in s.flags for s in stats)
    assert reviewer_statistics([]) == ([], None, None)


def test_zscore_unscored_and_missing_sheets():
    z = rank_zscore(sheets((1, 1, 60), (2, 1, 80)), [1, 2, 3], 2, 5)
    assert z.unscored == [3]
    assert [s.flags for s in z.items] == [(MISSING_SHEETS,), (MISSING_SHEETS,)]


def _reference(rows, entry_ids, method):
    """The rules written the slow, obvious way: Fractions for means, 60 digits for z."""
    from decimal import ROUND_HALF_UP, localcontext

    by_entry = {e: [(r, Fraction(t)) for e2, r, t in rows if e2 == e] for e in entry_ids}
    by_rev: dict = {}
    for _e, r, t in rows:
        by_rev.setdefault(r, []).append(Fraction(t))
    scores = {}
    with localcontext() as ctx:
        ctx.prec = 60
        for e, pairs in by_entry.items():
            if not pairs:
                continue
            if method == "mean":
                scores[e] = half_up(sum(t for _, t in pairs) / len(pairs), 2)
                continue
            zs = []
            for r, t in pairs:
                xs = by_rev[r]
                m = sum(xs) / len(xs)
                var = sum((x - m) ** 2 for x in xs) / len(xs)
                if len(xs) < 2 or var == 0:
                    zs.append(D(0))
                else:
                    sd = (D(var.numerator) / D(var.denominator)).sqrt()
                    zs.append((D((t - m).numerator) / D((t - m).denominator)) / sd)
            scores[e] = (sum(zs) / len(zs)).quantize(D("0.0001"), rounding=ROUND_HALF_UP)
    order = sorted(scores, key=lambda e: (-scores[e], e))
    spreads = {
        e: half_up(max(t for _, t in by_entry[e]) - min(t for _, t in by_entry[e]), 2)
        for e in order
    }
    ranks = {e: 1 + sum(scores[o] > scores[e] for o in order) for e in order}
    return [(e, scores[e], ranks[e], spreads[e], len(by_entry[e])) for e in order]


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("method", ["mean", "zscore"])
def test_fuzz_ranking_matches_the_obvious_computation(seed, method):
    rng = random.Random(seed)
    entry_ids = list(range(1, rng.randint(2, 40)))
    reviewers = list(range(100, 100 + rng.randint(1, 8)))
    rows = []
    for e in entry_ids:
        for r in rng.sample(reviewers, rng.randint(0, min(3, len(reviewers)))):
            # coarse values make ties and equal totals common; some with 1 or 0 decimals
            cents = rng.choice([rng.randint(0, 20) * 500, rng.randint(0, 10000)])
            rows.append((e, r, D(cents).scaleb(-2) if rng.random() < 0.8 else D(cents // 100)))
    rank = rank_mean if method == "mean" else rank_zscore
    size = rng.randint(0, len(entry_ids))
    got = rank(sheets(*rows), entry_ids, 2, size)
    want = _reference(rows, entry_ids, method)
    assert [(s.entry_id, s.score, s.rank, s.spread, s.sheets) for s in got.items] == want
    assert got.unscored == sorted(e for e in entry_ids if e not in {w[0] for w in want})
    assert got.cut == cut(got.items, size)
    for s in got.items:
        assert (HIGH_DISAGREEMENT in s.flags) == (s.spread >= 20)
        assert (MISSING_SHEETS in s.flags) == (s.sheets < 2)
        assert (TIE_AT_CUT in s.flags) == (s.entry_id in got.cut.tied)


# --- overrides ---------------------------------------------------------------------------

RANKED = standings(90, 80, 80, 70)  # entries 1..4


@pytest.mark.parametrize(
    "chosen, needing",
    [
        ({1, 2}, []),  # pure rank order
        ({1, 3}, []),  # choosing among equal scores needs no reason
        ({1, 4}, [4]),  # 4 (70) takes a place over 2 and 3 (80)
        ({2, 3}, [2, 3]),  # both pass over 1 (90)
        ({2, 3, 4}, [2, 3, 4]),
        ({1, 2, 3, 4}, []),  # nobody left out
        (set(), []),
    ],
)
def test_overrides_needing_justification(chosen, needing):
    assert overrides_needing_justification(RANKED, chosen) == needing


def test_override_of_unranked_entry_is_an_error():
    with pytest.raises(ValueError, match="not in the ranking"):
        overrides_needing_justification(RANKED, {1, 99})


# --- snapshots ---------------------------------------------------------------------------


def test_snapshot_is_json_able_and_hash_is_stable_under_order():
    ranking = rank_mean(PANEL, [1, 2, 3, 4, 5], 2, 2)
    a = canonical_snapshot(ranking, [3, 2], {2: "Wilayah 3T, Papua Pegunungan"}, tier="final")
    b = canonical_snapshot(ranking, {2, 3}, {2: "Wilayah 3T, Papua Pegunungan"}, tier="final")
    assert a == b and a["chosen"] == [2, 3] and a["tier"] == "final"
    assert a["items"][0] == {"entry_id": 3, "rank": 1, "score": "100.00", "sheets": 1,
                             "spread": "0.00", "flags": ["missing_sheets"]}  # fmt: skip
    assert a["justifications"] == {"2": "Wilayah 3T, Papua Pegunungan"}
    assert a["cut"] == {"size": 2, "selected": [3, 2], "tied": [], "places_left": 0}
    reordered = dict(reversed(list(a.items())))
    assert snapshot_sha256(reordered) == snapshot_sha256(a)
    # any change in a score changes the hash
    changed = {**a, "items": [{**a["items"][0], "score": "100.01"}] + a["items"][1:]}
    assert snapshot_sha256(changed) != snapshot_sha256(a)


def test_snapshot_hash_is_the_documented_canonical_json():
    data = {"b": D("1.50"), "a": [1, 2], "c": {3: "é", 2: None}, "s": {3, 1}, "t": (True,)}
    text = '{"a":[1,2],"b":"1.50","c":{"2":null,"3":"é"},"s":[1,3],"t":[true]}'
    assert snapshot_sha256(data) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    # int keys and their string forms hash alike; exponent Decimals are written plainly
    assert snapshot_sha256({2: 1, 10: 2}) == snapshot_sha256({"10": 2, "2": 1})
    assert snapshot_sha256({"x": D("1E+2")}) == snapshot_sha256({"x": "100"})


def test_snapshot_rejects_floats_and_clashing_context():
    with pytest.raises(TypeError):
        snapshot_sha256({"x": 0.1})
    with pytest.raises(TypeError):
        snapshot_sha256({"x": object()})
    ranking = rank_mean([], [], 0, 1)
    with pytest.raises(ValueError, match="method"):
        canonical_snapshot(ranking, [], method="other")
