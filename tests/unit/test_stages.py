"""The stage type answers the questions pages and services ask of a competition's stage."""

from __future__ import annotations

import pytest

from kipp.models import ROUNDS, STAGES, Competition, Stage


def test_stages_are_in_order_and_equal_their_codes():
    assert [str(s) for s in STAGES] == [
        "draft",
        "submission",
        "screening",
        "evaluation",
        "shortlist",
        "panel",
        "final",
        "awarded",
    ]
    assert Stage.PANEL == "panel" and "panel" in ROUNDS and "shortlist" not in ROUNDS


@pytest.mark.parametrize("i", range(len(STAGES)))
def test_reached_and_next_follow_the_order(i):
    stage = STAGES[i]
    assert [stage.reached(other) for other in STAGES] == [j <= i for j in range(len(STAGES))]
    assert stage.next == (STAGES[i + 1] if i + 1 < len(STAGES) else None)
    assert stage.is_round == (stage in ("evaluation", "panel"))


def test_a_competition_answers_from_its_stored_code():
    comp = Competition(stage="final")
    assert comp.reached(Stage.PANEL) and comp.reached("final") and not comp.reached("awarded")
    assert comp.round_open("final") and not comp.round_open(Stage.PANEL)
    with pytest.raises(ValueError):
        Stage("closed")
