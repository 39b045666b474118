"""What the agency dashboard shows of its entries' results: tier reached and documents.

Guarantees: nothing here writes; two queries whatever the number of entries.
- An entry's result comes from finalised selections only (a proposed selection says nothing):
  `shortlisted` when it is in the finalised shortlist, `finalist` when it is in the finalised
  final tier, `winner` once the competition is `awarded` and it is in the final tier. A
  disqualified entry has no result.
- Documents: the entry's certificates the user may download
  (`kipp.permissions.can_download_certificate`: rendered, not revoked, their own agency's).
  Score sheets are not listed: `can_read_score_sheet` keeps them to the admins, the chair and
  the panelists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Certificate, Entry, Selection, SelectionEntry, Stage, User
from kipp.permissions import can_download_certificate

RESULT_LABELS = {
    "shortlisted": _l("Shortlisted"),
    "finalist": _l("Finalist"),
    "winner": _l("Winner"),
}


@dataclass
class EntryResult:
    tier: str | None = None  # a key of RESULT_LABELS
    certificates: list[Certificate] = field(default_factory=list)


def entry_results(user: User, entries: list[Entry]) -> dict[int, EntryResult]:
    """entry id → its result, for those of `entries` with a tier or a certificate."""
    ids = [e.id for e in entries if e.status != "disqualified"]
    if not ids:
        return {}
    by_id = {e.id: e for e in entries}
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
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.entry_id.in_(ids), Certificate.stored_name.is_not(None))
        .order_by(Certificate.id)
    )
    for cert in certs:
        if can_download_certificate(user, cert):
            found.setdefault(cert.entry_id, EntryResult()).certificates.append(cert)
    return found
