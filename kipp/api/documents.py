"""Document jobs and on-demand PDFs (API contract § Documents): start a job, follow its progress;
score sheets and selection recaps rendered when asked for.

The job row is the truth about progress; workers update it item by item. Messages are sent
after the commit; if the broker cannot take them the job still exists (202) and the workers'
reconciler sends its items later.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses_base import BINARY, PDF, problems
from kipp.api.responses_judging import JobFullOut, JobOut
from kipp.api.schemas import In
from kipp.api.serializers import iso
from kipp.documents import agency_sheets, jobs, progress, score_sheets, storage
from kipp.errors import Forbidden
from kipp.extensions import db
from kipp.models import JOB_KINDS, Competition, DocumentJob, Entry, Selection
from kipp.permissions import (
    can_manage_competition,
    can_read_agency_score_sheet,
    can_read_score_sheet,
    can_view_ranking,
    is_admin,
)

blp = Blueprint(
    "api_documents",
    __name__,
    url_prefix="/api/v1",
    description="Document jobs, score sheets and selection recaps",
)


class DocumentJobIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(JOB_KINDS))


def job_json(job: DocumentJob, tz: str = "Asia/Jakarta", *, full: bool = False) -> dict:
    body = {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
    }
    if full:
        body |= {
            "competition_id": job.competition_id,
            "created_at": iso(job.created_at, tz),
            "started_at": iso(job.started_at, tz),
            "finished_at": iso(job.finished_at, tz),
            "errors": progress.job_errors(job),
        }
    return body


@blp.post("/competitions/<int:competition_id>/document-jobs")
@blp.arguments(DocumentJobIn)
@blp.response(
    202,
    JobOut,
    description="Admin only. Certificates only in stage `awarded` (else 409 invalid_stage); "
    "`total` counts documents: one certificate per awarded entry, one score sheet per entry "
    "with a submitted sheet. A job without documents is `done` at once. Documents already "
    "issued are kept (same serial, same bytes).",
)
@blp.doc(responses=problems(409))
def create(data, competition_id):
    comp = get_competition(competition_id)
    user = caller()
    if not can_manage_competition(user, comp):
        raise Forbidden(_("Your role does not allow this action."))
    job = jobs.create_job(user, comp, data["kind"])
    db.session.commit()  # the items go to the workers after this commit (kipp.dispatch)
    return job_json(job, comp.timezone)


@blp.get("/document-jobs/<int:job_id>")
@blp.response(
    200,
    JobFullOut,
    description="Admin only (anyone else: 404, as for any resource they may not see). `status` "
    "is queued, running, done (every document rendered) or failed (every document tried, some "
    "failed after 3 attempts; see `errors`).",
)
def show(job_id):
    job = visible_or_404(db.session.get(DocumentJob, job_id), is_admin(caller()))
    comp = db.session.get(Competition, job.competition_id)
    return job_json(job, comp.timezone, full=True)


@blp.get("/entries/<int:entry_id>/score-sheet")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf (admin, chair, panelists who may read the entry); rendered on "
    "demand unless a current copy is cached. No submitted sheet yet → 409 `invalid_stage`.",
)
@blp.doc(responses=problems(409))
def score_sheet_pdf(entry_id):
    return _entry_pdf(entry_id, can_read_score_sheet, score_sheets.render_score_sheet, "")


def _entry_pdf(entry_id: int, may_read, render, suffix: str):
    """The PDF `render(entry_id)` gives, for a caller `may_read(user, entry)` allows (404
    otherwise); the cached row it flushes is committed before the file is served."""
    user = caller()
    entry = db.session.get(Entry, entry_id)
    visible_or_404(entry, entry is not None and may_read(user, entry))
    doc = render(entry.id)
    db.session.commit()
    return storage.pdf_response(doc.stored_name, f"score-sheet-{entry.id}{suffix}.pdf")


@blp.get("/entries/<int:entry_id>/agency-score-sheet")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf: the agency's copy of the entry's score sheet (the entry's "
    "agency and admins): values, weights, totals, means and comments, reviewers unnamed. A "
    "round's sheets are in it once the selection that round decides is published (evaluation: "
    "the shortlist; panel: the final tier), every round's once the competition is awarded; "
    "before that, or with no submitted sheet in such a round → 409 `invalid_stage`.",
)
@blp.doc(responses=problems(409))
def agency_score_sheet_pdf(entry_id):
    render = agency_sheets.render_agency_score_sheet
    return _entry_pdf(entry_id, can_read_agency_score_sheet, render, "-agency")


@blp.get("/selections/<int:selection_id>/recap")
@blp.response(
    200,
    BINARY,
    content_type=PDF,
    description="application/pdf: the berita acara of a finalised selection (admin, chair, "
    "panelists). A proposed selection → 409 `invalid_stage`.",
)
@blp.doc(responses=problems(409))
def recap_pdf(selection_id):
    user = caller()
    sel = db.session.get(Selection, selection_id)
    visible_or_404(sel, sel is not None and can_view_ranking(user))
    doc = score_sheets.render_selection_recap(sel.id)
    db.session.commit()
    return storage.pdf_response(doc.stored_name, f"selection-{sel.id}-{sel.tier}.pdf")
