"""Pure submission rules: what still blocks an entry, word counts, implementation age.

No Flask request, no database: each function takes plain values and returns plain values, so
the dashboard, the editor, the API and the submit service all apply the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_WORD = re.compile(r"\S+")


def word_count(text: str | None) -> int:
    return len(_WORD.findall(text or ""))


def years_before(day: date, years: int) -> date:
    """`day` minus whole years; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def old_enough(started_on: date, closing_day: date, min_years: int) -> bool:
    """True when the innovation has run at least `min_years` on the closing day."""
    return started_on <= years_before(closing_day, min_years)


@dataclass(frozen=True)
class Blocker:
    """One reason an entry cannot be submitted; `field` points the editor at what to fix."""

    field: str
    code: str
    params: tuple = ()


@dataclass(frozen=True)
class CriterionRule:
    code: str
    name: str
    word_limit: int | None


def word_limit_errors(answers: dict, criteria: list[CriterionRule]) -> dict[str, int]:
    """Criterion code → word count, for every answer over its limit."""
    over = {}
    for c in criteria:
        if c.word_limit is not None and word_count(answers.get(c.code)) > c.word_limit:
            over[c.code] = word_count(answers.get(c.code))
    return over


def submission_blockers(
    *,
    title: str,
    summary: str,
    group: str,
    answers: dict,
    started_on: date | None,
    replicates: str | None,
    criteria: list[CriterionRule],
    replicates_entry_id: int | None = None,
    group_min_years: int | None,
    closing_day: date,
) -> list[Blocker]:
    """Everything that keeps a draft from being submitted, in editor order.

    Quota and deadline are not here: they depend on other entries and on the clock, and the
    submit service checks them at the moment of submission.
    """
    out: list[Blocker] = []
    if not (title or "").strip():
        out.append(Blocker("title", "missing"))
    if group_min_years is None:
        out.append(Blocker("group", "unknown_group"))
    if not (summary or "").strip():
        out.append(Blocker("summary", "missing"))
    for c in criteria:
        if not (answers.get(c.code) or "").strip():
            out.append(Blocker(f"answers.{c.code}", "missing", (c.name,)))
    for code, count in word_limit_errors(answers, criteria).items():
        limit = next(c.word_limit for c in criteria if c.code == code)
        out.append(Blocker(f"answers.{code}", "too_long", (count, limit)))
    if started_on is None:
        out.append(Blocker("started_on", "missing"))
    elif group_min_years is not None and not old_enough(started_on, closing_day, group_min_years):
        out.append(Blocker("started_on", "too_young", (group_min_years,)))
    # A replikasi entry names what it replicates: a directory innovation or, failing that, a text.
    if group == "replikasi" and not (replicates or "").strip() and replicates_entry_id is None:
        out.append(Blocker("replicates", "missing"))
    return out
