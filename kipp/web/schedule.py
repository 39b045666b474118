"""The panel round's presentation schedule (pages).

Guarantees
- `/schedule/` and a competition's grid: the secretariat (admin) and the chair; anyone else
  403, anonymous visitors the login page. Only admins generate and move (403 otherwise).
  An unknown competition is 404.
- `/schedule/mine`: an agency's presentations or the presentations a panelist hears, in WIB,
  with the meeting links and the `.ics` file (`/api/v1/schedule/me.ics`); other roles 403.
- Everything works without JavaScript: plain forms, a table grid, one move form.
- `kipp.schedule` decides; a refused action changes nothing and the page comes back with the
  reason, the numbers or clashes, the form as typed, and the status of the refusal.
"""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from kipp.errors import DomainError
from kipp.extensions import db
from kipp.models import Competition, User
from kipp.models.schedule import ScheduleSlot
from kipp.permissions import can_manage_schedule, can_read_schedule, has_own_schedule
from kipp.schedule import services
from kipp.schedule.forms import GenerateForm, MoveForm
from kipp.schedule.queries import (
    panelist_choices,
    schedule_of,
    schedule_periods,
    schedule_rows,
    schedule_slots,
    slots_for,
)
from kipp.web.gates import requires

bp = Blueprint("schedule", __name__, url_prefix="/schedule")


@bp.app_context_processor
def _my_presentations():
    """`my_presentations()` for the agency dashboard's partial (evaluated only when called)."""

    def mine():
        return slots_for(current_user) if has_own_schedule(current_user) else []

    return {"my_presentations": mine}


def _me() -> User:
    return current_user._get_current_object()


def _competition(competition_id: int) -> Competition:
    comp = db.session.get(Competition, competition_id)
    if comp is None:
        abort(404)
    return comp


def _label(at: datetime) -> str:
    """A period's start as written in WIB: naive starts are competition time already and aware
    ones carry the competition's zone, so nothing is converted (`rebase=False`)."""
    return format_datetime(at, "EEE dd-MM-yyyy HH:mm", rebase=False)


def _move_form(schedule, views, form=None) -> MoveForm:
    form = form or MoveForm(formdata=None)
    form.slot.choices = [
        (f"{v.id}:{v.version}", f"#{v.entry_id} {v.title} ({_label(v.starts)}, {v.room})")
        for v in views
    ]
    form.room.choices = [(r.id, r.name) for r in schedule.rooms]
    form.start.choices = [(p.isoformat(), _label(p)) for p in schedule_periods(schedule)]
    return form


def _render(comp, *, generate_form=None, move_form=None, error=None, status=200):
    schedule = schedule_of(comp)
    views = schedule_slots(schedule) if schedule else []
    grid, starts = {}, []
    if schedule is not None:
        starts = schedule_periods(schedule)
        grid = {(v.room_id, v.starts.replace(tzinfo=None)): v for v in views}
    gen = generate_form or GenerateForm(formdata=None)
    gen.set_panelists(panelist_choices())
    if error is None and gen.errors:
        status = 422
    return render_template(
        "schedule/competition.html",
        comp=comp,
        schedule=schedule,
        views=views,
        grid=grid,
        starts=starts,
        label=_label,
        generate_form=gen,
        move_form=_move_form(schedule, views, move_form) if schedule else None,
        may_manage=can_manage_schedule(current_user),
        error=error,
    ), status


@bp.get("/")
@requires(can_read_schedule)
def index():
    return render_template("schedule/index.html", rows=schedule_rows())


@bp.get("/competitions/<int:competition_id>")
@requires(can_read_schedule)
def competition(competition_id: int):
    return _render(_competition(competition_id))


@bp.post("/competitions/<int:competition_id>/generate")
@requires(can_read_schedule)
def generate(competition_id: int):
    comp = _competition(competition_id)
    if not can_manage_schedule(current_user):
        abort(403)
    form = GenerateForm()
    form.set_panelists(panelist_choices())
    if not form.validate():
        return _render(comp, generate_form=form, status=422)
    try:
        schedule = services.generate(_me(), comp, form.raw())
    except DomainError as exc:
        db.session.rollback()
        return _render(comp, generate_form=form, error=exc, status=exc.status)
    count = len(schedule.slots)
    db.session.commit()
    flash(_("The schedule is ready: %(n)d presentations.", n=count), "ok")
    return redirect(url_for(".competition", competition_id=comp.id))


@bp.post("/competitions/<int:competition_id>/move")
@requires(can_read_schedule)
def move(competition_id: int):
    comp = _competition(competition_id)
    if not can_manage_schedule(current_user):
        abort(403)
    schedule = schedule_of(comp)
    if schedule is None:
        abort(404)
    form = _move_form(schedule, schedule_slots(schedule), MoveForm())
    if not form.validate():
        return _render(comp, move_form=form, status=422)
    slot_id, version = form.slot_and_version()
    slot = db.session.get(ScheduleSlot, slot_id)
    if slot is None or slot.schedule_id != schedule.id:
        abort(404)
    try:
        services.move(
            _me(),
            slot,
            room_id=form.room.data,
            starts_at=datetime.fromisoformat(form.start.data),
            version=version,
        )
    except DomainError as exc:
        db.session.rollback()
        return _render(comp, move_form=form, error=exc, status=exc.status)
    db.session.commit()
    flash(_("The presentation is moved; everyone concerned is mailed."), "ok")
    return redirect(url_for(".competition", competition_id=comp.id))


@bp.get("/mine")
@requires(has_own_schedule)
def mine():
    return render_template("schedule/mine.html", views=slots_for(_me()), label=_label)
