"""A reviewer's work list: their rounds with progress, and the order they score in.

Reads only. Sheets of entries the reviewer declared a conflict with after assignment
(`Assignment.conflicted`) are left out everywhere here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from kipp.extensions import db
from kipp.models import Assignment, Competition, Entry
from kipp.models.judging import SHEET_STATUSES


@dataclass
class RoundGroup:
    """One competition's round as the reviewer sees it: progress over all their sheets there,
    and the rows that pass the status filter."""

    competition: Competition
    round: str
    counts: dict[str, int]
    rows: list[Assignment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def open(self) -> bool:
        return self.competition.stage == self.round


def my_rounds(user_id: int, status: str | None) -> list[RoundGroup]:
    """The reviewer's rounds, open rounds first, then newest competition first (three queries
    whatever the number of assignments: counts, competitions, rows with entry and agency)."""
    counts = db.session.execute(
        select(Assignment.competition_id, Assignment.round, Assignment.status, func.count())
        .where(Assignment.user_id == user_id, Assignment.conflicted.is_(False))
        .group_by(Assignment.competition_id, Assignment.round, Assignment.status)
    ).all()
    if not counts:
        return []
    comps = {
        c.id: c
        for c in db.session.scalars(
            select(Competition).where(Competition.id.in_({r[0] for r in counts}))
        )
    }
    groups: dict[tuple[int, str], RoundGroup] = {}
    for comp_id, round_, st, n in counts:
        key = (comp_id, round_)
        if key not in groups:
            groups[key] = RoundGroup(comps[comp_id], round_, dict.fromkeys(SHEET_STATUSES, 0))
        groups[key].counts[st] = n
    query = (
        select(Assignment)
        .join(Assignment.entry)
        .join(Entry.agency)
        .where(Assignment.user_id == user_id, Assignment.conflicted.is_(False))
        .options(contains_eager(Assignment.entry).contains_eager(Entry.agency))
        .order_by(Entry.title, Assignment.id)
    )
    if status:
        query = query.where(Assignment.status == status)
    for a in db.session.scalars(query):
        groups[(a.competition_id, a.round)].rows.append(a)
    return sorted(
        groups.values(),
        key=lambda g: (not g.open, -g.competition.year, -g.competition.id, g.round),
    )


def neighbours(a: Assignment) -> tuple[int | None, int | None]:
    """The previous and next of the reviewer's assignments in the same round, in the order of
    the assignments list (entry title, then id)."""
    ids = list(
        db.session.scalars(
            select(Assignment.id)
            .join(Entry, Entry.id == Assignment.entry_id)
            .where(
                Assignment.user_id == a.user_id,
                Assignment.competition_id == a.competition_id,
                Assignment.round == a.round,
                Assignment.conflicted.is_(False),
            )
            .order_by(Entry.title, Assignment.id)
        )
    )
    i = ids.index(a.id)
    return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)
