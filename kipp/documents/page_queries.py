"""Reads behind the document links and pages of people's screens (issue 15, item 1).

Guarantees
- `score_sheet_entries(user, competition_id)` answers which entries of a competition `user`
  may download the score-sheet PDF of, with the rule of
  `kipp.permissions.can_read_score_sheet` applied to every entry at once: None means every
  entry (admins); otherwise a frozenset of entry ids (the chair and panelists: entries they
  are assigned to without conflict or that are in a selection of the competition, never one
  of an agency they conflict with); empty for every other role. Two queries at most, however
  many rows the page shows.
- `has_submitted_sheet(entry_id)`: the entry has a submitted sheet in either round (a score
  sheet exists to download; without one the download answers 409).
- `competition_certificates(competition_id)`: every issued certificate (a rendered PDF
  exists) of the competition, revoked ones included, by serial, with the entry and its
  agency loaded (one query).
"""

from __future__ import annotations

from sqlalchemy import exists, select, union
from sqlalchemy.orm import joinedload

from kipp.extensions import db
from kipp.models import Assignment, Certificate, Entry, Selection, SelectionEntry, User
from kipp.permissions import conflicted_agencies

SHEET_READERS = ("chair", "panelist")


def score_sheet_entries(user: User | None, competition_id: int) -> frozenset[int] | None:
    if not (user and user.is_authenticated):
        return frozenset()
    if user.role == "admin":
        return None
    if user.role not in SHEET_READERS:
        return frozenset()
    assigned = select(Assignment.entry_id).where(
        Assignment.competition_id == competition_id,
        Assignment.user_id == user.id,
        Assignment.conflicted.is_(False),
    )
    selected = (
        select(SelectionEntry.entry_id)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(Selection.competition_id == competition_id)
    )
    ids = set(db.session.scalars(union(assigned, selected)))
    blocked = conflicted_agencies(user)
    if blocked and ids:
        refused = select(Entry.id).where(Entry.id.in_(ids), Entry.agency_id.in_(blocked))
        ids -= set(db.session.scalars(refused))
    return frozenset(ids)


def has_submitted_sheet(entry_id: int) -> bool:
    found = select(Assignment.id).where(
        Assignment.entry_id == entry_id, Assignment.status == "submitted"
    )
    return bool(db.session.scalar(select(exists(found))))


def competition_certificates(competition_id: int) -> list[Certificate]:
    query = (
        select(Certificate)
        .options(joinedload(Certificate.entry).joinedload(Entry.agency))
        .where(Certificate.competition_id == competition_id, Certificate.stored_name.is_not(None))
        .order_by(Certificate.serial)
    )
    return list(db.session.scalars(query))
