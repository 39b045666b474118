"""Ranking reads: one round's pool of entries and its submitted sheets, ranked by the pure rules.

Guarantees
- A round is ranked with a CONSTANT number of SQL statements, whatever the number of entries
  or sheets: one for the round's pool of entries (with their agency columns) and one for every
  assignment of the round (submitted totals and expected sheet counts come from the same rows;
  for `zscore` the reviewers' names are joined in). The competition is passed in, loaded.
- The pool of the `evaluation` round is the competition's eligible entries; the pool of the
  `panel` round is the entries of the finalised shortlist (empty while there is none) less
  those disqualified after an upheld objection.
- Only submitted sheets count, never one marked `conflicted` (its reviewer declared a conflict
  after submitting it; it takes no part in means or z-scores). An entry expects as many sheets
  as it has live assignments in the round, plus one per conflicted sheet not yet replaced by
  a later assignment (`kipp.judging.conflicts.replacements_missing`), and in the evaluation
  round at least `evaluators_per_entry`; fewer submitted sheets flag `missing_sheets`. Sheets
  of entries outside the pool are ignored (and do not take part in the z-score
  standardisation either).
- What one reader sees (`for_reader`) leaves out the entries of the agencies they conflict
  with; ranks and the cut are those of the whole round (ranked before filtering).
- Ranking, ties, flags and cuts are those of `kipp.judging.ranking.rank_mean` and
  `kipp.judging.zscore.rank_zscore`; the cut size is `shortlist_size` for evaluation and
  `final_size` for panel. An evaluation `mean` ranking flags `below_pass_mark` (the pass mark).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from sqlalchemy import select

from kipp.extensions import db
from kipp.judging.conflicts import replacements_missing
from kipp.judging.ranking import MEAN, ZSCORE, Ranking, Sheet, flag_below_pass_mark, rank_mean
from kipp.judging.zscore import rank_zscore
from kipp.models import Agency, Assignment, Competition, Entry, Selection, SelectionEntry, User

METHODS = (MEAN, ZSCORE)
ROUND_FOR_TIER = {"shortlist": "evaluation", "final": "panel"}
TIER_FOR_ROUND = {"evaluation": "shortlist", "panel": "final"}


class EntryInfo(NamedTuple):
    """The columns of an entry that rankings, distributions and exports show (a tuple: cheap
    to build for thousands of rows)."""

    id: int
    title: str
    group: str
    category: str | None
    status: str
    agency_id: int
    agency: str
    kind: str
    province: str
    is_3t: bool


@dataclass(frozen=True)
class RoundRanking:
    """A round's ranking plus what is needed to show it (titles, agencies, reviewer names)."""

    competition_id: int
    round: str
    ranking: Ranking
    entries: dict[int, EntryInfo]  # the whole pool: ranked and unscored entries
    reviewer_names: dict[int, str] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return self.ranking.method

    def ranked_infos(self) -> list[EntryInfo]:
        return [self.entries[s.entry_id] for s in self.ranking.items]


def cut_size(comp: Competition, round_: str) -> int:
    return comp.shortlist_size if round_ == "evaluation" else comp.final_size


_ENTRY_COLUMNS = (
    Entry.id,
    Entry.title,
    Entry.group,
    Entry.category,
    Entry.status,
    Agency.id,
    Agency.name,
    Agency.kind,
    Agency.province,
    Agency.is_3t,
)


def _rows(query):
    """Plain rows of a column query, run on the session's connection (same transaction).

    Skipping the ORM's result machinery halves the cost of fetching thousands of rows; these
    reads need no identity map. Pending changes are flushed first, as the ORM would.
    """
    db.session.flush()
    return db.session.connection().execute(query).all()


def _info(row) -> EntryInfo:
    return EntryInfo._make(row)


def finalised_shortlist_ids(comp: Competition):
    """A subquery of the entry ids in the competition's finalised shortlist."""
    return (
        select(SelectionEntry.entry_id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(
            Selection.competition_id == comp.id,
            Selection.tier == "shortlist",
            Selection.status == "final",
        )
    )


def load_pool(comp: Competition, round_: str, group: str | None = None) -> dict[int, EntryInfo]:
    """The entries a round ranks, by id (one statement); with `group`, that group's only."""
    query = select(*_ENTRY_COLUMNS).join(Agency, Agency.id == Entry.agency_id)
    if group is not None:
        query = query.where(Entry.group == group)
    if round_ == "evaluation":
        query = query.where(Entry.competition_id == comp.id, Entry.status == "eligible")
    elif round_ == "panel":
        query = query.where(
            Entry.competition_id == comp.id,
            Entry.id.in_(finalised_shortlist_ids(comp)),
            Entry.status != "disqualified",  # an upheld objection (kipp.publication)
        )
    else:
        raise ValueError(f"unknown round {round_!r}")
    return {row[0]: _info(row) for row in _rows(query.order_by(Entry.id))}


def load_entries(comp: Competition, *, exclude_drafts: bool = True) -> list[EntryInfo]:
    """Every entry of the competition with its agency columns, by id (one statement)."""
    query = (
        select(*_ENTRY_COLUMNS)
        .join(Agency, Agency.id == Entry.agency_id)
        .where(Entry.competition_id == comp.id)
        .order_by(Entry.id)
    )
    if exclude_drafts:
        query = query.where(Entry.status != "draft")
    return [_info(row) for row in _rows(query)]


def load_infos(entry_ids) -> dict[int, EntryInfo]:
    """The given entries with their agency columns, by id (one statement; none for no ids)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return {}
    query = select(*_ENTRY_COLUMNS).join(Agency, Agency.id == Entry.agency_id)
    return {row[0]: _info(row) for row in _rows(query.where(Entry.id.in_(ids)))}


def load_sheets(
    comp: Competition, round_: str, pool: set[int], *, names: bool = True
) -> tuple[list[Sheet], dict[int, int], dict[int, str]]:
    """Submitted sheets of the pool, expected sheet counts and (with `names`) the reviewers'
    names, in one statement."""
    columns = [
        Assignment.entry_id,
        Assignment.user_id,
        Assignment.status,
        Assignment.total,
        Assignment.conflicted_at,
        Assignment.created_at,
    ]
    query = select(*columns, *([User.name] if names else []))
    if names:
        query = query.join(User, User.id == Assignment.user_id)
    query = query.where(Assignment.competition_id == comp.id, Assignment.round == round_)
    minimum = comp.evaluators_per_entry if round_ == "evaluation" else 0
    assigned: dict[int, list] = {}  # live assignments' creation times
    marked: dict[int, list] = {}  # conflicted sheets' marking times
    sheets: list[Sheet] = []
    reviewers: dict[int, str] = {}
    for row in _rows(query):
        entry_id, user_id, status, total, conflicted_at, created_at = row[:6]
        if entry_id not in pool:
            continue
        if conflicted_at is not None:
            marked.setdefault(entry_id, []).append(conflicted_at)
            continue
        assigned.setdefault(entry_id, []).append(created_at)
        if status == "submitted" and total is not None:
            sheets.append(Sheet(entry_id, user_id, total))
            if names:
                reviewers[user_id] = row[6]
    expected = {}
    for e in pool:
        live = assigned.get(e, [])
        lacking = replacements_missing(marked.get(e, ()), live) if e in marked else 0
        expected[e] = max(len(live) + lacking, minimum)
    return sheets, expected, reviewers


def for_reader(rr: RoundRanking, hidden_agencies: Collection[int]) -> RoundRanking:
    """`rr` without the entries of `hidden_agencies` (the agencies a reader conflicts with:
    `kipp.permissions.conflicted_agencies`): out of the items, the unscored list, the tie at
    the cut and the pool. Ranks, scores and the cut's size stay those of the whole round."""
    if not hidden_agencies:
        return rr
    hidden = {i for i, e in rr.entries.items() if e.agency_id in hidden_agencies}
    if not hidden:
        return rr
    r = rr.ranking
    cut = replace(
        r.cut,
        selected=[i for i in r.cut.selected if i not in hidden],
        tied=[i for i in r.cut.tied if i not in hidden],
    )
    ranking = replace(
        r,
        items=[s for s in r.items if s.entry_id not in hidden],
        unscored=[i for i in r.unscored if i not in hidden],
        cut=cut,
    )
    entries = {i: e for i, e in rr.entries.items() if i not in hidden}
    return replace(rr, ranking=ranking, entries=entries)


def rank_round(
    comp: Competition, round_: str, method: str = MEAN, group: str | None = None
) -> RoundRanking:
    """Rank one round of `comp` by `method` (two SQL statements in all). With `group` only that
    group's entries are ranked: sheets of other entries take no part, so z-scores are
    standardised within the group."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    pool = load_pool(comp, round_, group)
    sheets, expected, names = load_sheets(comp, round_, set(pool), names=method == ZSCORE)
    rank = rank_mean if method == MEAN else rank_zscore
    ranking = rank(sheets, pool.keys(), expected, cut_size(comp, round_))
    if round_ == "evaluation":  # the pass mark judges evaluation scores only
        ranking = flag_below_pass_mark(ranking, comp.pass_mark)
    return RoundRanking(comp.id, round_, ranking, pool, names)


# ----------------------------------------------------------------- the selection pages
def criteria_summaries(comp: Competition, round_: str) -> list[dict]:
    """The round's criteria as a final selection's snapshot freezes them."""
    return [c.summary() for c in comp.round_criteria(round_)]


def selection_criteria(sel: Selection, comp: Competition) -> list[dict]:
    """The criteria frozen in a final selection's snapshot; the current ones otherwise."""
    if sel.status == "final" and sel.snapshot and "criteria" in sel.snapshot:
        return list(sel.snapshot["criteria"])
    return criteria_summaries(comp, ROUND_FOR_TIER.get(sel.tier, "evaluation"))
