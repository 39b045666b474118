"""Reads behind the secretariat's assignment page: which entries still lack reviewers, the
entries named in a problem, and the paged list of a round's assignments.

Guarantees
- `short_of_reviewers` lists, in pool order, the entries with fewer assignments (conflicted
  sheets not counted) than their target: `evaluators_per_entry` in the evaluation round;
  in the panel round every panel member free of a conflict with the entry's agency (at least
  one, so an entry nobody may review still shows up). Two statements: the counts, and the
  reviewers' conflicts (panel).
- `entries_by_title` loads the given entries with their agencies (one statement; none for no
  ids), ordered by title then id.
- `assignment_listing` is the one query behind every list of assignments (the secretariat's
  page, the API's competition list and a reviewer's own list): the assignments matching
  `where` and the filters given (`round`, `status`, `user_id`, `entry_id`, `competition_id`;
  None means any), with reviewer and entry loaded, ordered by id or, `by_reviewer`, by
  reviewer name then id.
- `assignments_page` pages a round's assignments of that listing, by reviewer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from kipp.accounts.services import conflicted_agency_ids
from kipp.extensions import db
from kipp.models import Assignment, Competition, Entry, User


def short_of_reviewers(
    comp: Competition, round_: str, agency_of: Mapping[int, int], reviewers: list[User]
) -> list[tuple[int, int, int]]:
    """[(entry_id, assigned, target)] for the pool's entries (`agency_of`: entry → agency)
    that have fewer reviewers than they should."""
    have = dict(
        db.session.execute(
            select(Assignment.entry_id, func.count())
            .where(
                Assignment.competition_id == comp.id,
                Assignment.round == round_,
                Assignment.conflicted.is_(False),
            )
            .group_by(Assignment.entry_id)
        ).all()
    )
    if round_ == "evaluation":
        target = dict.fromkeys(agency_of, comp.evaluators_per_entry)
    else:
        conflicts = [conflicted_agency_ids(u) for u in reviewers]
        target = {e: max(1, sum(a not in c for c in conflicts)) for e, a in agency_of.items()}
    return [(e, have.get(e, 0), target[e]) for e in agency_of if have.get(e, 0) < target[e]]


def entries_by_title(ids: Iterable[int]) -> list[Entry]:
    ids = list(ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.id.in_(ids))
            .options(joinedload(Entry.agency))
            .order_by(Entry.title, Entry.id)
        )
    )


FILTERS = ("round", "status", "user_id", "entry_id", "competition_id")


def assignment_listing(where: Iterable = (), filters: Mapping | None = None, by_reviewer=False):
    """The select of the assignments matching `where` and `filters` (see the guarantees)."""
    query = (
        select(Assignment)
        .join(Assignment.user)
        .where(*where)
        .options(contains_eager(Assignment.user), joinedload(Assignment.entry))
        .order_by(*((User.name, Assignment.id) if by_reviewer else (Assignment.id,)))
    )
    for key in FILTERS:
        if (filters or {}).get(key) is not None:
            query = query.where(getattr(Assignment, key) == filters[key])
    return query


def assignments_page(comp: Competition, round_: str, filters: Mapping, per_page: int):
    query = assignment_listing(
        [Assignment.competition_id == comp.id, Assignment.round == round_],
        {k: filters.get(k) for k in ("user_id", "status")},
        by_reviewer=True,
    )
    return db.paginate(query, page=filters.get("page", 1), per_page=per_page, error_out=False)
