"""Disqualifying an entry after an upheld objection.

Guarantees (in the caller's transaction, audited as `entry.disqualify`):
- the entry's status becomes `disqualified`: it leaves every ranking (the evaluation pool holds
  only eligible entries, the panel pool leaves disqualified entries out), so it is never ranked
  again and cannot be chosen by a selection or an amendment;
- its unsubmitted score sheets (pending or draft, any round) are deleted; submitted ones stay
  as the record of what was scored;
- every certificate issued to it and not yet revoked is revoked with the objection's answer as
  the reason (`kipp.documents.certificates.revoke`, audited there).
"""

from __future__ import annotations

from sqlalchemy import select

from kipp.audit.chain import record
from kipp.documents.certificates import revoke
from kipp.extensions import db
from kipp.models import Assignment, Certificate, Entry, User


def disqualify(actor: User, entry: Entry, reason: str) -> dict:
    """Disqualify `entry` (see the module guarantees); returns what changed."""
    before = entry.status
    if before == "disqualified":
        return {"sheets_deleted": [], "certificates_revoked": []}
    entry.status = "disqualified"
    sheets = list(
        db.session.scalars(
            select(Assignment).where(
                Assignment.entry_id == entry.id, Assignment.status != "submitted"
            )
        )
    )
    deleted = sorted(a.id for a in sheets)
    for a in sheets:
        db.session.delete(a)
    db.session.flush()
    certs = db.session.scalars(
        select(Certificate)
        .where(Certificate.entry_id == entry.id, Certificate.revoked_at.is_(None))
        .order_by(Certificate.id)
    )
    revoked = [revoke(actor, c.serial, reason).serial for c in list(certs)]
    record(
        actor,
        "entry.disqualify",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before={"status": before},
        after={
            "status": "disqualified",
            "reason": reason,
            "sheets_deleted": deleted,
            "certificates_revoked": revoked,
        },
    )
    return {"sheets_deleted": deleted, "certificates_revoked": revoked}
