"""Reads for an agency's drafters page and API.

Guarantees: nothing here writes; `drafters` costs three queries whatever the number of
drafters (the accounts, one grouped count of their entries, their pending invitations).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from kipp.accounts.links import awaiting_password
from kipp.extensions import db
from kipp.models import Entry, User


@dataclass(frozen=True)
class DrafterRow:
    user: User
    drafts: int  # entries it drafted that are still drafts
    submitted: int  # entries it drafted that the agency submitted (whatever happened next)
    invited: bool  # invited and no password set yet


def drafters(agency_id: int) -> list[DrafterRow]:
    """The agency's drafters by name, with how many of their entries are drafts or submitted."""
    users = db.session.scalars(
        select(User)
        .where(User.role == "drafter", User.agency_id == agency_id)
        .order_by(User.name, User.id)
    ).all()
    counts: dict[tuple[int, bool], int] = {}
    if users:
        rows = db.session.execute(
            select(Entry.drafted_by_id, Entry.status, func.count())
            .where(Entry.drafted_by_id.in_([u.id for u in users]))
            .group_by(Entry.drafted_by_id, Entry.status)
        )
        for uid, status, n in rows:
            key = (uid, status == "draft")
            counts[key] = counts.get(key, 0) + n
    waiting = awaiting_password(u.id for u in users)
    return [
        DrafterRow(u, counts.get((u.id, True), 0), counts.get((u.id, False), 0), u.id in waiting)
        for u in users
    ]
