"""The secretariat's documents page: start a document job, watch it progress.

GET /admin/documents/<competition_id> lists the competition's jobs, newest first, each with
a <progress> bar, its counts and the documents that failed; the page polls
GET /api/v1/document-jobs/<id> every second (session auth) while a job is unfinished.
POST starts a job (CSRF-protected form) and redirects back; a refusal (e.g. certificates
before stage awarded) re-renders the page with the message and the chosen kind. Admin only.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from kipp.documents import jobs, kinds, progress
from kipp.documents.queries import recent_jobs
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.labels import JOB_STATUS_LABELS
from kipp.models import Competition, Stage
from kipp.web.admin import STAGE_LABELS, admin_required

bp = Blueprint("documents_web", __name__, url_prefix="/admin/documents")

JOB_KIND_LABELS = kinds.LABELS
JOBS_SHOWN = 20


class DocumentJobForm(FlaskForm):
    kind = SelectField(
        _l("Documents to produce"),
        choices=[SelectChoice(k, v) for k, v in JOB_KIND_LABELS.items()],
        validators=[DataRequired()],
    )


def _page(comp: Competition, form: DocumentJobForm, status: int = 200, detail: str = ""):
    rows = recent_jobs(comp.id, JOBS_SHOWN)
    return render_template(
        "admin_documents/jobs.html",
        comp=comp,
        form=form,
        detail=detail,
        jobs=[(job, progress.job_errors(job)) for job in rows],
        JOB_KIND_LABELS=JOB_KIND_LABELS,
        JOB_STATUS_LABELS=JOB_STATUS_LABELS,
        status_labels_json={k: str(v) for k, v in JOB_STATUS_LABELS.items()},
        STAGE_LABELS=STAGE_LABELS,
    ), status


@bp.get("/<int:competition_id>")
@admin_required
def index(competition_id: int):
    comp = db.get_or_404(Competition, competition_id)
    kind = "certificates" if comp.stage == Stage.AWARDED else "score_sheets"
    return _page(comp, DocumentJobForm(formdata=None, data={"kind": kind}))


@bp.post("/<int:competition_id>")
@admin_required
def start(competition_id: int):
    comp = db.get_or_404(Competition, competition_id)
    form = DocumentJobForm()
    if not form.validate_on_submit():
        return _page(comp, form, 422)
    try:
        job = jobs.create_job(current_user._get_current_object(), comp, form.kind.data)
    except DomainError as exc:
        db.session.rollback()
        form.kind.errors = [exc.detail]
        return _page(comp, form, exc.status, exc.detail)
    db.session.commit()  # the items go to the workers after this commit (kipp.dispatch)
    flash(
        _(
            "%(kind)s: %(n)d document(s) queued.",
            kind=JOB_KIND_LABELS[job.kind],
            n=job.total,
        ),
        "ok",
    )
    return redirect(url_for("documents_web.index", competition_id=comp.id))


from kipp.web import certificate_admin  # noqa: E402, F401  (certificate pages and PDF links)
