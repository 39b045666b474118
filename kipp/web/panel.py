"""Reviewers' pages (evaluators, panelists, the chair as panelist): my assignments and the
scoring page.

Only reviewer roles get in (others: 403); an assignment that is not the caller's answers 404,
whoever else holds it, and so does one whose entry the caller conflicts with (a conflict
declared after assignment; such sheets are not listed either). In a blind review
(`kipp.judging.blind`) an evaluator's pages name an entry's agency "Proposal #<id>" and show
neither its province, kind, 3T status nor its decree and replication statement. Views call one
scoring service and commit once; a refused write is rolled back and the page is shown again
with what the reviewer typed, the reason, and the error's status (422 invalid values or missing
criteria, 409 stage, lock, stale version).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging import blind, scoring
from kipp.judging.forms import (
    preview_total,
    score_field,
    score_form,
    scoring_messages,
)
from kipp.judging.worklist import my_rounds, neighbours
from kipp.labels import ROUND_LABELS, SHEET_STATUS_LABELS, STAGE_LABELS
from kipp.models import Assignment
from kipp.models.judging import SHEET_STATUSES
from kipp.permissions import can_score, is_reviewer
from kipp.web.gates import requires

bp = Blueprint("panel", __name__, url_prefix="/panel")


def me():
    return current_user._get_current_object()


def own_assignment(assignment_id: int) -> Assignment:
    a = db.session.get(Assignment, assignment_id)
    if a is None or not can_score(current_user, a):
        abort(404)
    return a


# ----------------------------------------------------------------- my assignments
@bp.get("/")
@requires(is_reviewer)
def assignments():
    status = request.args.get("status")
    status = status if status in SHEET_STATUSES else None
    return render_template(
        "panel/assignments.html",
        groups=my_rounds(current_user.id, status),
        status=status,
        statuses=SHEET_STATUSES,
        status_labels=SHEET_STATUS_LABELS,
        round_labels=ROUND_LABELS,
        agency_label=lambda entry: blind.agency_label(me(), entry),
    )


# ----------------------------------------------------------------- scoring page
def render_sheet(
    a: Assignment,
    form=None,
    *,
    status: int = 200,
    message: str | None = None,
    loose_errors: list[str] | None = None,
    missing: list[str] | None = None,
    typed: bool = False,
    stale: bool = False,
):
    """The scoring page; a submitted sheet is shown read-only. `typed`: `form` holds input
    that was not saved (its total is previewed from it)."""
    entry = a.entry
    comp = entry.competition
    criteria = comp.criteria_of(entry.group, a.round)
    weights = {c.code: c.weight for c in criteria}
    form = form if form is not None else score_form(a)
    stage_open = comp.stage == a.round
    total = preview_total(form, weights) if typed else scoring.running_total(a)
    names = {c.code: c.name for c in criteria}
    prev_id, next_id = neighbours(a)
    template = "panel/sheet.html" if a.status == "submitted" else "panel/score.html"
    return render_template(
        template,
        a=a,
        entry=entry,
        comp=comp,
        form=form,
        criteria=criteria,
        proposal_criteria=comp.round_criteria("evaluation"),
        blind=blind.is_blind_for(me(), entry),
        proposal_label=blind.proposal_label(entry),
        attachments=blind.visible_attachments(me(), entry),
        values=scoring.current_values(a),
        total=total,
        writable=stage_open and a.status != "submitted",
        stage_open=stage_open,
        message=message,
        loose_errors=loose_errors or [],
        missing=[names.get(code, code) for code in (missing or [])],
        stale=stale,
        prev_id=prev_id,
        next_id=next_id,
        score_field=score_field,
        status_labels=SHEET_STATUS_LABELS,
        round_labels=ROUND_LABELS,
        stage_labels=STAGE_LABELS,
        js_messages=scoring_messages(),
    ), status


def refused(a: Assignment, form, exc: DomainError):
    """Roll back and show the page again with the typed input and the service's reason."""
    db.session.rollback()
    loose = form.add_errors(exc.errors)
    stale = exc.code == "stale_version"
    message = exc.detail
    if stale:
        message = _(
            "This score sheet was saved elsewhere after you opened it (another tab?), so your "
            "changes were not saved. Your scores are still below: note them, then reload the page."
        )
    return render_sheet(
        a,
        form,
        status=exc.status,
        message=message,
        loose_errors=loose,
        missing=exc.extra.get("missing"),
        typed=True,
        stale=stale,
    )


@bp.get("/assignments/<int:assignment_id>")
@requires(is_reviewer)
def score(assignment_id: int):
    return render_sheet(own_assignment(assignment_id))


@bp.post("/assignments/<int:assignment_id>")
@requires(is_reviewer)
def save(assignment_id: int):
    a = own_assignment(assignment_id)
    form = score_form(a, formdata=request.form)
    # A form without a version cannot prove it saw the latest sheet: treat it as stale.
    version = form.version.data or 0
    try:
        scoring.save_sheet(me(), a, form.values(), comment=form.comment_text(), version=version)
    except DomainError as exc:
        return refused(a, form, exc)
    db.session.commit()
    flash(_("Draft saved."), "ok")
    return redirect(url_for("panel.score", assignment_id=a.id))


@bp.post("/assignments/<int:assignment_id>/submit")
@requires(is_reviewer)
def submit(assignment_id: int):
    """Submit the SAVED sheet. Values posted with it must equal the saved ones (the page's
    script saves first); otherwise nothing happens and the typed values are shown again, so a
    reviewer without JavaScript never submits, nor loses, scores they did not save."""
    a = own_assignment(assignment_id)
    form = score_form(a, formdata=request.form)
    writable = a.entry.competition.stage == a.round and a.status != "submitted"
    if writable and form.differs_from(a, set(request.form)):
        message = _("Your changes are not saved yet. Save the draft, check it, then submit.")
        return render_sheet(a, form, status=409, message=message, typed=True)
    if writable and not form.confirm.data:
        form.confirm.errors = [_("Tick this box to confirm that you checked your scores.")]
        message = _("Confirm that you checked your scores before submitting.")
        return render_sheet(a, form, status=422, message=message, typed=True)
    try:
        scoring.submit_sheet(me(), a, version=form.version.data or 0)
    except DomainError as exc:
        return refused(a, form, exc)
    db.session.commit()
    flash(_("Score sheet submitted."), "ok")
    return redirect(url_for("panel.score", assignment_id=a.id))
