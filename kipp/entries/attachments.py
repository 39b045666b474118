"""Adding and removing an entry's documents (PDF attachments) while it is a draft.

Guarantees: only a draft's documents change, and only while its submission window is open
(`Locked`, `InvalidStage`, `DeadlinePassed` otherwise); the kind, the size and the PDF
signature are checked before the file is stored (`ValidationFailed`, `PayloadTooLarge`,
`UnsupportedMediaType`), so a refused upload stores nothing; every change is audited.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.audit.chain import record
from kipp.entries import storage
from kipp.entries.checks import check_window
from kipp.errors import Locked, PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from kipp.extensions import db
from kipp.models import ATTACHMENT_KINDS, Attachment, Entry, User


def add_attachment(
    actor: User, entry: Entry, kind: str, filename: str, data: bytes, max_bytes: int
) -> Attachment:
    if entry.status != "draft":
        raise Locked(_("This entry was submitted; its documents can no longer change."))
    check_window(entry.competition, submitting=False)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationFailed(
            _("Choose the kind of document."),
            errors={"kind": [_("Choose one of: %(k)s.", k=", ".join(ATTACHMENT_KINDS))]},
        )
    if len(data) > max_bytes:
        raise PayloadTooLarge(_("The file is larger than %(mb)d MiB.", mb=max_bytes // 2**20))
    if not data:
        raise ValidationFailed(_("Choose a file."), errors={"file": [_("Choose a file.")]})
    if not storage.looks_like_pdf(data):
        raise UnsupportedMediaType(_("Only PDF files are accepted."))
    stored_name, digest = storage.store(data)
    display = storage.pdf_filename(filename)  # always ends in .pdf, like the stored name
    att = Attachment(
        entry_id=entry.id,
        kind=kind,
        filename=display,
        stored_name=stored_name,
        size=len(data),
        sha256=digest,
    )
    db.session.add(att)
    db.session.flush()
    record(
        actor,
        "attachment.add",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        after={"attachment_id": att.id, "kind": kind, "sha256": digest, "size": len(data)},
    )
    return att


def delete_attachment(actor: User, att: Attachment) -> None:
    entry = att.entry
    if entry.status != "draft":
        raise Locked(_("This entry was submitted; its documents can no longer change."))
    check_window(entry.competition, submitting=False)
    record(
        actor,
        "attachment.delete",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before={"attachment_id": att.id, "kind": att.kind, "sha256": att.sha256},
    )
    db.session.delete(att)
    db.session.flush()
