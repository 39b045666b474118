"""Which entries a reviewer may read (one indexed query each)."""

from __future__ import annotations

from sqlalchemy import exists, select

from kipp.extensions import db
from kipp.models import Assignment, Entry, Selection, SelectionEntry, User


def reviewer_may_read(user: User, entry: Entry) -> bool:
    """Assigned reviewers read their entries; the chair and panelists also read every entry of
    a selection (they decide on it). Never an entry of an agency the reviewer conflicts with,
    even when an assignment (a sheet marked `conflicted`) predates the declared conflict."""
    from kipp.permissions import conflicts_with

    if conflicts_with(user, entry):
        return False
    assigned = select(Assignment.id).where(
        Assignment.entry_id == entry.id,
        Assignment.user_id == user.id,
        Assignment.conflicted.is_(False),
    )
    if db.session.scalar(select(exists(assigned))):
        return True
    if user.role not in ("chair", "panelist"):
        return False
    selected = (
        select(SelectionEntry.id)
        .join(Selection)
        .where(
            SelectionEntry.entry_id == entry.id, Selection.competition_id == entry.competition_id
        )
    )
    return bool(db.session.scalar(select(exists(selected))))
