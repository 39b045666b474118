"""Generating the presentation schedule and moving its slots by hand.

Guarantees
- Only in stage `shortlist` (once the shortlist is finalised) or `panel`; otherwise, or
  without a finalised shortlist, `InvalidStage` and nothing is written.
- `generate` reads the request (`kipp.schedule.spec`: every faulty field at once, 422), checks
  that every room's panelists are active `panelist`/`chair` accounts, and plans every entry of
  the finalised shortlist (disqualified ones left out) with `kipp.schedule.plan.build`: no
  panelist in two rooms at once, no panelist hearing an entry of an agency they conflict with
  (declared conflicts and their home agency). A schedule that cannot be built raises
  `ScheduleInfeasible` (409 `capacity_insufficient`) carrying `slots_needed`,
  `slots_available`, `periods_available`, `periods_needed`, `entries_without_room` and
  `unplaced`, and creates nothing. A new schedule replaces the competition's previous one.
- `move` puts one slot in another room and/or period of the schedule. A stale `version` →
  `StaleVersion`; a start that is not one of the schedule's periods → 422; any clash (a
  conflicted panelist → `ConflictOfInterest`; the room taken or a panelist busy in another
  room → `ScheduleClash`, code `conflict`) is refused with `clashes` naming each one, and
  nothing changes. Concurrent writers of one schedule are serialised by a row lock on the
  schedule (PostgreSQL); the unique (room, start) key backs the room check up.
- Each generation and move is one audit event (`schedule.generate` with the parameters and
  counts; `schedule.move` with before/after) and mails everyone it concerns through the
  outbox, in the same transaction (`kipp.schedule.mail`). It flushes; the caller commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.accounts.services import conflicted_agency_ids
from kipp.audit.chain import record
from kipp.clock import as_utc, local
from kipp.errors import (
    DomainError,
    InvalidStage,
    StaleVersion,
    ValidationFailed,
)
from kipp.extensions import db
from kipp.models import Competition, User
from kipp.models.schedule import Schedule, ScheduleRoom, ScheduleRoomMember, ScheduleSlot
from kipp.schedule import mail, plan
from kipp.schedule.clashes import clash_error
from kipp.schedule.queries import PANEL_ROLES, schedule_periods, shortlisted, slot_view
from kipp.schedule.spec import Spec, parse

STAGES = ("shortlist", "panel")


class ScheduleInfeasible(DomainError):
    """No schedule fits the request; the numbers say what would make one fit."""

    status = 409
    code = "capacity_insufficient"


def check_stage(comp: Competition) -> None:
    if comp.stage not in STAGES:
        raise InvalidStage(
            _(
                "The presentation schedule is made in the shortlist or panel stage "
                "(now: %(stage)s).",
                stage=comp.stage,
            )
        )


def _panelists(spec: Spec) -> dict[int, User]:
    ids = {p for room in spec.rooms for p in room.panelists}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    errors = {}
    for i, room in enumerate(spec.rooms):
        bad = [
            p
            for p in room.panelists
            if p not in users or users[p].role not in PANEL_ROLES or not users[p].active
        ]
        if bad:
            errors[f"rooms.{i}.panelists"] = [
                _(
                    "Only active panelists and the chair sit in a room (not: %(ids)s).",
                    ids=", ".join(map(str, bad)),
                )
            ]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    return users


def _conflicts(users) -> dict[int, frozenset[int]]:
    return {u.id: frozenset(conflicted_agency_ids(u)) for u in users}


def _infeasible(result: plan.Infeasible, periods_per_day: int) -> ScheduleInfeasible:
    parts = []
    if result.entries_without_room:
        parts.append(
            _(
                "%(n)d entries have no room without a panelist who conflicts with their agency "
                "(entries %(ids)s): add a room whose panelists have no conflict with them.",
                n=len(result.entries_without_room),
                ids=", ".join(map(str, result.entries_without_room)),
            )
        )
    if result.periods_needed > result.periods_available:
        parts.append(
            _(
                "%(needed)d entries need a slot, but the rooms offer %(available)d: the schedule "
                "needs at least %(pn)d time slots per room and has %(pa)d. Add days, lengthen "
                "the days, shorten the slots or add rooms.",
                needed=result.slots_needed,
                available=result.slots_available,
                pn=result.periods_needed,
                pa=result.periods_available,
            )
        )
    if result.unplaced:
        parts.append(
            _(
                "Rooms share panelists, so entries %(ids)s found no time: give the rooms "
                "separate panelists or add time slots.",
                ids=", ".join(map(str, result.unplaced)),
            )
        )
    return ScheduleInfeasible(
        " ".join(parts),
        slots_needed=result.slots_needed,
        slots_available=result.slots_available,
        periods_available=result.periods_available,
        periods_needed=result.periods_needed,
        periods_per_day=periods_per_day,
        entries_without_room=list(result.entries_without_room),
        unplaced=list(result.unplaced),
    )


def generate(actor: User, comp: Competition, raw: Mapping) -> Schedule:
    """Build and store the competition's schedule (module guarantees)."""
    spec = parse(raw)
    check_stage(comp)
    return build_and_store(actor, comp, spec)


def build_and_store(actor: User, comp: Competition, spec: Spec, *, notify: bool = True) -> Schedule:
    """`generate` without its stage check: plan the finalised shortlist and store the schedule,
    audited, mailing everyone in it unless `notify` is False (the demo's finished year, whose
    panel is over, is seeded through here without mail)."""
    entries = shortlisted(comp)
    if not entries:
        raise InvalidStage(_("The shortlist is not finalised yet: there is nothing to schedule."))
    users = _panelists(spec)
    starts = plan.periods(spec.days, spec.day_start, spec.day_end, spec.slot_minutes, spec.breaks)
    rooms = [plan.Room(frozenset(r.panelists)) for r in spec.rooms]
    specs = [plan.EntrySpec(e.id, e.agency_id) for e in entries]
    result = plan.build(specs, rooms, len(starts), _conflicts(users.values()))
    if isinstance(result, plan.Infeasible):
        per_day = len(starts) // len(spec.days)
        raise _infeasible(result, per_day)
    old = db.session.scalar(
        select(Schedule).where(Schedule.competition_id == comp.id).with_for_update()
    )
    before, previous = None, mail.Concerned()
    if old is not None:
        before = {"slots": len(old.slots), "rooms": [r.name for r in old.rooms]}
        previous = mail.concerned(old)
        db.session.delete(old)
        db.session.flush()
    stored = spec.as_dict()
    schedule = Schedule(
        competition_id=comp.id,
        days=stored["days"],
        day_start=spec.day_start,
        day_end=spec.day_end,
        slot_minutes=spec.slot_minutes,
        breaks=stored["breaks"],
        created_by_id=actor.id,
    )
    db.session.add(schedule)
    room_rows = []
    for position, r in enumerate(spec.rooms):
        row = ScheduleRoom(position=position, name=r.name, meeting_url=r.meeting_url)
        row.members = [ScheduleRoomMember(user_id=p) for p in r.panelists]
        schedule.rooms.append(row)
        room_rows.append(row)
    db.session.flush()
    length = timedelta(minutes=spec.slot_minutes)
    for p in result.placements:
        start = as_utc(starts[p.period], comp.timezone)
        schedule.slots.append(
            ScheduleSlot(
                entry_id=p.entry_id,
                room_id=room_rows[p.room].id,
                starts_at=start,
                ends_at=start + length,
            )
        )
    db.session.flush()
    record(
        actor,
        "schedule.generate",
        f"schedule:{schedule.id}",
        competition_id=comp.id,
        before=before,
        after=stored | {"slots": len(result.placements), "periods": len(starts)},
    )
    if notify:
        mail.generated(comp, schedule, previous)
    return schedule


def _period_index(starts: list[datetime], at: datetime, tz: str) -> int | None:
    """The index of the period starting at `at` (naive: read in `tz`), or None."""
    try:
        naive = local(as_utc(at, tz), tz).replace(tzinfo=None)
    except (OverflowError, ValueError):  # a time at the very edge of the calendar
        return None
    return starts.index(naive) if naive in starts else None


def move(
    actor: User,
    slot: ScheduleSlot,
    *,
    room_id: int | None = None,
    starts_at: datetime | None = None,
    version: int | None = None,
) -> ScheduleSlot:
    """Move one slot by hand (module guarantees)."""
    schedule = slot.schedule
    comp = db.session.get(Competition, schedule.competition_id)
    check_stage(comp)
    db.session.execute(select(Schedule.id).where(Schedule.id == schedule.id).with_for_update())
    # Under the lock, read the slots afresh: rows loaded earlier in this request may predate a
    # move another writer committed while this one waited.
    db.session.expire_all()
    if version is not None and version != slot.version:
        raise StaleVersion(_("The slot changed since you loaded it; reload and try again."))
    rooms = list(schedule.rooms)
    room_index = {r.id: i for i, r in enumerate(rooms)}
    starts = schedule_periods(schedule)
    target_room = slot.room_id if room_id is None else room_id
    errors = {}
    if target_room not in room_index:
        errors["room_id"] = [_("Choose one of this schedule's rooms.")]
    period = _period_index(starts, starts_at or slot.starts_at, comp.timezone)
    if period is None:
        errors["starts_at"] = [_("Choose one of this schedule's slot start times.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    members = {p for r in rooms for p in r.panelist_ids}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(members)))}
    room_specs = [plan.Room(frozenset(r.panelist_ids)) for r in rooms]
    held = [
        plan.Held(
            s.entry_id, room_index[s.room_id], _period_index(starts, s.starts_at, comp.timezone)
        )
        for s in schedule.slots
        if s.id != slot.id
    ]
    entry = plan.EntrySpec(slot.entry_id, slot.entry.agency_id)
    clashes = plan.check_move(
        entry, room_index[target_room], period, held, room_specs, _conflicts(users.values())
    )
    if clashes:
        raise clash_error(clashes, rooms, users)
    before = slot_view(slot).as_dict()
    old_room = slot.room_id
    start = as_utc(starts[period], comp.timezone)
    slot.room_id, slot.starts_at = target_room, start
    slot.ends_at = start + timedelta(minutes=schedule.slot_minutes)
    db.session.flush()
    db.session.refresh(slot)
    after = slot_view(slot).as_dict()
    record(
        actor,
        "schedule.move",
        f"schedule_slot:{slot.id}",
        competition_id=comp.id,
        before={k: before[k] for k in ("room_id", "starts_at", "ends_at")},
        after={k: after[k] for k in ("room_id", "starts_at", "ends_at")},
    )
    mail.moved(comp, slot, {old_room, target_room})
    return slot
