"""Reads of published selections, shared by the API, the secretariat's pages and the public pages.

Guarantees
- `public_status` is None for a selection that is not published; otherwise `fixed` once a decree
  is recorded, else `objection_open` while the clock has not passed `objection_closes_at` (the
  whole closing second, e.g. 23:59:59, still belongs to the window), else `objection_closed`.
- `published_selections` never returns an unpublished selection.
- `objection_register` returns every objection of the selection, oldest first; the caller decides
  which fields a reader may see (the public register never shows name, e-mail or statement).
- `selection_entries` lists the selection's entries in place order (amendments append places),
  each `listed` or `disqualified`.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kipp.clock import now
from kipp.extensions import db
from kipp.models import Competition, Entry, Selection, SelectionEntry
from kipp.models.publication import Objection, SelectionAmendment

OBJECTION_OPEN, OBJECTION_CLOSED, FIXED = "objection_open", "objection_closed", "fixed"
PUBLIC_STATUSES = (OBJECTION_OPEN, OBJECTION_CLOSED, FIXED)
LISTED, DISQUALIFIED = "listed", "disqualified"

PUBLIC_STATUS_LABELS = {
    OBJECTION_OPEN: _l("Objections open"),
    OBJECTION_CLOSED: _l("Objections closed"),
    FIXED: _l("Fixed by decree"),
}
OBJECTION_STATUS_LABELS = {
    "received": _l("Received"),
    "upheld": _l("Upheld"),
    "dismissed": _l("Dismissed"),
}
LISTING_LABELS = {LISTED: _l("Listed"), DISQUALIFIED: _l("Disqualified")}


def window_open(sel: Selection, at: datetime | None = None) -> bool:
    """True while objections to the published `sel` are accepted (no decree yet)."""
    return public_status(sel, at) == OBJECTION_OPEN


def public_status(selection: Selection, at: datetime | None = None) -> str | None:
    """None (not published), `objection_open`, `objection_closed` or `fixed` at `at` (now)."""
    if selection.published_at is None:
        return None
    if selection.decree_number is not None:
        return FIXED
    at = (at or now()).replace(microsecond=0)
    closes = selection.objection_closes_at
    if closes is not None and at <= closes:
        return OBJECTION_OPEN
    return OBJECTION_CLOSED


def final_selections() -> list[tuple[Selection, Competition]]:
    """Every final selection with its competition, newest year first (the secretariat's list)."""
    return list(
        db.session.execute(
            select(Selection, Competition)
            .join(Competition, Competition.id == Selection.competition_id)
            .where(Selection.status == "final")
            .order_by(Competition.year.desc(), Competition.id.desc(), Selection.id)
        ).all()
    )


def published_selections(competition_id: int | None = None) -> list[Selection]:
    """Published selections (of one competition, or all), by competition then tier."""
    query = select(Selection).where(Selection.published_at.is_not(None))
    if competition_id is not None:
        query = query.where(Selection.competition_id == competition_id)
    return list(db.session.scalars(query.order_by(Selection.competition_id, Selection.id)))


def published_selection(selection_id: int) -> Selection | None:
    """The selection when it is published, else None (unpublished is never visible)."""
    sel = db.session.get(Selection, selection_id)
    return sel if sel is not None and sel.published_at is not None else None


def objection_register(selection: Selection) -> list[Objection]:
    """Every objection to `selection` (received and decided), oldest first."""
    return list(
        db.session.scalars(
            select(Objection)
            .where(Objection.selection_id == selection.id)
            .order_by(Objection.created_at, Objection.id)
        )
    )


def undecided_count(selection: Selection) -> int:
    return sum(1 for o in objection_register(selection) if o.status == "received")


def award_label(selection: Selection) -> str:
    """ "Top 99" / "Top 45" style label of the selection's tier (lazily translated); an extra
    award's own label."""
    if selection.tier not in ("shortlist", "final"):
        comp = db.session.get(Competition, selection.competition_id)
        award = comp.extra_award(selection.tier) if comp is not None else None
        return award.label if award is not None else selection.tier
    if selection.tier == "final":
        return _l("Top %(size)d finalists", size=selection.size)
    return _l("Top %(size)d innovations", size=selection.size)


class Placed(NamedTuple):
    """One place of a selection: the entry (agency loaded) and `listed` or `disqualified`."""

    place: int
    entry_id: int
    entry: Entry
    status: str
    justification: str | None


def selection_entries(selection: Selection) -> list[Placed]:
    """The selection's entries, listed and disqualified, in place order."""
    rows = db.session.scalars(
        select(SelectionEntry)
        .where(SelectionEntry.selection_id == selection.id)
        .options(selectinload(SelectionEntry.entry).selectinload(Entry.agency))
        .order_by(SelectionEntry.place)
    )
    return [
        Placed(
            se.place,
            se.entry_id,
            se.entry,
            DISQUALIFIED if se.entry.status == "disqualified" else LISTED,
            se.justification,
        )
        for se in rows
    ]


def listed_ids(selection: Selection) -> list[int]:
    return [p.entry_id for p in selection_entries(selection) if p.status == LISTED]


def disqualified_ids(selection: Selection) -> list[int]:
    return [p.entry_id for p in selection_entries(selection) if p.status == DISQUALIFIED]


def amendments(selection: Selection) -> list[SelectionAmendment]:
    """The selection's amendment history, oldest first."""
    return list(
        db.session.scalars(
            select(SelectionAmendment)
            .where(SelectionAmendment.selection_id == selection.id)
            .order_by(SelectionAmendment.id)
        )
    )


def pending_removals(selection: Selection) -> list[int]:
    """Disqualified entries of the selection not yet replaced by an amendment."""
    replaced = {e for a in amendments(selection) for e in a.removed}
    return [e for e in disqualified_ids(selection) if e not in replaced]
