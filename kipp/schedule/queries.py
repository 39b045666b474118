"""Reads of the presentation schedule: nothing here writes.

Times: slots are stored in UTC; `SlotView.starts`/`ends` are in the competition's timezone
(WIB by default), which is how pages, mails and the API show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kipp.clock import local
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, Selection, SelectionEntry, User
from kipp.models.schedule import Schedule, ScheduleRoom, ScheduleRoomMember, ScheduleSlot
from kipp.schedule import plan

PANEL_ROLES = ("panelist", "chair")  # who may sit in a presentation room


@dataclass(frozen=True)
class SlotView:
    id: int
    version: int
    competition_id: int
    competition: str
    entry_id: int
    title: str
    agency_id: int
    agency: str
    room_id: int
    room: str
    meeting_url: str | None
    panelists: tuple[str, ...]
    starts: datetime  # in the competition's timezone
    ends: datetime
    starts_utc: datetime
    ends_utc: datetime

    @property
    def day(self) -> date:
        """The presentation's day in the competition's timezone."""
        return self.starts.date()

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "competition_id": self.competition_id,
            "entry_id": self.entry_id,
            "entry_title": self.title,
            "agency_id": self.agency_id,
            "agency": self.agency,
            "room_id": self.room_id,
            "room": self.room,
            "meeting_url": self.meeting_url,
            "panelists": list(self.panelists),
            "starts_at": self.starts.isoformat(),
            "ends_at": self.ends.isoformat(),
        }


def schedule_of(comp: Competition) -> Schedule | None:
    return db.session.scalar(
        select(Schedule)
        .where(Schedule.competition_id == comp.id)
        .options(selectinload(Schedule.rooms).selectinload(ScheduleRoom.members))
    )


def shortlisted(comp: Competition) -> list[Entry]:
    """The finalised shortlist's entries in place order, disqualified ones left out."""
    return list(
        db.session.scalars(
            select(Entry)
            .join(SelectionEntry, SelectionEntry.entry_id == Entry.id)
            .join(Selection, Selection.id == SelectionEntry.selection_id)
            .where(
                Selection.competition_id == comp.id,
                Selection.tier == "shortlist",
                Selection.status == "final",
                Entry.status != "disqualified",
            )
            .order_by(SelectionEntry.place, Entry.id)
        )
    )


def schedule_periods(schedule: Schedule) -> list[datetime]:
    """The schedule's periods (naive, competition time), as `plan.periods` computes them."""
    return plan.periods(
        [date.fromisoformat(d) for d in schedule.days],
        schedule.day_start,
        schedule.day_end,
        schedule.slot_minutes,
        [(time.fromisoformat(b["start"]), time.fromisoformat(b["end"])) for b in schedule.breaks],
    )


def _views(query, comps: dict[int, Competition] | None = None) -> list[SlotView]:
    rows = db.session.execute(
        query.join(Entry, Entry.id == ScheduleSlot.entry_id)
        .join(Agency, Agency.id == Entry.agency_id)
        .join(ScheduleRoom, ScheduleRoom.id == ScheduleSlot.room_id)
        .join(Schedule, Schedule.id == ScheduleSlot.schedule_id)
        .join(Competition, Competition.id == Schedule.competition_id)
        .order_by(ScheduleSlot.starts_at, ScheduleRoom.position, ScheduleSlot.id)
    ).all()
    room_ids = {row.ScheduleRoom.id for row in rows}
    names: dict[int, list[str]] = {r: [] for r in room_ids}
    if room_ids:
        for room_id, name in db.session.execute(
            select(ScheduleRoomMember.room_id, User.name)
            .join(User, User.id == ScheduleRoomMember.user_id)
            .where(ScheduleRoomMember.room_id.in_(room_ids))
            .order_by(User.name, User.id)
        ):
            names[room_id].append(name)
    views = []
    for row in rows:
        slot, room, comp = row.ScheduleSlot, row.ScheduleRoom, row.Competition
        views.append(
            SlotView(
                id=slot.id,
                version=slot.version,
                competition_id=comp.id,
                competition=comp.name,
                entry_id=row.Entry.id,
                title=row.Entry.title,
                agency_id=row.Agency.id,
                agency=row.Agency.name,
                room_id=room.id,
                room=room.name,
                meeting_url=room.meeting_url,
                panelists=tuple(names[room.id]),
                starts=local(slot.starts_at, comp.timezone),
                ends=local(slot.ends_at, comp.timezone),
                starts_utc=slot.starts_at,
                ends_utc=slot.ends_at,
            )
        )
    return views


def _base():
    return select(ScheduleSlot, Entry, Agency, ScheduleRoom, Competition)


def schedule_slots(schedule: Schedule) -> list[SlotView]:
    return _views(_base().where(ScheduleSlot.schedule_id == schedule.id))


def slot_view(slot: ScheduleSlot) -> SlotView:
    return _views(_base().where(ScheduleSlot.id == slot.id))[0]


def slots_for(user: User, competition_id: int | None = None) -> list[SlotView]:
    """The caller's own slots: an agency's entries' presentations, or the presentations a
    panelist hears (rooms they sit in); nobody else has any."""
    query = _base()
    if user.role == "agency" and user.agency_id is not None:
        query = query.where(Entry.agency_id == user.agency_id)
    elif user.role in ("panelist", "chair"):
        rooms = select(ScheduleRoomMember.room_id).where(ScheduleRoomMember.user_id == user.id)
        query = query.where(ScheduleSlot.room_id.in_(rooms))
    else:
        return []
    if competition_id is not None:
        query = query.where(Schedule.competition_id == competition_id)
    return _views(query)


def sits_in(user: User, schedule: Schedule) -> bool:
    return any(user.id in room.panelist_ids for room in schedule.rooms)


def schedule_rows() -> list[tuple[Competition, Schedule | None]]:
    """Every competition with its schedule (None when not generated), newest year first."""
    comps = db.session.scalars(select(Competition).order_by(Competition.id.desc())).all()
    found = {
        s.competition_id: s
        for s in db.session.scalars(
            select(Schedule).where(Schedule.competition_id.in_([c.id for c in comps]))
        )
    }
    return [(c, found.get(c.id)) for c in comps]


def panelist_choices() -> list[tuple[int, str]]:
    """(id, name) of every active panelist and chair, by name: the rooms' choices."""
    users = db.session.scalars(
        select(User)
        .where(User.role.in_(PANEL_ROLES), User.active.is_(True))
        .order_by(User.name, User.id)
    )
    return [(u.id, u.name) for u in users]
