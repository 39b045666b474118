"""A conflict of interest declared after assignment (API contract v1.1 § Conflicts declared late).

Guarantees
- `withdraw_conflicted` acts on every assignment of the reviewer to an entry of the agency, in
  every competition and round: an unsubmitted one (pending or draft) is deleted with its draft
  values; a submitted one is kept as a record but marked `conflicted` (with the time), so it
  leaves every ranking and its reviewer can no longer read it (see `kipp.permissions`).
- Each deleted or marked assignment is one audit event on its competition's chain
  (`assignment.withdraw` with the sheet as it was, `assignment.conflicted`); the caller
  records the declaration itself with the ids returned.
- It flushes; the caller commits. Calling it again changes nothing (no unsubmitted assignment
  is left and marked ones stay marked).
- `replacements_missing` decides how many sheets an entry still lacks because of marked ones:
  one per marked sheet until as many live assignments were created after the first mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kipp.audit.chain import record
from kipp.clock import now
from kipp.extensions import db
from kipp.models import Assignment, Entry, User

REASON = "conflict_declared"


@dataclass(frozen=True)
class Withdrawn:
    removed: list[int]  # ids of the deleted (unsubmitted) assignments
    conflicted: list[int]  # ids of the submitted assignments now marked conflicted


def _sheet(a: Assignment) -> dict:
    return {
        "entry_id": a.entry_id,
        "user_id": a.user_id,
        "round": a.round,
        "status": a.status,
        "values": {v.criterion_code: str(v.value) for v in a.values},
        "total": None if a.total is None else str(a.total),
    }


def withdraw_conflicted(actor: User | None, reviewer: User, agency_id: int) -> Withdrawn:
    """Delete or mark the reviewer's assignments to the agency's entries (module guarantees)."""
    rows = db.session.scalars(
        select(Assignment)
        .join(Entry, Entry.id == Assignment.entry_id)
        .where(Assignment.user_id == reviewer.id, Entry.agency_id == agency_id)
        .options(selectinload(Assignment.values))
        .order_by(Assignment.id)
    ).all()
    removed: list[int] = []
    marked: list[int] = []
    at = now()
    for a in rows:
        obj, comp_id, before = f"assignment:{a.id}", a.competition_id, _sheet(a)
        if a.status != "submitted":
            removed.append(a.id)
            db.session.delete(a)
            db.session.flush()
            record(
                actor,
                "assignment.withdraw",
                obj,
                competition_id=comp_id,
                before=before,
                after={"reason": REASON, "agency_id": agency_id},
            )
        elif not a.conflicted:
            marked.append(a.id)
            a.conflicted, a.conflicted_at = True, at
            db.session.flush()
            record(
                actor,
                "assignment.conflicted",
                obj,
                competition_id=comp_id,
                before=before | {"conflicted": False},
                after={"conflicted": True, "reason": REASON, "agency_id": agency_id},
            )
    return Withdrawn(removed, marked)


def replacements_missing(marked_at: Iterable[datetime], live_created_at: Iterable[datetime]) -> int:
    """Sheets an entry still lacks because reviewers were conflicted after submitting: the
    number of marked sheets less the live assignments created after the first mark (0 up)."""
    marks = list(marked_at)
    if not marks:
        return 0
    first = min(marks)
    replaced = sum(1 for created in live_created_at if created > first)
    return max(0, len(marks) - replaced)
