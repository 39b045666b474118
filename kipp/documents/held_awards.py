"""Which awards an entry holds, for its certificates.

Guarantees
- An entry of a finalised selection holds its highest built-in tier (`final` beats
  `shortlist`) and every extra award whose finalised selection lists it; each is one
  certificate. Built-in first, then the extra awards in the competition's order.
- An extra award's certificate serial is the entry's serial plus `-<CODE>` (the award code in
  capitals), so each certificate of an entry has its own serial and public code.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from kipp.documents.codes import format_serial
from kipp.extensions import db
from kipp.models import Certificate, Competition, Selection, SelectionEntry
from kipp.models.awards import BUILTIN_TIERS


class Held(NamedTuple):
    award: str  # shortlist, final or an extra award's code
    size: int  # the selection's size
    label: str | None  # an extra award's label; None for a built-in tier


def _final_rows(competition_id: int, entry_id: int | None = None):
    query = (
        select(SelectionEntry.entry_id, Selection.tier, Selection.size)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(Selection.competition_id == competition_id, Selection.status == "final")
    )
    if entry_id is not None:
        query = query.where(SelectionEntry.entry_id == entry_id)
    return db.session.execute(query).all()


def held_awards(comp: Competition, entry_id: int | None = None) -> dict[int, list[Held]]:
    """Per entry id, the awards it holds (see the module guarantees)."""
    order = {a.code: n for n, a in enumerate(comp.extra_awards)}
    labels = {a.code: a.label for a in comp.extra_awards}
    builtin: dict[int, Held] = {}
    extra: dict[int, list[Held]] = {}
    for e, tier, size in _final_rows(comp.id, entry_id):
        if tier in BUILTIN_TIERS:
            if tier == "final" or e not in builtin:
                builtin[e] = Held(tier, size, None)
        elif tier in labels:
            extra.setdefault(e, []).append(Held(tier, size, labels[tier]))
    out: dict[int, list[Held]] = {}
    for e in sorted(set(builtin) | set(extra)):
        awards = [builtin[e]] if e in builtin else []
        out[e] = awards + sorted(extra.get(e, []), key=lambda h: order[h.award])
    return out


def award_serial(year: int, entry_id: int, award: str) -> str:
    """The serial of the entry's certificate for `award` (see the module guarantees)."""
    base = format_serial(year, entry_id)
    return base if award in BUILTIN_TIERS else f"{base}-{award.upper()}"


def award_labels(award: str, size: int, year: int) -> tuple[str, str]:
    """("Top 45 Inovasi Pelayanan Publik 2026", "Top 45 Public Service Innovations 2026")."""
    return (
        f"Top {size} Inovasi Pelayanan Publik {year}",
        f"Top {size} Public Service Innovations {year}",
    )


def _award_size(cert: Certificate, comp: Competition) -> int:
    for h in held_awards(comp, cert.entry_id).get(cert.entry_id, []):
        if h.award == cert.award:
            return h.size
    return comp.final_size if cert.award == "final" else comp.shortlist_size


def certificate_labels(cert: Certificate, comp: Competition, size: int | None = None):
    """The award's label in Indonesian and English: an extra award's own label (both), else
    "Top <size> …" of the built-in tier (`size`: the tier's size when the caller knows it)."""
    if cert.label:
        return cert.label, cert.label
    return award_labels(
        cert.award, size if size is not None else _award_size(cert, comp), comp.year
    )
