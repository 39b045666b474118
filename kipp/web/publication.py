"""Publishing selections, deciding objections, amending and recording decrees (secretariat,
chair).

Guarantees
- The secretariat (admin) and the chair read every page here; anyone else gets 403, anonymous
  visitors the login page (the public pages, the decree PDF included, are `kipp.web.public`).
  Only admins publish, decide objections and record decrees; only the chair amends (403
  otherwise). An unknown or unfinalised selection or objection is 404.
- `kipp.publication` decides; this module only parses and shows. A refused action changes
  nothing and its page comes back with the reason (and the form as typed) and the status of
  the refusal (409, 415, 422, 429…).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.judging.tiers import tier_ranking
from kipp.models import Competition, Selection
from kipp.models.publication import Objection
from kipp.permissions import can_amend, can_publish, can_use_publication
from kipp.publication import objections, services
from kipp.publication.forms import DecisionForm, DecreeFileForm, DecreeForm, PublishForm
from kipp.publication.queries import (
    LISTING_LABELS,
    OBJECTION_STATUS_LABELS,
    PUBLIC_STATUS_LABELS,
    amendments,
    award_label,
    final_selections,
    objection_register,
    pending_removals,
    public_status,
    selection_entries,
    undecided_count,
)
from kipp.web.gates import requires
from kipp.web.selection_pages import posted_choices

bp = Blueprint("publication", __name__, url_prefix="/publication")


@bp.context_processor
def _labels():
    return {
        "PUBLIC_STATUS_LABELS": PUBLIC_STATUS_LABELS,
        "OBJECTION_STATUS_LABELS": OBJECTION_STATUS_LABELS,
        "LISTING_LABELS": LISTING_LABELS,
        "award_label": award_label,
        "public_status": public_status,
    }


def _me():
    return current_user._get_current_object()


def _final(selection_id: int) -> tuple[Selection, Competition]:
    sel = db.session.get(Selection, selection_id)
    if sel is None or sel.status != "final":
        abort(404)
    return sel, db.session.get(Competition, sel.competition_id)


def _allow(predicate) -> None:
    if not predicate(current_user):
        abort(403)


@bp.get("/")
@requires(can_use_publication)
def index():
    return render_template("publication/index.html", rows=final_selections())


def _render(sel, comp, *, publish_form=None, decree_form=None, file_form=None, error=None):
    status = error.status if error is not None else 200
    if error is None and any(f is not None and f.errors for f in (publish_form, decree_form)):
        status = 422
    return render_template(
        "publication/selection.html",
        sel=sel,
        comp=comp,
        placed=selection_entries(sel),
        history=amendments(sel),
        pending=pending_removals(sel) if sel.published_at else [],
        undecided=undecided_count(sel),
        objection_count=len(objection_register(sel)),
        status=public_status(sel),
        publish_form=publish_form or PublishForm(formdata=None),
        decree_form=decree_form or DecreeForm(formdata=None),
        file_form=file_form or DecreeFileForm(formdata=None),
        may_publish=can_publish(current_user),
        may_amend=can_amend(current_user),
        error=error,
    ), status


@bp.get("/selections/<int:selection_id>")
@requires(can_use_publication)
def selection(selection_id: int):
    return _render(*_final(selection_id))


@bp.post("/selections/<int:selection_id>/publish")
@requires(can_use_publication)
def publish(selection_id: int):
    sel, comp = _final(selection_id)
    _allow(can_publish)
    form = PublishForm()
    if not form.validate():
        return _render(sel, comp, publish_form=form)
    try:
        services.publish(_me(), sel, form.objection_closes_at.data)
    except DomainError as exc:
        db.session.rollback()
        return _render(sel, comp, publish_form=form, error=exc)
    db.session.commit()
    flash(_("The list is published; the objection period is open."), "ok")
    return redirect(url_for(".selection", selection_id=sel.id))


@bp.post("/selections/<int:selection_id>/decree")
@requires(can_use_publication)
def decree(selection_id: int):
    sel, comp = _final(selection_id)
    _allow(can_publish)
    form = DecreeForm()
    if not form.validate():
        return _render(sel, comp, decree_form=form)
    try:
        services.record_decree(_me(), sel, form.number.data, form.signed_on.data)
    except DomainError as exc:
        db.session.rollback()
        return _render(sel, comp, decree_form=form, error=exc)
    db.session.commit()
    flash(_("The decree is recorded; the list is fixed."), "ok")
    return redirect(url_for(".selection", selection_id=sel.id))


@bp.post("/selections/<int:selection_id>/decree/file")
@requires(can_use_publication)
def decree_file(selection_id: int):
    sel, comp = _final(selection_id)
    _allow(can_publish)
    limit = current_app.config["KIPP_MAX_UPLOAD_BYTES"]
    try:
        form = DecreeFileForm()
        valid = form.validate()
    except RequestEntityTooLarge:
        error = DomainError(_("The file is larger than %(mb)d MiB.", mb=limit // 2**20))
        error.status = 413
        return _render(sel, comp, error=error)
    if not valid:
        error = DomainError(_("Choose a file."))
        error.status = 422
        return _render(sel, comp, file_form=form, error=error)
    try:
        services.attach_decree_file(_me(), sel, form.file.data.read(limit + 1), limit)
    except DomainError as exc:
        db.session.rollback()
        return _render(sel, comp, file_form=form, error=exc)
    db.session.commit()
    flash(_("The signed decree is attached."), "ok")
    return redirect(url_for(".selection", selection_id=sel.id))


# ----------------------------------------------------------------- objections
def _render_objections(sel, comp, forms=None, error=None, status=200):
    items = objection_register(sel)
    forms = forms or {}
    return render_template(
        "publication/objections.html",
        sel=sel,
        comp=comp,
        items=items,
        titles={p.entry_id: p.entry.title for p in selection_entries(sel)},
        forms={
            o.id: forms.get(o.id) or DecisionForm(formdata=None, prefix=f"o{o.id}") for o in items
        },
        may_decide=can_publish(current_user),
        error=error,
    ), status


@bp.get("/selections/<int:selection_id>/objections")
@requires(can_use_publication)
def objection_list(selection_id: int):
    return _render_objections(*_final(selection_id))


@bp.post("/objections/<int:objection_id>/decide")
@requires(can_use_publication)
def decide(objection_id: int):
    obj = db.session.get(Objection, objection_id)
    if obj is None:
        abort(404)
    sel, comp = _final(obj.selection_id)
    _allow(can_publish)
    form = DecisionForm(prefix=f"o{obj.id}")
    if not form.validate():
        return _render_objections(sel, comp, {obj.id: form}, status=422)
    try:
        objections.decide(_me(), obj, form.decision.data, form.answer.data)
    except DomainError as exc:
        db.session.rollback()
        form.answer.errors = [*form.answer.errors, *(exc.errors or {}).get("answer", [])]
        return _render_objections(sel, comp, {obj.id: form}, exc, exc.status)
    db.session.commit()
    flash(_("Objection %(ref)s decided; the objector is mailed.", ref=obj.reference), "ok")
    return redirect(url_for(".objection_list", selection_id=sel.id))


# ----------------------------------------------------------------- amending (chair)
def _render_amend(sel, comp, checked=(), texts=None, error=None):
    rr = tier_ranking(comp, sel.tier)
    placed = selection_entries(sel)
    inside = {p.entry_id for p in placed}
    errors = dict(error.errors or {}) if error is not None else {}
    return render_template(
        "publication/amend.html",
        sel=sel,
        comp=comp,
        placed=placed,
        pending=pending_removals(sel),
        candidates=[s for s in rr.ranking.items if s.entry_id not in inside],
        infos=rr.entries,
        checked=set(checked),
        texts=texts or {},
        marked={k.removeprefix("justifications."): v for k, v in errors.items()},
        tie=error.extra if error is not None and error.code == "tie_at_cut" else None,
        error=error,
    ), (error.status if error is not None else 200)


@bp.get("/selections/<int:selection_id>/amend")
@requires(can_amend)
def amend_form(selection_id: int):
    return _render_amend(*_final(selection_id))


@bp.post("/selections/<int:selection_id>/amend")
@requires(can_amend)
def amend(selection_id: int):
    sel, comp = _final(selection_id)
    checked, texts = posted_choices("add")
    auto = request.form.get("action") == "auto"
    given = {e: t for e, t in texts.items() if e in checked and t.strip()}
    try:
        services.amend(_me(), sel, None if auto else checked, {} if auto else given)
    except DomainError as exc:
        db.session.rollback()
        return _render_amend(sel, comp, checked, texts, exc)
    db.session.commit()
    flash(_("The selection is amended; its new snapshot hash is shown."), "ok")
    return redirect(url_for(".selection", selection_id=sel.id))
