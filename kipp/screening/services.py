"""Administrative screening of submitted entries.

Guarantees: only in stage `screening`, only submitted or already screened entries (a decision
may be changed during the stage, and each change is audited); `fail` needs at least one known
reason code; a bulk decision is all-or-nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.clock import now
from kipp.errors import Forbidden, InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import Entry, Stage, User
from kipp.screening.reasons import REASONS

SCREENABLE = ("submitted", "eligible", "ineligible")


def _check(entry: Entry, decision: str, reason_codes: list[str]) -> None:
    if entry.competition.stage != Stage.SCREENING:
        raise InvalidStage(_("Screening is only possible in the screening stage."))
    if entry.status not in SCREENABLE:
        raise Forbidden(_("Only submitted entries can be screened."))
    errors = {}
    if decision not in ("pass", "fail"):
        errors["decision"] = [_("Choose pass or fail.")]
    unknown = [c for c in reason_codes if c not in REASONS]
    if unknown:
        errors["reason_codes"] = [_("Unknown reason codes: %(c)s.", c=", ".join(unknown))]
    elif decision == "fail" and not reason_codes:
        errors["reason_codes"] = [_("A failed entry needs at least one reason.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)


def screen(
    actor: User,
    entry: Entry,
    decision: str,
    reason_codes: list[str] | None = None,
    note: str | None = None,
) -> Entry:
    reason_codes = list(dict.fromkeys(reason_codes or []))
    _check(entry, decision, reason_codes)
    before = {"status": entry.status, "reasons": entry.screening_reasons}
    entry.status = "eligible" if decision == "pass" else "ineligible"
    # A pass carries no failure reasons, whatever the form sent along.
    entry.screening_reasons = reason_codes if decision == "fail" else []
    entry.screening_note = (note or "").strip() or None
    entry.screened_at, entry.screened_by_id = now(), actor.id
    db.session.flush()
    record(
        actor,
        "entry.screen",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before=before,
        after={
            "status": entry.status,
            "reasons": entry.screening_reasons,
            "note": entry.screening_note,
        },
    )
    return entry


def screen_many(
    actor: User,
    entries: list[Entry],
    decision: str,
    reason_codes: list[str] | None = None,
    note: str | None = None,
) -> list[Entry]:
    """Apply one decision to many entries; if any is refused, none is changed."""
    for entry in entries:
        _check(entry, decision, list(reason_codes or []))
    return [screen(actor, e, decision, reason_codes, note) for e in entries]
