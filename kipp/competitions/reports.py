"""The secretariat's stage funnel: drafts → submitted → eligible → shortlisted → final.

Guarantees
- One SQL statement reads every competition's funnel, grouped in the database by competition,
  entry status, the agency's province and membership of the two finalised selections; the
  size of the answer does not grow with the number of entries.
- The stages are cumulative, each a subset of the one before: `drafts` counts every entry
  ever started (every entry begins as a draft), `submitted` those that left the draft state,
  `eligible` those that passed screening (eligible, or disqualified later after an upheld
  objection), `shortlisted` / `final` the entries in the competition's finalised shortlist /
  final selection, less disqualified ones (their places were refilled).
- Provinces are counted under their official names and island groups under the keys of
  `kipp.judging.distribution` (unknown spellings in `other`), every key present in some year
  listed for every year (0 when absent), so years compare row by row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import case, func, select

from kipp.extensions import db
from kipp.judging.distribution import ISLAND_GROUPS, canonical_province, island_group
from kipp.models import Agency, Competition, Entry, Selection, SelectionEntry

STAGES = ("drafts", "submitted", "eligible", "shortlisted", "final")


@dataclass
class Funnel:
    """One competition's funnel: totals, and per island group and per province."""

    competition_id: int
    name: str
    year: int
    total: Counter = field(default_factory=Counter)
    island: dict[str, Counter] = field(default_factory=dict)
    province: dict[str, Counter] = field(default_factory=dict)

    def counts(self, by: str | None = None, key: str | None = None) -> list[int]:
        """The five stage counts: of the whole year, or of one island group / province."""
        c = self.total if by is None else getattr(self, by).get(key, Counter())
        return [c[s] for s in STAGES]


def _in_final(tier: str):
    members = (
        select(SelectionEntry.entry_id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(Selection.tier == tier, Selection.status == "final")
    )
    return case((Entry.id.in_(members), 1), else_=0)


def _stages(status: str, shortlisted: int, final: int) -> tuple[str, ...]:
    out = ["drafts"]
    if status != "draft":
        out.append("submitted")
    if status in ("eligible", "disqualified"):
        out.append("eligible")
    if status != "disqualified":
        out += ["shortlisted"] * bool(shortlisted) + ["final"] * bool(final)
    return tuple(out)


def funnels() -> list[Funnel]:
    """Every competition's funnel, newest year first (then newest created)."""
    # Grouped by the labels (PostgreSQL would not match the repeated subqueries' parameters).
    shortlisted = _in_final("shortlist").label("shortlisted")
    final = _in_final("final").label("final")
    comps = list(
        db.session.execute(
            select(Competition.id, Competition.name, Competition.year).order_by(
                Competition.year.desc(), Competition.id.desc()
            )
        )
    )
    out = {cid: Funnel(cid, name, year) for cid, name, year in comps}
    rows = db.session.execute(
        select(
            Entry.competition_id, Entry.status, Agency.province, shortlisted, final, func.count()
        )
        .join(Agency, Agency.id == Entry.agency_id)
        .group_by(Entry.competition_id, Entry.status, Agency.province, shortlisted, final)
    )
    for cid, status, province, sl, fi, n in rows:
        f = out[cid]
        name = canonical_province(province)
        group = island_group(province)
        for stage in _stages(status, sl, fi):
            f.total[stage] += n
            f.island.setdefault(group, Counter())[stage] += n
            f.province.setdefault(name, Counter())[stage] += n
    return list(out.values())


def island_keys(fs: list[Funnel]) -> list[str]:
    """The island groups present in any of `fs`, in the map's order (west to east)."""
    present = {k for f in fs for k in f.island}
    return [k for k in ISLAND_GROUPS if k in present]


def province_keys(fs: list[Funnel]) -> list[str]:
    """The provinces present in any of `fs`, by island group then name."""
    present = {k for f in fs for k in f.province}
    rank = {g: i for i, g in enumerate(ISLAND_GROUPS)}
    return sorted(present, key=lambda p: (rank[island_group(p)], p))
