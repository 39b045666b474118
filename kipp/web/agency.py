"""The agency's pages: dashboard, entry editor, attachments and submission.

Only `agency` accounts and their drafters get in (others: 403); an entry or attachment of
another agency answers 404, and so does, for a drafter, any entry it did not draft. A drafter
uses the same dashboard (its own drafts only) and editor, without the submit action: only the
agency account submits (a drafter's submit is refused with 403 and changes nothing).
Views call one service and commit once; a refused request is rolled back and the page is shown
again with everything the user typed and the reason, under the error's status code.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from kipp.clock import now
from kipp.entries import attachments, checklist, queries, services, storage, timing
from kipp.entries.forms import (
    AttachmentForm,
    editor_messages,
    entry_form,
)
from kipp.entries.results import RESULT_LABELS, entry_results
from kipp.entries.rules import word_count
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.labels import AGENCY_STAGE_LABELS, ATTACHMENT_KIND_LABELS, ENTRY_STATUS_LABELS
from kipp.models import Attachment, Competition, Entry, Stage
from kipp.permissions import (
    can_draft_entries,
    can_edit_entry,
    can_read_entry,
    can_submit_entry,
    is_drafter,
)
from kipp.web.gates import requires

bp = Blueprint("agency", __name__, url_prefix="/agency")


def me():
    return current_user._get_current_object()


def own_entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not can_read_entry(current_user, entry):
        abort(404)
    return entry


def own_attachment(attachment_id: int) -> Attachment:
    att = db.session.get(Attachment, attachment_id)
    if att is None or not can_read_entry(current_user, att.entry):
        abort(404)
    return att


def launched_competition(competition_id: int) -> Competition:
    comp = db.session.get(Competition, competition_id)
    if comp is None or comp.stage == Stage.DRAFT:
        abort(404)
    return comp


@bp.get("/")
@requires(can_draft_entries)
def dashboard():
    drafter = is_drafter(current_user)
    panels = queries.dashboard(current_user.agency_id, drafted_by_id=me().id if drafter else None)
    results = entry_results(me(), [row.entry for p in panels for row in p.rows])
    return render_template(
        "agency/dashboard.html",
        panels=panels,
        drafter=drafter,
        results=results,
        result_labels=RESULT_LABELS,
        status_labels=ENTRY_STATUS_LABELS,
        stage_labels=AGENCY_STAGE_LABELS,
        js_messages=editor_messages(now()),
    )


def render_editor(
    comp: Competition,
    entry: Entry | None,
    form=None,
    *,
    status: int = 200,
    message: str | None = None,
    upload_form=None,
    upload_error: str | None = None,
    loose_errors: list[str] | None = None,
    typed: bool = False,
    stale: bool = False,
):
    """The editor (or, when the entry can no longer change, the read-only view).

    `typed` says `form` holds input that was not saved (the read-only view then offers it for
    copying); `stale` adds a link to the saved version.
    """
    form = form if form is not None else entry_form(comp, entry, agency_id=me().agency_id)
    editable = (
        timing.can_create(comp)
        and (entry is None or entry.status == "draft")
        and (entry is None or can_edit_entry(current_user, entry))
    )
    row = None
    if entry is not None:
        usage = queries.quota_usage(entry.agency_id, [comp.id])
        row = queries.entry_row(entry, queries.group_quotas(comp, usage))
    criteria = comp.round_criteria("evaluation")
    counts = {c.code: word_count(form.answers().get(c.code)) for c in criteria}
    template = "agency/entry_form.html" if editable else "agency/entry_view.html"
    return render_template(
        template,
        comp=comp,
        entry=entry,
        form=form,
        editable=editable,
        row=row,
        criteria=criteria,
        counts=counts,
        checklist=checklist.checklist(comp, entry),
        countdown=timing.countdown(comp),
        can_submit=not is_drafter(current_user)
        if entry is None
        else can_submit_entry(current_user, entry),
        message=message,
        loose_errors=loose_errors or [],
        upload_form=upload_form or AttachmentForm(formdata=None),
        upload_error=upload_error,
        kind_labels=ATTACHMENT_KIND_LABELS,
        status_labels=ENTRY_STATUS_LABELS,
        js_messages=editor_messages(now()),
        max_mb=current_app.config["KIPP_MAX_UPLOAD_BYTES"] // 2**20,
        typed=typed,
        stale=stale,
    ), status


def refused(exc: DomainError, form) -> tuple[int, str, list[str]]:
    """Roll back and spread the error's field messages over `form`."""
    db.session.rollback()
    return exc.status, exc.detail, form.add_errors(exc.errors)


@bp.route("/competitions/<int:competition_id>/entries/new", methods=["GET", "POST"])
@requires(can_draft_entries)
def new_entry(competition_id: int):
    comp = launched_competition(competition_id)
    if request.method == "GET":
        return render_editor(comp, None)
    form = entry_form(comp, formdata=request.form)
    if not form.validate():
        return render_editor(
            comp, None, form, status=422, message=_("Check the highlighted fields."), typed=True
        )
    try:
        entry = services.create_entry(me(), comp, form.to_data())
    except DomainError as exc:
        status, message, loose = refused(exc, form)
        return render_editor(
            comp, None, form, status=status, message=message, loose_errors=loose, typed=True
        )
    db.session.commit()
    flash(_("Draft saved."), "ok")
    return redirect(url_for("agency.edit_entry", entry_id=entry.id))


@bp.route("/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@requires(can_draft_entries)
def edit_entry(entry_id: int):
    entry = own_entry(entry_id)
    comp = entry.competition
    if request.method == "GET":
        return render_editor(comp, entry)
    form = entry_form(comp, formdata=request.form)
    if not form.validate():
        return render_editor(
            comp, entry, form, status=422, message=_("Check the highlighted fields."), typed=True
        )
    # A form without a version cannot prove it saw the latest text: treat it as stale.
    data = form.to_data() | {"version": form.version.data or 0}
    try:
        services.update_entry(me(), entry, data)
    except DomainError as exc:
        status, message, loose = refused(exc, form)
        stale = exc.code == "stale_version"
        if stale:
            message = _(
                "Someone else saved this entry after you opened it, so your changes were not "
                "saved. Your text is still below: copy what you need, then reload the page."
            )
        return render_editor(
            comp,
            entry,
            form,
            status=status,
            message=message,
            loose_errors=loose,
            typed=True,
            stale=stale,
        )
    db.session.commit()
    flash(_("Draft saved."), "ok")
    return redirect(url_for("agency.edit_entry", entry_id=entry.id))


@bp.post("/entries/<int:entry_id>/submit")
@requires(can_draft_entries)
def submit_entry(entry_id: int):
    entry = own_entry(entry_id)
    if not can_submit_entry(current_user, entry):
        abort(403)  # a drafter reads and edits its draft; only the agency account submits
    try:
        services.submit_entry(me(), entry)
    except DomainError as exc:
        db.session.rollback()
        form = entry_form(entry.competition, entry, agency_id=me().agency_id)
        loose = form.add_errors(exc.errors)
        return render_editor(
            entry.competition,
            entry,
            form,
            status=exc.status,
            message=exc.detail,
            loose_errors=loose,
        )
    db.session.commit()
    flash(_('"%(title)s" was submitted.', title=entry.title), "ok")
    return redirect(url_for("agency.dashboard"))


@bp.post("/entries/<int:entry_id>/attachments")
@requires(can_draft_entries)
def upload(entry_id: int):
    entry = own_entry(entry_id)
    limit = current_app.config["KIPP_MAX_UPLOAD_BYTES"]
    try:
        form = AttachmentForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        message = _("The file is larger than %(mb)d MiB.", mb=limit // 2**20)
        return render_editor(entry.competition, entry, status=413, upload_error=message)
    if not valid:
        return render_editor(entry.competition, entry, status=422, upload_form=form)
    upload = form.file.data
    try:
        attachments.add_attachment(
            me(), entry, form.kind.data, upload.filename or "", upload.read(limit + 1), limit
        )
    except DomainError as exc:
        db.session.rollback()
        for key, messages in (exc.errors or {}).items():
            if key in ("kind", "file"):
                form[key].errors = [*form[key].errors, *messages]
        return render_editor(
            entry.competition, entry, status=exc.status, upload_form=form, upload_error=exc.detail
        )
    db.session.commit()
    flash(_("Document attached."), "ok")
    return redirect(url_for("agency.edit_entry", entry_id=entry.id, _anchor="attachments"))


@bp.get("/attachments/<int:attachment_id>")
@requires(can_draft_entries)
def download(attachment_id: int):
    att = own_attachment(attachment_id)
    return storage.attachment_response(att.stored_name, att.filename)


@bp.post("/attachments/<int:attachment_id>/delete")
@requires(can_draft_entries)
def delete_attachment(attachment_id: int):
    att = own_attachment(attachment_id)
    entry, stored = att.entry, att.stored_name
    if not can_edit_entry(current_user, entry):
        abort(403)
    try:
        attachments.delete_attachment(me(), att)
    except DomainError as exc:
        db.session.rollback()
        return render_editor(entry.competition, entry, status=exc.status, upload_error=exc.detail)
    db.session.commit()
    storage.remove(stored)  # only after the commit: a rollback must not lose the file
    flash(_("Document removed."), "ok")
    return redirect(url_for("agency.edit_entry", entry_id=entry.id, _anchor="attachments"))
