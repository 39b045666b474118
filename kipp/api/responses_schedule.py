"""Documented bodies of the presentation schedule's operations (`kipp.api.schedule`)."""

from __future__ import annotations

from marshmallow import fields

from kipp.api.responses_base import Int, Items, Listed, Out, Str, Time, req

ICS = "text/calendar"


class SlotOut(Out):
    """A presentation: times in the competition's timezone (WIB by default)."""

    id = Int()
    version = Int()
    competition_id = Int()
    entry_id = Int()
    entry_title = Str()
    agency_id = Int()
    agency = Str()
    room_id = Int()
    room = Str()
    meeting_url = req(fields.String(allow_none=True))
    panelists = req(fields.List(fields.String()))
    starts_at = Time()
    ends_at = Time()


class RoomOut(Out):
    id = Int()
    name = Str()
    meeting_url = req(fields.String(allow_none=True))
    panelists = req(fields.List(fields.Integer()))


class BreakOut(Out):
    start = Str()
    end = Str()


class ScheduleOut(Out):
    id = Int()
    competition_id = Int()
    days = req(fields.List(fields.String()))
    day_start = Str()
    day_end = Str()
    slot_minutes = Int()
    breaks = Items(BreakOut)
    rooms = Items(RoomOut)
    slots = Items(SlotOut)
    created_at = Time()


class SlotList(Listed):
    items = Items(SlotOut)
