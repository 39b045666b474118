"""/entries, /attachments, /screening: drafting, submitting and screening entries."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy.orm import joinedload, selectinload

from kipp.api import serializers as out
from kipp.api.auth import caller, require, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses import EntryFullOut, EntryList, EntryPage, ReasonList, UploadOut
from kipp.api.responses_base import BINARY, PDF, UPLOAD_BODY, problems
from kipp.api.schemas import (
    AttachmentKind,
    BulkScreeningIn,
    EntryIn,
    EntryListArgs,
    EntryPatch,
    ScreeningIn,
)
from kipp.documents.certificates import certificate_code_for
from kipp.entries import listing, services, storage
from kipp.entries.attachments import add_attachment, delete_attachment
from kipp.entries.checks import blockers
from kipp.errors import Forbidden, NotFound, ValidationFailed
from kipp.extensions import db
from kipp.judging import blind
from kipp.models import Attachment, Competition, Entry, Stage
from kipp.permissions import (
    can_draft_entries,
    can_edit_entry,
    can_read_entry,
    can_read_flags,
    can_screen,
    can_submit_entry,
)
from kipp.screening import services as screening
from kipp.screening.reasons import REASONS, label

blp = Blueprint(
    "api_entries",
    __name__,
    url_prefix="/api/v1",
    description="Entries, attachments and administrative screening",
)


# What `dump` reads of an entry, loaded with the entry: its competition (with the groups and
# criteria the checks and the blockers read) and agency in one query, its attachments in a
# second, instead of a lazy load each.
FULL = (
    joinedload(Entry.competition).selectinload(Competition.groups),
    joinedload(Entry.competition).selectinload(Competition.criteria),
    joinedload(Entry.agency),
    selectinload(Entry.attachments),
)


def get_entry(entry_id: int, *, full: bool = False, options: tuple = ()) -> Entry:
    """The entry if the caller may read it, else 404; `full` loads what `dump` reads too,
    `options` what else the caller names."""
    user = caller()
    entry = db.session.get(Entry, entry_id, options=FULL if full else options)
    return visible_or_404(entry, entry is not None and can_read_entry(user, entry))


def commit_keeping_loaded() -> None:
    """Commit without expiring what the request loaded, so the answer is built from the rows
    as this request wrote them rather than read again. Only for changes made through the
    entry's own columns: a relationship changed through a foreign key alone would be stale."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def dump(entry: Entry) -> dict:
    body = out.entry(entry, blockers=blockers(entry) if entry.status == "draft" else [])
    # Certificates are issued only in stage `awarded`, the last stage, which a competition
    # never leaves: before it no entry has one, so there is nothing to look up.
    awarded = entry.competition.stage == Stage.AWARDED
    body["certificate_code"] = certificate_code_for(entry, caller()) if awarded else None
    return body


@blp.post("/competitions/<int:competition_id>/entries")
@blp.arguments(EntryIn)
@blp.response(201, EntryFullOut)
@blp.doc(responses=problems(409))
def create(data, competition_id):
    comp = get_competition(competition_id)
    user = caller()
    if not can_draft_entries(user):
        raise Forbidden(_("Only an agency account or its drafters can create entries."))
    entry = services.create_entry(user, comp, data)
    db.session.commit()
    return dump(entry)


@blp.get("/competitions/<int:competition_id>/entries")
@blp.arguments(EntryListArgs, location="query")
@blp.response(200, EntryPage)
@blp.doc(responses=problems(403))
def index(args, competition_id):
    comp = get_competition(competition_id)
    user = caller()
    if user.role not in ("agency", "admin", "drafter"):
        raise Forbidden(_("Your role does not allow listing entries."))
    own = user.agency_id if user.role in ("agency", "drafter") else None
    mine = user.id if user.role == "drafter" else None  # a drafter lists only its own drafts
    if args.get("flag") is not None and not can_read_flags(user):
        raise Forbidden(_("Only the secretariat can filter entries by eligibility flags."))
    query = listing.listing(comp.id, own, args, drafted_by_id=mine)
    # What out.entry reads of each row, loaded with the page rather than row by row.
    query = query.options(joinedload(Entry.agency), selectinload(Entry.attachments))
    return out.page(query, args["page"], args["per_page"], out.entry)


@blp.get("/entries/<int:entry_id>")
@blp.response(200, EntryFullOut)
def show(entry_id):
    return dump(get_entry(entry_id, full=True))


@blp.patch("/entries/<int:entry_id>")
@blp.arguments(EntryPatch)
@blp.response(200, EntryFullOut)
@blp.doc(responses=problems(409))
def patch(data, entry_id):
    entry = get_entry(entry_id, full=True)
    if not can_edit_entry(caller(), entry):
        raise Forbidden(_("Only the entry's agency can change it."))
    services.update_entry(caller(), entry, data)
    commit_keeping_loaded()  # the answer is the entry as written (no re-read)
    return dump(entry)


@blp.post("/entries/<int:entry_id>/submit")
@blp.response(200, EntryFullOut)
@blp.doc(responses=problems(409, 422))
def submit(entry_id):
    """Only the agency account submits; a drafter who drafted the entry gets 403 `forbidden`."""
    entry = get_entry(entry_id, full=True)
    if not can_submit_entry(caller(), entry):
        raise Forbidden(
            _("Only the agency account submits entries; ask your Admin Lokal to submit it.")
        )
    services.submit_entry(caller(), entry)
    commit_keeping_loaded()  # the answer is the entry as written (no re-read)
    return dump(entry)


@blp.post("/entries/<int:entry_id>/attachments")
@blp.response(201, UploadOut)
@blp.doc(requestBody=UPLOAD_BODY, responses=problems(409, 413, 415, 422))
def upload(entry_id):
    """Multipart form: `file` (a PDF, checked by content) and `kind`."""
    entry = get_entry(entry_id, options=(joinedload(Entry.competition),))  # for its window
    if not can_edit_entry(caller(), entry):
        raise Forbidden(_("Only the entry's agency can attach documents."))
    errors = AttachmentKind().validate({"kind": request.form.get("kind")})
    upload = request.files.get("file")
    if upload is None:
        errors["file"] = [_("Choose a file.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    data = upload.read(current_app.config["KIPP_MAX_UPLOAD_BYTES"] + 1)
    att = add_attachment(
        caller(),
        entry,
        request.form["kind"],
        upload.filename or "",
        data,
        current_app.config["KIPP_MAX_UPLOAD_BYTES"],
    )
    body = {  # built before the commit expires `att`, so it is not read again
        "id": att.id,
        "filename": att.filename,
        "size": att.size,
        "sha256": att.sha256,
        "kind": att.kind,
    }
    db.session.commit()
    return body


def get_attachment(attachment_id: int) -> Attachment:
    user = caller()
    att = db.session.get(Attachment, attachment_id)
    # A blind evaluator does not learn that an identifying attachment exists (404).
    return visible_or_404(
        att,
        att is not None
        and can_read_entry(user, att.entry)
        and not blind.attachment_hidden(user, att),
    )


def stream(att: Attachment):
    return storage.attachment_response(att.stored_name, att.filename)


@blp.get("/attachments/<int:attachment_id>")
@blp.response(200, BINARY, content_type=PDF, description="The PDF, as uploaded.")
def download(attachment_id):
    return stream(get_attachment(attachment_id))


@blp.delete("/attachments/<int:attachment_id>")
@blp.response(204)
@blp.doc(responses=problems(409))
def delete(attachment_id):
    att = get_attachment(attachment_id)
    if not can_edit_entry(caller(), att.entry):
        raise Forbidden(_("Only the entry's agency can remove documents."))
    stored = att.stored_name
    delete_attachment(caller(), att)
    db.session.commit()
    storage.remove(stored)
    return ""


@blp.get("/screening-reasons")
@blp.response(200, ReasonList)
def reasons():
    caller()
    locale = str(get_locale() or "id")
    items = [
        {"code": c, "label": label(c, locale), "labels": texts} for c, texts in REASONS.items()
    ]
    return {"items": items, "total": len(items)}


@blp.post("/entries/<int:entry_id>/screening")
@blp.arguments(ScreeningIn)
@blp.response(200, EntryFullOut)
@blp.doc(responses=problems(409))
def screen(data, entry_id):
    entry = get_entry(entry_id)
    actor = require(can_screen)
    screening.screen(actor, entry, data["decision"], data["reason_codes"], data.get("note"))
    db.session.commit()
    return dump(entry)


@blp.post("/competitions/<int:competition_id>/screening/bulk")
@blp.arguments(BulkScreeningIn)
@blp.response(200, EntryList)
@blp.doc(responses=problems(409))
def screen_bulk(data, competition_id):
    comp = get_competition(competition_id)
    actor = require(can_screen)
    ids = list(dict.fromkeys(data["entry_ids"]))
    entries = listing.in_competition(comp.id, ids)
    if len(entries) != len(ids):
        raise NotFound(_("Some entries were not found in this competition."))
    screening.screen_many(actor, entries, data["decision"], data["reason_codes"], data.get("note"))
    db.session.commit()
    return {"items": [out.entry(e) for e in entries], "total": len(entries)}
