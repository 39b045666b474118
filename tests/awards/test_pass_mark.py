"""The pass mark: flagged in the evaluation ranking, and taking a flagged entry into any
selection needs a justification."""

from __future__ import annotations

import itertools
import random
from decimal import Decimal

import pytest

from kipp.judging.ranking import (
    BELOW_PASS_MARK,
    Sheet,
    flag_below_pass_mark,
    needing_justification,
    rank_mean,
)
from kipp.judging.zscore import rank_zscore
from kipp.models import Selection
from tests.awards.fixtures import AWARD, REASON, A, award_world
from tests.helpers import assert_problem, count
from tests.services.judging_fixtures import set_stage


# ----------------------------------------------------------------- the pure rule
def _ranking(scores):
    sheets = [Sheet(i, 1, Decimal(s)) for i, s in enumerate(scores)]
    return rank_mean(sheets, range(len(scores)), 1, 2)


@pytest.mark.parametrize(
    "mark", [None, Decimal("0"), Decimal("75"), Decimal("75.01"), Decimal(100)]
)
def test_flag_is_strictly_below_the_mark(mark):
    flagged = flag_below_pass_mark(_ranking([90, 75, 60, 75]), mark)
    below = {s.entry_id for s in flagged.items if BELOW_PASS_MARK in s.flags}
    expected = set() if mark is None else {i for i, s in enumerate([90, 75, 60, 75]) if s < mark}
    assert below == expected


def test_zscore_ranking_is_not_flagged():
    sheets = [Sheet(0, 1, Decimal(50)), Sheet(1, 1, Decimal(90)), Sheet(1, 2, Decimal(10))]
    ranking = rank_zscore(sheets, [0, 1], 1, 1)
    assert flag_below_pass_mark(ranking, Decimal(99)) is ranking


def test_needing_justification_against_brute_force():
    rng = random.Random(13)
    for _ in range(200):
        scores = [rng.choice([60, 70, 75, 80, 90]) for _ in range(6)]
        mark = Decimal(rng.choice([0, 70, 76, 85]))
        ranked = flag_below_pass_mark(_ranking(scores), mark).items
        for k in range(1, 4):
            for chosen in itertools.combinations(range(6), k):
                left_out = [scores[i] for i in range(6) if i not in chosen]
                naive = {
                    i for i in chosen if scores[i] < mark or any(s > scores[i] for s in left_out)
                }
                got = needing_justification(ranked, chosen)
                assert set(got) == naive and len(got) == len(naive)


# ----------------------------------------------------------------- ranking and selections
def test_ranking_flags_entries_below_the_pass_mark(make, api):
    w = award_world(make, pass_mark=80)
    e = [x.id for x in w.entries]
    body = api(w.chair).get(f"{A}/competitions/{w.comp.id}/ranking").get_json()
    flagged = {r["entry_id"] for r in body["items"] if BELOW_PASS_MARK in r["flags"]}
    assert flagged == {e[3], e[4], e[5]}  # 75, 75, 70 < 80; 80 itself passes


def test_shortlist_taking_a_failing_entry_needs_a_justification(make, api):
    w = award_world(make, totals=[[90], [85], [79], [70]], replikasi=(), pass_mark=80)
    e = [x.id for x in w.entries]
    set_stage(w.comp, "shortlist")
    url = f"{A}/competitions/{w.comp.id}/selections"
    top = assert_problem(
        api(w.chair).post(url, json={"tier": "shortlist"}), 422, "justification_required"
    )
    assert set(top["errors"]) == {f"justifications.{e[2]}"}  # in rank order, yet below 80
    assert count(Selection) == 0
    ok = api(w.chair).post(url, json={"tier": "shortlist", "justifications": {str(e[2]): REASON}})
    assert ok.status_code == 201, ok.get_json()


def test_award_taking_a_failing_entry_needs_a_justification(make, api):
    w = award_world(make, pass_mark=80)
    e = [x.id for x in w.entries]
    set_stage(w.comp, "final")
    url = f"{A}/competitions/{w.comp.id}/selections"
    body = {"tier": AWARD["code"], "entry_ids": [e[1], e[3]]}
    missing = assert_problem(api(w.chair).post(url, json=body), 422, "justification_required")
    assert set(missing["errors"]) == {f"justifications.{e[3]}"}
    ok = api(w.chair).post(url, json=body | {"justifications": {str(e[3]): REASON}})
    assert ok.status_code == 201, ok.get_json()
