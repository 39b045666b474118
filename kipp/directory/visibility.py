"""Which entries the directory shows: one rule, stated on `entries` and copied on the search table.

An entry is a directory innovation when it is not disqualified and either it is listed in a
published selection (`Selection.published_at` set), or its competition is `awarded`, it is
`eligible` and its agency set `public`.
- `visible()` states the rule on `Entry` joined to `Competition`: the source of truth
  (`is_visible`, which `kipp.permissions.in_directory` asks, and the lineage counts).
- `visible_copy()` states it on `innovation_search` alone, whose copies the database's
  triggers keep (migrations 0011 and 0020): what every directory list reads
  (`kipp.directory.queries`).
- On PostgreSQL the SQL function `kipp_shown` (migration 0021) states it on the same copies,
  for the triggers that copy it onto `innovation_documents` (`visible`), which a text search
  reads. `tests/directory/test_visibility_copy.py` holds all three equal.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, func, or_, select

from kipp.extensions import db
from kipp.models import Competition, Entry, Selection, SelectionEntry
from kipp.models.directory import InnovationSearch


def visible():
    """The visibility rule as a condition on `Entry` joined to `Competition`: the source of
    truth, read from `entries`, `competitions` and `selections` themselves."""
    listed = exists(
        select(1)
        .select_from(SelectionEntry)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(SelectionEntry.entry_id == Entry.id, Selection.published_at.is_not(None))
    )
    consented = and_(
        Competition.stage == "awarded", Entry.status == "eligible", Entry.public.is_(True)
    )
    return and_(Entry.status != "disqualified", or_(listed, consented))


def visible_copy():
    """The same rule on `innovation_search` alone, whose copies of the status, the consent,
    the published tier (`tier_rank`) and the competition's stage (`awarded`) the database's
    triggers keep (migrations 0011 and 0020): what every directory list reads."""
    s = InnovationSearch
    consented = and_(s.awarded.is_(True), s.status == "eligible", s.public.is_(True))
    return and_(s.status != "disqualified", or_(s.tier_rank.is_not(None), consented))


def is_visible(entry_id: int) -> bool:
    """Read from `entries` itself (not the search table): the rule's source of truth."""
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Entry)
            .join(Competition, Competition.id == Entry.competition_id)
            .where(Entry.id == entry_id, visible())
        )
    )
