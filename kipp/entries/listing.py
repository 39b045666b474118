"""Lists of entries for the API: a competition's entries as one caller may list them.

Guarantees: nothing here writes; each function answers with one query (plus the eligibility
flags' own query when filtering by a flag); the caller decides who may list what and passes
the narrowing (`own_agency_id`, `drafted_by_id`), which is always applied.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from kipp.extensions import db
from kipp.models import Competition, Entry
from kipp.screening.flag_queries import flagged_ids


def listing(
    competition_id: int,
    own_agency_id: int | None,
    filters: dict,
    drafted_by_id: int | None = None,
) -> Select:
    """The competition's entries in id order, as a select to page through: only those of
    `own_agency_id` when given (an agency's own list), only those drafted by `drafted_by_id`
    when given (a drafter's own list), narrowed by the `status`, `group`, `agency_id` and
    `flag` values of `filters` that are not None."""
    query = (
        select(Entry)
        .where(Entry.competition_id == competition_id)
        .options(joinedload(Entry.drafted_by))  # `drafted_by_name` without a query per row
        .order_by(Entry.id)
    )
    if own_agency_id is not None:
        query = query.where(Entry.agency_id == own_agency_id)
    if drafted_by_id is not None:
        query = query.where(Entry.drafted_by_id == drafted_by_id)
    for key in ("status", "group", "agency_id"):
        if filters.get(key) is not None:
            query = query.where(getattr(Entry, key) == filters[key])
    if filters.get("flag") is not None:  # an eligibility flag code (kipp/screening/flags.py)
        comp = db.session.get(Competition, competition_id)
        query = query.where(Entry.id.in_(flagged_ids(comp, filters["flag"])))
    return query


def in_competition(competition_id: int, ids: list[int]) -> list[Entry]:
    """The entries among `ids` that belong to the competition; others are left out."""
    return list(
        db.session.scalars(
            select(Entry).where(Entry.id.in_(ids), Entry.competition_id == competition_id)
        )
    )
