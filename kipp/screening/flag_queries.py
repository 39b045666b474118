"""Reads behind the multi-year eligibility flags (rules in kipp/screening/flags.py).

Guarantees:
- Only submitted entries take part (drafts are the agency's private work): an entry's
  `duplicate_title` partners are the other non-draft entries of its competition.
- History is the agency's entries that sat in a finalised (`status = 'final'`) selection of a
  competition of an earlier year, except entries disqualified since (an upheld objection keeps
  them in the selection's rows, `kipp.publication.services`); that is the only history a flag
  can come from, so the queue's flags read a few hundred earlier rows, never the whole archive.
- One entry's flags on PostgreSQL find duplicate candidates with pg_trgm's `%` on
  `kipp_title_key(title)` (the GIN index of migration 0015); every database then decides with
  the same Python similarity, so PostgreSQL and SQLite give the same answers, and one entry's
  flags equal that entry's share of `competition_flags`.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import joinedload

from kipp.extensions import db
from kipp.models import Competition, Entry
from kipp.models.judging import Selection, SelectionEntry
from kipp.screening.flags import (
    Earlier,
    Flag,
    history_flags,
    is_similar_sets,
    ordered,
    similar_pairs,
    similarity_sets,
    trigrams,
)


def _earlier(comp: Competition, agency_ids: set[int] | None = None) -> list[Earlier]:
    query = (
        select(
            Entry.id, Entry.agency_id, Competition.year, Competition.id, Selection.tier, Entry.title
        )
        .join(SelectionEntry, SelectionEntry.entry_id == Entry.id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .join(Competition, Competition.id == Entry.competition_id)
        .where(
            Selection.status == "final",
            Competition.year < comp.year,
            Entry.status != "disqualified",
        )
        .distinct()
    )
    if agency_ids is not None:
        query = query.where(Entry.agency_id.in_(agency_ids))
    return [Earlier(*row) for row in db.session.execute(query)]


def _current(competition_id: int) -> list[tuple[int, int, str]]:
    query = select(Entry.id, Entry.agency_id, Entry.title).where(
        Entry.competition_id == competition_id, Entry.status != "draft"
    )
    return [tuple(row) for row in db.session.execute(query)]


def competition_flags(comp: Competition) -> dict[int, list[Flag]]:
    """Every flagged non-draft entry of the competition with its flags (unflagged left out)."""
    rows = _current(comp.id)
    grams = {entry_id: trigrams(title) for entry_id, _, title in rows}
    found: dict[int, list[Flag]] = {}
    cache: dict = {}
    by_agency: dict[int, list[Earlier]] = {}
    for e in _earlier(comp, {agency_id for _, agency_id, _ in rows}):
        by_agency.setdefault(e.agency_id, []).append(e)
    for entry_id, agency_id, _ in rows:
        if agency_id in by_agency:
            flags = history_flags(grams[entry_id], agency_id, by_agency[agency_id], cache)
            if flags:
                found[entry_id] = flags
    for a, b, sim in similar_pairs(grams):
        found.setdefault(a, []).append(Flag("duplicate_title", b, comp.year, sim))
        found.setdefault(b, []).append(Flag("duplicate_title", a, comp.year, sim))
    return {entry_id: ordered(flags) for entry_id, flags in found.items()}


def _duplicate_candidates(entry: Entry) -> list[tuple[int, str]]:
    query = select(Entry.id, Entry.title).where(Entry.status != "draft", Entry.id != entry.id)
    if db.session.get_bind().dialect.name == "postgresql":
        # The trigram index answers; `competition_id + 0` keeps the planner from scanning the
        # whole competition instead (3,500 titles folded and split per lookup).
        db.session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', '0.6', true)"))
        query = query.where(Entry.competition_id + 0 == entry.competition_id).where(
            text("kipp_title_key(entries.title) % kipp_title_key(:flag_title)").bindparams(
                flag_title=entry.title
            )
        )
    else:
        query = query.where(Entry.competition_id == entry.competition_id)
    return [tuple(row) for row in db.session.execute(query)]


def entry_flags(entry: Entry) -> list[Flag]:
    """One entry's flags, in the order of `flags.ordered`."""
    comp = entry.competition
    grams = trigrams(entry.title)
    flags = history_flags(grams, entry.agency_id, _earlier(comp, {entry.agency_id}), {})
    for other_id, title in _duplicate_candidates(entry):
        other = trigrams(title)
        if is_similar_sets(grams, other):
            flags.append(
                Flag("duplicate_title", other_id, comp.year, similarity_sets(grams, other))
            )
    return ordered(flags)


def flagged_ids(comp: Competition, code: str) -> list[int]:
    """Ids of the competition's entries carrying a flag of `code`."""
    return sorted(
        entry_id
        for entry_id, flags in competition_flags(comp).items()
        if any(f.code == code for f in flags)
    )


def compared(entry: Entry) -> list[tuple[Flag, Entry]]:
    """One entry's flags, each with the other entry it points at (competition and agency
    loaded), for the screening page's side-by-side view; a flag whose other entry is gone is
    left out."""
    flags = entry_flags(entry)
    ids = {f.other_entry_id for f in flags}
    others = {
        e.id: e
        for e in db.session.scalars(
            select(Entry)
            .where(Entry.id.in_(ids))
            .options(joinedload(Entry.agency), joinedload(Entry.competition))
        )
    }
    return [(f, others[f.other_entry_id]) for f in flags if f.other_entry_id in others]
