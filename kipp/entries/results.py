"""What the agency dashboard shows of its entries' results: tier reached and documents.

Guarantees: nothing here writes; five queries at most whatever the number of entries, and
none for entries whose competition has not reached stage `shortlist` (no selection, shared
score sheet or certificate exists before it; certificates only in stage `awarded`).
- An entry's result comes from finalised selections only (a proposed selection says nothing):
  `shortlisted` when it is in the finalised shortlist, `finalist` when it is in the finalised
  final tier, `winner` once the competition is `awarded` and it is in the final tier. A
  disqualified entry has no result.
- Documents: the entry's certificates the user may download
  (`kipp.permissions.can_download_certificate`: rendered, not revoked, their own agency's).
  The agency's copy of the score sheet (reviewers unnamed) once one of its rounds is shared
  (`kipp.documents.agency_sheets`; `can_read_agency_score_sheet`: the agency account, not its
  drafters); the full sheet with reviewer names stays with the admins, chair and panelists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kipp.documents.agency_sheets import entries_with_copy
from kipp.extensions import db
from kipp.models import Certificate, Entry, Selection, SelectionEntry, Stage, User
from kipp.permissions import can_download_certificate, can_read_agency_score_sheet

RESULT_LABELS = {
    "shortlisted": _l("Shortlisted"),
    "finalist": _l("Finalist"),
    "winner": _l("Winner"),
}


@dataclass
class EntryResult:
    tier: str | None = None  # a key of RESULT_LABELS
    certificates: list[Certificate] = field(default_factory=list)
    score_sheet: bool = False  # the agency's copy can be downloaded


def entry_results(user: User, entries: list[Entry]) -> dict[int, EntryResult]:
    """entry id → its result, for those of `entries` with a tier, a certificate or a score
    sheet to read."""
    # Selections are made from stage `shortlist` on and a competition never goes back, so an
    # entry of an earlier competition has no tier, certificate or shared sheet to look up.
    judged = [
        e for e in entries if e.status != "disqualified" and e.competition.reached(Stage.SHORTLIST)
    ]
    if not judged:
        return {}
    by_id = {e.id: e for e in judged}
    ids = list(by_id)
    tiers: dict[int, set[str]] = {}
    rows = db.session.execute(
        select(SelectionEntry.entry_id, Selection.tier)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(SelectionEntry.entry_id.in_(ids), Selection.status == "final")
    )
    for entry_id, tier in rows:
        tiers.setdefault(entry_id, set()).add(tier)
    found: dict[int, EntryResult] = {}
    for entry_id, held in tiers.items():
        if "final" in held:
            awarded = by_id[entry_id].competition.stage == Stage.AWARDED
            tier = "winner" if awarded else "finalist"
        elif "shortlist" in held:
            tier = "shortlisted"
        else:
            continue
        found[entry_id] = EntryResult(tier)
    awarded = [i for i in ids if by_id[i].competition.stage == Stage.AWARDED]
    certs = (
        db.session.scalars(
            select(Certificate)
            .where(Certificate.entry_id.in_(awarded), Certificate.stored_name.is_not(None))
            .order_by(Certificate.id)
        )
        if awarded
        else ()
    )
    for cert in certs:
        if can_download_certificate(user, cert):
            found.setdefault(cert.entry_id, EntryResult()).certificates.append(cert)
    readable = [e for e in judged if can_read_agency_score_sheet(user, e)]
    for entry_id in entries_with_copy(readable):
        found.setdefault(entry_id, EntryResult()).score_sheet = True
    return found
