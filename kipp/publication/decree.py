"""Fixing a published selection by decree, and attaching the signed decree PDF.

Guarantees (each change audited on the competition's chain; nothing written when refused)
- `record_decree`: only after the objection window closed with every objection decided
  (InvalidStage), once (Locked); the number has 1–100 characters, the signing date is not in
  the future (422). The selection becomes `fixed`: amending it answers Locked from then on.
- `attach_decree_file`: only once a decree is recorded (InvalidStage); the file must be a PDF
  by its bytes (415) within the upload limit (413). It is stored through
  `kipp.documents.storage` (no orphan file on a rollback); a later file replaces it, the old
  file being removed only once the new name is committed.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.clock import local, now
from kipp.documents import storage
from kipp.entries.storage import looks_like_pdf
from kipp.errors import (
    InvalidStage,
    Locked,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
)
from kipp.extensions import db
from kipp.models import Competition, Selection, User
from kipp.publication.queries import public_status, undecided_count

DECREE_NUMBER_MAX = 100


def record_decree(actor: User, sel: Selection, number, signed_on) -> Selection:
    """Fix `sel` by the decree `number` signed on `signed_on` (see the module guarantees)."""
    if sel.decree_number is not None:
        raise Locked(_("The decree of this selection is already recorded."))
    status = public_status(sel)
    if status is None:
        raise InvalidStage(_("Only a published selection can be fixed by a decree."))
    if status == "objection_open":
        raise InvalidStage(_("The objection period is still open."))
    left = undecided_count(sel)
    if left:
        raise InvalidStage(_("%(n)d objection(s) are not decided yet; decide them first.", n=left))
    comp = db.session.get(Competition, sel.competition_id)
    number = number.strip() if isinstance(number, str) else ""
    errors: dict[str, list[str]] = {}
    if not number or len(number) > DECREE_NUMBER_MAX:
        errors["number"] = [
            _("Write the decree number (at most %(n)d characters).", n=DECREE_NUMBER_MAX)
        ]
    today = local(now(), comp.timezone).date()
    if not isinstance(signed_on, date) or signed_on > today:
        errors["signed_on"] = [_("Give the date the decree was signed (not in the future).")]
    if errors:
        raise ValidationFailed(next(iter(errors.values()))[0], errors=errors)
    sel.decree_number, sel.decree_signed_on = number, signed_on
    db.session.flush()
    record(
        actor,
        "selection.decree",
        f"selection:{sel.id}",
        competition_id=comp.id,
        after={
            "number": number,
            "signed_on": signed_on.isoformat(),
            "snapshot_sha256": sel.snapshot_sha256,
        },
    )
    return sel


def attach_decree_file(actor: User, sel: Selection, data: bytes, max_bytes: int) -> Selection:
    """Store the signed decree PDF of `sel` (see the module guarantees)."""
    if sel.decree_number is None:
        raise InvalidStage(_("Record the decree's number and date before attaching its file."))
    if len(data) > max_bytes:
        raise PayloadTooLarge(_("The file is larger than %(mb)d MiB.", mb=max_bytes // 2**20))
    if not data:
        raise ValidationFailed(_("Choose a file."), errors={"file": [_("Choose a file.")]})
    if not looks_like_pdf(data):
        raise UnsupportedMediaType(_("Only PDF files are accepted."))
    name, digest = storage.store(data)
    storage.discard_unless_committed(name)
    before = {"decree_sha256": sel.decree_sha256}
    storage.remove_after_commit(sel.decree_file)
    sel.decree_file, sel.decree_sha256 = name, digest
    db.session.flush()
    record(
        actor,
        "selection.decree_file",
        f"selection:{sel.id}",
        competition_id=sel.competition_id,
        before=before,
        after={"decree_sha256": digest, "size": len(data)},
    )
    return sel
