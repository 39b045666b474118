"""The panel round's presentation schedule (API).

- `POST /competitions/{id}/schedule` (admin) generates the schedule of the finalised shortlist
  → 201; 409 `invalid_stage` outside stages shortlist/panel or without a finalised shortlist;
  409 `capacity_insufficient` when it cannot be built, with the numbers (`slots_needed`,
  `slots_available`, `periods_available`, `periods_needed`, `periods_per_day`,
  `entries_without_room`, `unplaced`), creating nothing. A new schedule replaces the old one.
- `GET /competitions/{id}/schedule` (admin, chair) → 200; 404 when none was generated;
  other roles 403.
- `PATCH /schedule-slots/{id} {"room_id"?, "starts_at"?, "version"?}` (admin) → 200; a clash →
  409 `conflict` (room taken, panelist busy) or `conflict_of_interest`, with `clashes`; a stale
  version → 409 `stale_version`. The slot is visible (403 for writes) to the chair, its
  agency and the panelists of its room; to anyone else 404.
- `GET /me/schedule` → the caller's own slots; `GET /schedule/me.ics` → the same as an
  iCalendar file (empty for roles without slots).
"""

from __future__ import annotations

from flask import Response
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, require, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses_base import BINARY, problems
from kipp.api.responses_schedule import ICS, ScheduleOut, SlotList, SlotOut
from kipp.api.schemas import Id, In, Text, Version
from kipp.errors import NotFound
from kipp.extensions import db
from kipp.models.schedule import Schedule, ScheduleSlot
from kipp.permissions import can_manage_schedule, can_read_schedule
from kipp.schedule import services
from kipp.schedule.calendar import ics
from kipp.schedule.plan import MAX_ROOMS
from kipp.schedule.queries import schedule_of, schedule_slots, slot_view, slots_for
from kipp.schedule.spec import MAX_BREAKS, MAX_DAYS, MAX_PANELISTS, SLOT_MAX, SLOT_MIN

blp = Blueprint("schedule_api", __name__, url_prefix="/api/v1", description="Presentation schedule")


class BreakIn(In):
    start = fields.Time(required=True)
    end = fields.Time(required=True)


class RoomIn(In):
    name = Text(100, 1, required=True)
    meeting_url = Text(500, allow_none=True)
    panelists = fields.List(Id(), required=True, validate=validate.Length(1, MAX_PANELISTS))


class GenerateIn(In):
    days = fields.List(fields.Date(), required=True, validate=validate.Length(1, MAX_DAYS))
    day_start = fields.Time(required=True)
    day_end = fields.Time(required=True)
    slot_minutes = fields.Integer(
        required=True, strict=True, validate=validate.Range(SLOT_MIN, SLOT_MAX)
    )
    rooms = fields.List(
        fields.Nested(RoomIn), required=True, validate=validate.Length(1, MAX_ROOMS)
    )
    breaks = fields.List(
        fields.Nested(BreakIn), load_default=list, validate=validate.Length(max=MAX_BREAKS)
    )


class MoveIn(In):
    room_id = Id()
    starts_at = fields.DateTime()  # without an offset: read in the competition's timezone
    version = Version()


def dump_schedule(schedule: Schedule) -> dict:
    return {
        "id": schedule.id,
        "competition_id": schedule.competition_id,
        "days": list(schedule.days),
        "day_start": schedule.day_start.strftime("%H:%M"),
        "day_end": schedule.day_end.strftime("%H:%M"),
        "slot_minutes": schedule.slot_minutes,
        "breaks": list(schedule.breaks),
        "rooms": [
            {"id": r.id, "name": r.name, "meeting_url": r.meeting_url, "panelists": r.panelist_ids}
            for r in schedule.rooms
        ],
        "slots": [v.as_dict() for v in schedule_slots(schedule)],
        "created_at": schedule.created_at.isoformat(),
    }


@blp.post("/competitions/<int:competition_id>/schedule")
@blp.arguments(GenerateIn)
@blp.response(201, ScheduleOut)
@blp.doc(responses=problems(409))
def generate(data, competition_id):
    """Generate the presentation schedule; 409 capacity_insufficient creates nothing."""
    comp = get_competition(competition_id)
    actor = require(can_manage_schedule)
    schedule = services.generate(actor, comp, data)
    db.session.commit()
    return dump_schedule(schedule)


@blp.get("/competitions/<int:competition_id>/schedule")
@blp.response(200, ScheduleOut)
@blp.doc(responses=problems(403))
def show(competition_id):
    comp = get_competition(competition_id)
    require(can_read_schedule)
    schedule = schedule_of(comp)
    if schedule is None:
        raise NotFound(_("No schedule has been generated for this competition yet."))
    return dump_schedule(schedule)


def _visible(slot: ScheduleSlot | None) -> bool:
    user = caller()
    if slot is None:
        return False
    if can_read_schedule(user):
        return True
    return any(v.id == slot.id for v in slots_for(user, slot.schedule.competition_id))


@blp.patch("/schedule-slots/<int:slot_id>")
@blp.arguments(MoveIn)
@blp.response(200, SlotOut)
@blp.doc(responses=problems(409))
def move(data, slot_id):
    """Move a slot by hand; a clash is refused naming it (409), changing nothing."""
    found = db.session.get(ScheduleSlot, slot_id)
    slot = visible_or_404(found, _visible(found))
    actor = require(can_manage_schedule)
    services.move(
        actor,
        slot,
        room_id=data.get("room_id"),
        starts_at=data.get("starts_at"),
        version=data.get("version"),
    )
    db.session.commit()
    return slot_view(slot).as_dict()


@blp.get("/me/schedule")
@blp.response(200, SlotList)
def mine():
    """The caller's presentations (an agency's entries, a panelist's rooms); empty otherwise."""
    items = [v.as_dict() for v in slots_for(caller())]
    return {"items": items, "total": len(items)}


@blp.get("/schedule/me.ics")
@blp.response(200, BINARY, content_type=ICS, description="The caller's presentations (iCalendar).")
def my_calendar():
    user = caller()
    body = ics(slots_for(user), "KIPP")
    return Response(
        body,
        mimetype=ICS,
        headers={"Content-Disposition": 'attachment; filename="kipp-schedule.ics"'},
    )
