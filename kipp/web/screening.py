"""The secretariat's screening queue: filter, preview, decide one entry or many at once.

Admins only (anonymous → login, anyone else → 403). Drafts and entries of another competition
are not part of a queue (404). A refused decision changes nothing and re-renders the form with
what was typed; the filter travels in the query string, so previous/next and the redirect after
a decision stay inside the current view of the queue.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from kipp.entries.checks import closing_day
from kipp.entries.rules import old_enough
from kipp.errors import DomainError, ValidationFailed
from kipp.extensions import db
from kipp.labels import AGENCY_KIND_LABELS, SCREENING_STATUS_LABELS
from kipp.models import Competition, Entry, User
from kipp.permissions import can_screen
from kipp.screening import queries
from kipp.screening.flag_queries import compared
from kipp.screening.forms import (
    BulkForm,
    DecisionForm,
    FilterForm,
)
from kipp.screening.reasons import label
from kipp.screening.services import screen, screen_many
from kipp.web.gates import guard_blueprint

bp = Blueprint("screening", __name__, url_prefix="/admin/screening")
guard_blueprint(bp, can_screen)


def _competition(competition_id: int) -> Competition:
    comp = db.session.get(Competition, competition_id)
    if comp is None:
        abort(404)
    return comp


def _filter_form(comp: Competition) -> FilterForm:
    return FilterForm([g.code for g in comp.groups], queries.provinces(comp.id))


def _reason_label(code: str) -> str:
    return label(code, str(get_locale() or "id"))


def _reasons(form: DecisionForm) -> list[str]:
    """Reasons are reasons to fail: boxes left ticked when passing are not recorded."""
    return list(form.reason_codes.data or []) if form.decision.data == "fail" else []


def _put_errors(form, exc: DomainError) -> list[str]:
    """Attach the service's field errors to the form; return the messages left over."""
    rest = [exc.detail] if exc.detail else []
    for name, messages in (exc.errors or {}).items():
        msgs = messages if isinstance(messages, list) else [messages]
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, *msgs]
        else:
            rest.extend(msgs)
    return rest


def _render_queue(comp: Competition, bulk: BulkForm, status: int = 200, errors=None):
    filter_form = _filter_form(comp)
    f = filter_form.to_filter()
    page = queries.queue_page(comp.id, f, request.args.get("page", 1, type=int))
    checked = set(bulk.entry_ids.data or []) if bulk.is_submitted() else set()
    return render_template(
        "screening/queue.html",
        comp=comp,
        filter_form=filter_form,
        f=f,
        page=page,
        counts=queries.status_counts(comp.id, f),
        bulk=bulk,
        checked=checked,
        errors=errors or [],
        status_labels=SCREENING_STATUS_LABELS,
        kind_labels=AGENCY_KIND_LABELS,
        reason_label=_reason_label,
    ), status


@bp.get("/<int:competition_id>")
def queue(competition_id: int):
    comp = _competition(competition_id)
    return _render_queue(comp, BulkForm(formdata=None))


@bp.post("/<int:competition_id>/bulk")
def bulk(competition_id: int):
    """All-or-nothing: every selected entry gets the decision, or none does."""
    comp = _competition(competition_id)
    form = BulkForm()
    if not form.validate():
        return _render_queue(comp, form, 422)
    ids = list(dict.fromkeys(form.entry_ids.data or []))
    try:
        if not ids:
            raise ValidationFailed(
                _("Select at least one entry."), errors={"entry_ids": [_("Nothing selected.")]}
            )
        entries = queries.entries_by_ids(comp.id, ids)
        if len(entries) != len(ids):
            raise ValidationFailed(_("Some selected entries are not part of this competition."))
        screen_many(
            current_user._get_current_object(),
            entries,
            form.decision.data,
            _reasons(form),
            form.note.data,
        )
    except DomainError as exc:
        db.session.rollback()
        return _render_queue(comp, form, exc.status, _put_errors(form, exc))
    db.session.commit()
    if form.decision.data == "pass":
        msg = ngettext(
            "%(num)d entry marked eligible.", "%(num)d entries marked eligible.", len(ids)
        )
    else:
        msg = ngettext(
            "%(num)d entry marked ineligible.", "%(num)d entries marked ineligible.", len(ids)
        )
    flash(msg, "ok")
    f = _filter_form(comp).to_filter()
    return redirect(url_for(".queue", competition_id=comp.id, **f.args()))


def _current(entry: Entry) -> dict:
    if entry.status not in ("eligible", "ineligible"):
        return {}
    return {
        "decision": "pass" if entry.status == "eligible" else "fail",
        "reason_codes": list(entry.screening_reasons or []),
        "note": entry.screening_note or "",
    }


def _render_entry(comp, entry, f, form, status: int = 200, errors=None):
    prev_id, next_id = queries.neighbours(comp.id, f, entry.id)
    group = comp.group(entry.group)
    closing = closing_day(comp)
    started = entry.started_on
    return render_template(
        "screening/entry.html",
        comp=comp,
        entry=entry,
        f=f,
        form=form,
        errors=errors or [],
        prev_id=prev_id,
        next_id=next_id,
        closing=closing,
        age=queries.implementation_age(started, closing) if started else None,
        min_years=group.min_implementation_years if group else None,
        old_enough=(
            old_enough(started, closing, group.min_implementation_years)
            if group and started
            else None
        ),
        criteria=comp.round_criteria("evaluation"),
        compared=compared(entry),
        current=_current(entry),
        screened_by=db.session.get(User, entry.screened_by_id) if entry.screened_by_id else None,
        status_labels=SCREENING_STATUS_LABELS,
        kind_labels=AGENCY_KIND_LABELS,
        reason_label=_reason_label,
    ), status


@bp.route("/<int:competition_id>/entries/<int:entry_id>", methods=["GET", "POST"])
def entry(competition_id: int, entry_id: int):
    """The preview beside the decision form; a decision saved moves on to the next entry."""
    comp = _competition(competition_id)
    entry = queries.screenable_entry(comp.id, entry_id)
    if entry is None:
        abort(404)
    f = _filter_form(comp).to_filter()
    if request.method == "GET":
        return _render_entry(comp, entry, f, DecisionForm(formdata=None, data=_current(entry)))
    form = DecisionForm()
    if not form.validate():
        return _render_entry(comp, entry, f, form, 422)
    try:
        screen(
            current_user._get_current_object(),
            entry,
            form.decision.data,
            _reasons(form),
            form.note.data,
        )
    except DomainError as exc:
        db.session.rollback()
        return _render_entry(comp, entry, f, form, exc.status, _put_errors(form, exc))
    db.session.commit()
    status = SCREENING_STATUS_LABELS[entry.status]
    flash(_("“%(title)s” is now %(status)s.", title=entry.title, status=status), "ok")
    next_id = queries.neighbours(comp.id, f, entry.id)[1]
    if next_id is None:
        flash(_("That was the last entry in this view of the queue."))
        return redirect(url_for(".queue", competition_id=comp.id, **f.args()))
    return redirect(url_for(".entry", competition_id=comp.id, entry_id=next_id, **f.args()))
