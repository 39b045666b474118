"""Competitions: list, create, edit, and the control page with its stage stepper.

Guarantees: dates typed in `datetime-local` inputs are read in the competition's timezone (the
service does it); groups and criteria are sent to the service only while the competition is a
draft (afterwards they are shown read-only); every write carries the form's `version`, so a
concurrent change is refused rather than overwritten; a refused stage move changes nothing and
the control page shows why; a move that closes a judging round says how many score sheets it
queued (sent to the workers after the commit; a broker failure does not undo the move).
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from kipp.competitions import queries, services, stages
from kipp.competitions.forms import CompetitionForm, StageForm
from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import STAGES, Competition, Stage
from kipp.web.admin import STAGE_LABELS, admin_required, bp, show_error


def _competition_or_404(competition_id: int) -> Competition:
    return db.get_or_404(Competition, competition_id)


@bp.get("/")
@bp.get("/competitions")
@admin_required
def competitions():
    return render_template(
        "admin/competitions.html",
        competitions=queries.competitions(),
        submitted=queries.submitted_counts(),
    )


@bp.route("/competitions/new", methods=["GET", "POST"])
@admin_required
def competition_new():
    # On POST only what was sent counts: defaults must not leak into the rows typed.
    form = CompetitionForm(data=None if request.method == "POST" else CompetitionForm.initial())
    status = 200
    if form.validate_on_submit():
        try:
            comp = services.create_competition(current_user._get_current_object(), form.to_data())
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Competition “%(name)s” was created as a draft.", name=comp.name), "ok")
            return redirect(url_for("admin.competition", competition_id=comp.id))
    elif form.is_submitted():
        status = 422
    else:
        form.add_spare_rows()
    return render_template(
        "admin/competition_form.html", form=form, comp=None, editable_structure=True
    ), status


@bp.route("/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
@admin_required
def competition_edit(competition_id: int):
    comp = _competition_or_404(competition_id)
    posted = request.method == "POST"
    form = CompetitionForm(data=None if posted else CompetitionForm.from_competition(comp))
    form.allow_timezone(comp.timezone)
    editable = comp.stage == Stage.DRAFT
    status = 200
    if form.validate_on_submit():
        try:
            services.update_competition(
                current_user._get_current_object(), comp, form.to_data(with_structure=editable)
            )
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Competition “%(name)s” was saved.", name=comp.name), "ok")
            return redirect(url_for("admin.competition", competition_id=comp.id))
    elif form.is_submitted():
        status = 422
    elif editable:
        form.add_spare_rows()
    return render_template(
        "admin/competition_form.html", form=form, comp=comp, editable_structure=editable
    ), status


def _screening_url(comp: Competition) -> str:
    # The queue belongs to the screening blueprint; fall back to its documented path.
    if "screening.queue" in current_app.view_functions:
        return url_for("screening.queue", competition_id=comp.id)
    return f"/admin/screening/{comp.id}"


def _render_control(comp: Competition, form: StageForm, status: int):
    counts = queries.entry_status_counts(comp)
    current = STAGES.index(comp.stage)
    steps = [
        {
            "code": code,
            "label": STAGE_LABELS[code],
            "state": "done" if i < current else "current" if i == current else "next",
        }
        for i, code in enumerate(STAGES)
    ]
    nxt = stages.next_stage(comp.stage)
    return render_template(
        "admin/competition.html",
        comp=comp,
        steps=steps,
        next_stage=nxt,
        blockers=stages.blockers(comp) if nxt else [],
        form=form,
        counts=counts,
        total=sum(counts.values()),
        screening_url=_screening_url(comp),
    ), status


@bp.get("/competitions/<int:competition_id>")
@admin_required
def competition(competition_id: int):
    comp = _competition_or_404(competition_id)
    form = StageForm(formdata=None, data={"to": stages.next_stage(comp.stage) or ""})
    return _render_control(comp, form, 200)


@bp.post("/competitions/<int:competition_id>/stage")
@admin_required
def competition_stage(competition_id: int):
    comp = _competition_or_404(competition_id)
    form = StageForm()
    status = 422
    if form.validate_on_submit():
        try:
            notices = stages.move_stage(
                current_user._get_current_object(),
                comp,
                form.to.data,
                bool(form.force.data),
                form.reason.data or None,
            )
        except DomainError as exc:
            status = show_error(form, exc)
        else:
            db.session.commit()
            flash(
                _("The competition moved to stage %(stage)s.", stage=STAGE_LABELS[comp.stage]),
                "ok",
            )
            for notice in notices:  # e.g. a closed round's score sheets, queued
                flash(notice, "ok")
            return redirect(url_for("admin.competition", competition_id=comp.id))
    return _render_control(comp, form, status)
