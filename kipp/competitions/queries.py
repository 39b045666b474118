"""Reads of competitions, shared by the admin pages, the selection pages and the API."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from kipp.extensions import db
from kipp.models import Competition, Entry
from kipp.models.entries import ENTRY_STATUSES


def competitions_query() -> Select:
    """Every competition, newest year first (then newest created), unexecuted."""
    return select(Competition).order_by(Competition.year.desc(), Competition.id.desc())


def competitions() -> list[Competition]:
    return list(db.session.scalars(competitions_query()))


def submitted_counts() -> dict[int, int]:
    """Per competition id, its entries that left the draft state."""
    rows = db.session.execute(
        select(Entry.competition_id, func.count())
        .where(Entry.status != "draft")
        .group_by(Entry.competition_id)
    )
    return dict(rows.all())


def entry_status_counts(comp: Competition) -> dict[str, int]:
    """The competition's entries per status, every status present (0 when none)."""
    rows = db.session.execute(
        select(Entry.status, func.count())
        .where(Entry.competition_id == comp.id)
        .group_by(Entry.status)
    )
    return dict.fromkeys(ENTRY_STATUSES, 0) | dict(rows.all())
