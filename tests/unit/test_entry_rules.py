"""Pure submission rules (kipp.entries.rules): word counts, implementation age, blockers."""

from __future__ import annotations

from datetime import date

import pytest

from kipp.entries.rules import (
    Blocker,
    CriterionRule,
    old_enough,
    submission_blockers,
    word_count,
    word_limit_errors,
    years_before,
)

CRITERIA = [
    CriterionRule("ringkasan", "Ringkasan", 5),
    CriterionRule("signifikansi", "Signifikansi", None),
]


def blockers(**overrides) -> list[Blocker]:
    data = {
        "title": "Inovasi",
        "summary": "Ringkasan.",
        "group": "umum",
        "answers": {"ringkasan": "satu dua tiga", "signifikansi": "besar"},
        "started_on": date(2020, 1, 1),
        "replicates": None,
        "criteria": CRITERIA,
        "group_min_years": 2,
        "closing_day": date(2026, 6, 30),
    } | overrides
    return submission_blockers(**data)


# ------------------------------------------------------------------ word_count
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, 0),
        ("", 0),
        ("   \n\t ", 0),
        ("satu", 1),
        ("satu dua", 2),
        ("  satu   dua  ", 2),
        ("satu\ndua\ttiga", 3),
        ("e-government, 24/7 layanan!", 3),
        ("Layanan publik yang inklusif", 4),
    ],
)
def test_word_count(text, expected):
    assert word_count(text) == expected


def test_word_limit_errors_reports_only_answers_over_their_limit():
    answers = {"ringkasan": "a b c d e f", "signifikansi": "x " * 1000}
    assert word_limit_errors(answers, CRITERIA) == {"ringkasan": 6}


def test_word_limit_is_inclusive():
    assert word_limit_errors({"ringkasan": "a b c d e"}, CRITERIA) == {}


def test_word_limit_errors_ignore_missing_answers():
    assert word_limit_errors({}, CRITERIA) == {}


# ---------------------------------------------------------------- years_before
@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2026, 6, 30), 2, date(2024, 6, 30)),
        (date(2026, 1, 1), 0, date(2026, 1, 1)),
        (date(2024, 2, 29), 1, date(2023, 2, 28)),
        (date(2024, 2, 29), 2, date(2022, 2, 28)),
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
        (date(2028, 2, 29), 2, date(2026, 2, 28)),
        (date(2026, 3, 1), 2, date(2024, 3, 1)),
        (date(2026, 12, 31), 1, date(2025, 12, 31)),
    ],
)
def test_years_before(day, years, expected):
    assert years_before(day, years) == expected


# ----------------------------------------------------------------- old_enough
@pytest.mark.parametrize(
    ("started_on", "closing_day", "min_years", "expected"),
    [
        (date(2024, 6, 30), date(2026, 6, 30), 2, True),  # exactly two years: enough
        (date(2024, 7, 1), date(2026, 6, 30), 2, False),  # one day short
        (date(2024, 6, 29), date(2026, 6, 30), 2, True),
        (date(2025, 6, 30), date(2026, 6, 30), 1, True),
        (date(2025, 7, 1), date(2026, 6, 30), 1, False),
        (date(2026, 6, 30), date(2026, 6, 30), 0, True),
        (date(2022, 2, 28), date(2024, 2, 29), 2, True),  # 29 Feb closing: 28 Feb counts
        (date(2022, 3, 1), date(2024, 2, 29), 2, False),
        (date(2020, 2, 29), date(2024, 2, 29), 4, True),
    ],
)
def test_old_enough(started_on, closing_day, min_years, expected):
    assert old_enough(started_on, closing_day, min_years) is expected


# -------------------------------------------------------- submission_blockers
def test_complete_entry_has_no_blockers():
    assert blockers() == []


def test_every_missing_part_is_listed_in_editor_order():
    found = blockers(title=" ", summary="", answers={}, started_on=None)
    assert [(b.field, b.code) for b in found] == [
        ("title", "missing"),
        ("summary", "missing"),
        ("answers.ringkasan", "missing"),
        ("answers.signifikansi", "missing"),
        ("started_on", "missing"),
    ]


def test_blank_answer_counts_as_missing_and_names_the_criterion():
    found = blockers(answers={"ringkasan": "ok", "signifikansi": "   "})
    assert found == [Blocker("answers.signifikansi", "missing", ("Signifikansi",))]


def test_answer_over_word_limit_blocks_with_count_and_limit():
    found = blockers(answers={"ringkasan": "a b c d e f g", "signifikansi": "ok"})
    assert found == [Blocker("answers.ringkasan", "too_long", (7, 5))]


def test_too_young_blocks_with_the_group_minimum():
    found = blockers(started_on=date(2024, 7, 1))
    assert found == [Blocker("started_on", "too_young", (2,))]


def test_exactly_old_enough_at_closing_day_does_not_block():
    assert blockers(started_on=date(2024, 6, 30)) == []


def test_unknown_group_blocks_and_skips_the_age_rule():
    found = blockers(group="khusus", group_min_years=None, started_on=date(2026, 6, 1))
    assert found == [Blocker("group", "unknown_group")]


def test_replikasi_needs_the_replicated_innovation():
    found = blockers(group="replikasi", group_min_years=1, replicates="  ")
    assert found == [Blocker("replicates", "missing")]
    assert blockers(group="replikasi", group_min_years=1, replicates="Inovasi asal") == []


def test_replicates_is_not_required_for_umum():
    assert blockers(group="umum", replicates=None) == []


def test_blockers_are_plain_hashable_values():
    found = blockers(title="")
    assert len(set(found)) == len(found)
    with pytest.raises(AttributeError):
        found[0].field = "x"  # frozen dataclass
