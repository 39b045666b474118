"""Presentation slots of the panel round.

One `Schedule` per competition: the parameters it was generated with (days, the day's window,
slot length, breaks), its rooms with their panelists, and one slot per shortlisted entry.

Invariants in the schema: one schedule per competition; a room name once per schedule; a
panelist once per room; an entry once per schedule; one slot per (room, start); a slot ends
after it starts. That no panelist sits in two rooms at one time and that no panelist hears an
entry of an agency they conflict with are the services' rules (`kipp.schedule.services`),
checked on every generation and hand move.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.entries import Entry
from kipp.models.types import UTCDateTime
from kipp.models.users import User


class Schedule(db.Model):
    """The competition's presentation schedule. `days` holds ISO dates, `breaks` pairs of
    "HH:MM" times; times of day are in the competition's timezone."""

    __tablename__ = "schedules"
    __table_args__ = (
        UniqueConstraint("competition_id", name="uq_schedules_competition"),
        CheckConstraint("slot_minutes BETWEEN 5 AND 240", name="schedule_slot_minutes"),
        CheckConstraint("day_start < day_end", name="schedule_day_window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    days: Mapped[list] = mapped_column(JSON)
    day_start: Mapped[time] = mapped_column(Time)
    day_end: Mapped[time] = mapped_column(Time)
    slot_minutes: Mapped[int]
    breaks: Mapped[list] = mapped_column(JSON)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    rooms: Mapped[list[ScheduleRoom]] = relationship(
        back_populates="schedule", cascade="all, delete-orphan", order_by="ScheduleRoom.position"
    )
    slots: Mapped[list[ScheduleSlot]] = relationship(
        back_populates="schedule",
        cascade="all, delete-orphan",
        order_by="ScheduleSlot.starts_at",
    )


class ScheduleRoom(db.Model):
    """A parallel room (or online session) and the panelists who hear its presentations."""

    __tablename__ = "schedule_rooms"
    __table_args__ = (UniqueConstraint("schedule_id", "name", name="uq_schedule_rooms_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    meeting_url: Mapped[str | None] = mapped_column(String(500))

    schedule: Mapped[Schedule] = relationship(back_populates="rooms")
    members: Mapped[list[ScheduleRoomMember]] = relationship(
        back_populates="room", cascade="all, delete-orphan", order_by="ScheduleRoomMember.user_id"
    )

    @property
    def panelist_ids(self) -> list[int]:
        return [m.user_id for m in self.members]


class ScheduleRoomMember(db.Model):
    """A panelist sitting in a room for the whole schedule."""

    __tablename__ = "schedule_room_members"

    room_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_rooms.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)

    room: Mapped[ScheduleRoom] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class ScheduleSlot(db.Model):
    """One entry's presentation: a room and a time (UTC). `version` guards hand moves."""

    __tablename__ = "schedule_slots"
    __table_args__ = (
        UniqueConstraint("schedule_id", "entry_id", name="uq_schedule_slots_entry"),
        UniqueConstraint("room_id", "starts_at", name="uq_schedule_slots_room_start"),
        CheckConstraint("ends_at > starts_at", name="schedule_slot_order"),
        Index("ix_schedule_slots_schedule_start", "schedule_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("schedule_rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)

    schedule: Mapped[Schedule] = relationship(back_populates="slots")
    entry: Mapped[Entry] = relationship()
    room: Mapped[ScheduleRoom] = relationship()

    __mapper_args__ = {"version_id_col": version}
