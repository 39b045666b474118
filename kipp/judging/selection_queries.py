"""Reads of a competition's selections (proposals and final lists) for the rankings pages and
the API: the overview per competition and tier, one tier's proposals, and a page of selections.
Each is one or two SQL statements whatever the number of selections."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from kipp.competitions.queries import competitions
from kipp.extensions import db
from kipp.models import Competition, Selection, SelectionEntry


def selection_overview() -> tuple[list[Competition], dict[tuple[int, str], dict]]:
    """Competitions newest first, and per (competition id, tier) the number of proposals, the
    latest proposal's id and the final selection's id (None while there is none)."""
    comps = competitions()
    tiers: dict[tuple[int, str], dict] = {}
    rows = db.session.execute(
        select(Selection.id, Selection.competition_id, Selection.tier, Selection.status).order_by(
            Selection.id
        )
    )
    for sel_id, comp_id, tier, status in rows:
        t = tiers.setdefault((comp_id, tier), {"proposals": 0, "latest": None, "final": None})
        t["proposals"] += 1
        t["latest"] = sel_id
        if status == "final":
            t["final"] = sel_id
    return list(comps), tiers


def proposals(comp: Competition, tier: str) -> list:
    """The tier's selections, newest first: rows of (id, status, created_at, entries)."""
    count = func.count(SelectionEntry.id).label("entries")
    return db.session.execute(
        select(Selection.id, Selection.status, Selection.created_at, count)
        .outerjoin(SelectionEntry, SelectionEntry.selection_id == Selection.id)
        .where(Selection.competition_id == comp.id, Selection.tier == tier)
        .group_by(Selection.id, Selection.status, Selection.created_at)
        .order_by(Selection.id.desc())
    ).all()


def selections_page(comp: Competition, page: int, per_page: int) -> tuple[list[Selection], int]:
    """One page of the competition's selections (proposals and final), newest first, with
    their entries loaded, and the total number of them."""
    where = Selection.competition_id == comp.id
    total = db.session.scalar(select(func.count()).select_from(Selection).where(where))
    rows = db.session.scalars(
        select(Selection)
        .where(where)
        .options(selectinload(Selection.entries))
        .order_by(Selection.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return list(rows), total or 0
