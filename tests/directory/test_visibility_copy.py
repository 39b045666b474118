"""The search table's copy of the visibility facts (migration 0020) agrees with the rule read
from `entries`, `competitions` and `selections` after every kind of change, made with plain SQL
updates so that only the database's triggers can keep the copy current; on PostgreSQL so do
the facet cells and the full-text table's copies of cell and visibility (migration 0021)."""

from __future__ import annotations

from sqlalchemy import case, func, select, tuple_

from kipp.extensions import db
from kipp.models import Competition, Entry, Selection, SelectionEntry
from kipp.models.directory import DirectoryCell, InnovationDocument, InnovationSearch
from tests.directory.conftest import VISIBLE


def _readings() -> tuple[set[int], set[int]]:
    from kipp.directory.visibility import visible, visible_copy

    db.session.expire_all()
    copy = set(db.session.scalars(select(InnovationSearch.entry_id).where(visible_copy())))
    truth = set(
        db.session.scalars(
            select(Entry.id)
            .join(Competition, Competition.id == Entry.competition_id)
            .where(visible())
        )
    )
    return copy, truth


def _tiers() -> tuple[dict, dict]:
    rank = func.max(case({"final": 2, "shortlist": 1}, value=Selection.tier, else_=0))
    live = dict(
        db.session.execute(
            select(SelectionEntry.entry_id, rank)
            .join(Selection, Selection.id == SelectionEntry.selection_id)
            .where(Selection.published_at.is_not(None))
            .group_by(SelectionEntry.entry_id)
        ).all()
    )
    copied = dict(
        db.session.execute(
            select(InnovationSearch.entry_id, InnovationSearch.tier_rank).where(
                InnovationSearch.tier_rank.is_not(None)
            )
        ).all()
    )
    return copied, live


def _cells_agree(shown: set[int]) -> None:
    """PostgreSQL (migration 0021): each search row's cell holds its own facet values, and
    `innovation_documents` copies the row's cell and whether it is shown."""
    if db.engine.dialect.name != "postgresql":
        return
    s, c, d = InnovationSearch, DirectoryCell, InnovationDocument
    tier = case((s.tier_rank.in_((1, 2)), s.tier_rank), else_=0)
    rows = db.session.execute(
        select(s.entry_id, s.cell, d.cell, d.visible)
        .join(d, d.entry_id == s.entry_id)
        .outerjoin(c, c.id == s.cell)
        .where(
            tuple_(s.year, tier, s.island, s.province, s.kind, s.group, s.is_3t)
            == tuple_(c.year, c.tier, c.island, c.province, c.kind, c.group, c.is_3t)
        )
    ).all()
    assert len(rows) == db.session.scalar(select(func.count()).select_from(s))
    assert all(cell is not None and cell == copied for _, cell, copied, _ in rows)
    assert {entry_id for entry_id, *_, visible in rows if visible} == shown


def agree(world) -> set[str]:
    """Assert both readings agree (visibility and tier) and return the visible names."""
    copy, truth = _readings()
    assert copy == truth
    copied, live = _tiers()
    assert copied == live
    _cells_agree(copy)
    by_id = {e.id: k for k, e in world.e.items()}
    return {by_id[i] for i in copy if i in by_id}


def _sql(statement) -> None:
    db.session.execute(statement)
    db.session.commit()


def test_the_copy_follows_every_change(world, make, app):
    e, comps = world.e, world.comps
    assert agree(world) == VISIBLE
    assert _tiers()[0][e["final"].id] == 2 and _tiers()[0][e["short"].id] == 1

    pending = db.session.scalar(
        select(Selection.id).where(Selection.competition_id == comps[2026].id)
    )
    _sql(db.update(Selection).where(Selection.id == pending).values(published_at=func.now()))
    assert agree(world) == VISIBLE | {"pending"}

    _sql(db.update(Competition).where(Competition.id == comps[2026].id).values(stage="awarded"))
    assert agree(world) == VISIBLE | {"pending", "early"}

    _sql(db.update(Competition).where(Competition.id == comps[2025].id).values(stage="final"))
    assert agree(world) == VISIBLE - {"replica", "replica2"} | {"pending", "early"}

    shortlist = db.session.scalar(
        select(SelectionEntry.selection_id).where(SelectionEntry.entry_id == e["short"].id)
    )
    _sql(db.delete(SelectionEntry).where(SelectionEntry.entry_id == e["short"].id))
    assert "short" not in agree(world)

    _sql(
        db.insert(SelectionEntry).values(selection_id=shortlist, entry_id=e["private"].id, place=9)
    )
    assert "private" in agree(world)
    assert _tiers()[0][e["private"].id] == 1

    _sql(db.update(Entry).where(Entry.id == e["consented"].id).values(status="disqualified"))
    _sql(db.update(Entry).where(Entry.id == e["early"].id).values(public=False))
    assert not {"consented", "early"} & agree(world)

    _sql(db.update(Entry).where(Entry.id == e["early"].id).values(competition_id=comps[2024].id))
    _sql(db.update(Entry).where(Entry.id == e["early"].id).values(public=True))
    assert "early" in agree(world)

    _sql(db.update(Selection).where(Selection.id == pending).values(published_at=None))
    assert "pending" not in agree(world)

    from click.testing import CliRunner

    before = _readings()[0]
    result = CliRunner().invoke(app.cli, ["directory", "reindex"], obj=None)
    assert result.exit_code == 0, result.output
    assert _readings()[0] == before
    agree(world)
