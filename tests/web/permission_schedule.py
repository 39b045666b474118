"""The presentation schedule's rows of the permission matrices (tests/web/matrix_extensions.py).

`schedule_world`: a competition in stage `panel` whose finalised shortlist holds one entry of
the base world's agency account ("owner") and one of another agency, with a generated schedule
of two rooms: the base world's panelist sits in room 1, the chair in room 2. The owner's entry
is in the schedule, so the owner sees that slot (403 on writes); the other agency, the
evaluator and whoever sees nothing of it get 404. The secretariat generates and moves; the
chair reads the grid. Everyone logged in has a "my schedule" (possibly empty) and a calendar.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models.mail import Mail
from kipp.models.schedule import Schedule, ScheduleSlot
from kipp.schedule import services
from tests.services.judging_fixtures import finalised_shortlist
from tests.web.matrix_extensions import LOGIN, api_expect, web_expect

A = "/api/v1"
COMP = {"competition_id": "sched_comp_id"}
SLOT = {"slot_id": "sched_slot_id"}
READERS = api_expect(403, admin=200, chair=200)
PAGES = web_expect(403, admin=200, chair=200)
ADMIN_POSTS = web_expect(403, admin=422)  # the empty form comes back
WORLD = "schedule_world"

API_ROWS = [
    {
        "method": "POST",
        "rule": f"{A}/competitions/<int:competition_id>/schedule",
        "expected": api_expect(403, admin=201),
        "body": "sched_generate",
        "params": COMP,
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": f"{A}/competitions/<int:competition_id>/schedule",
        "expected": READERS,
        "params": COMP,
        "world": WORLD,
    },
    {
        "method": "PATCH",
        "rule": f"{A}/schedule-slots/<int:slot_id>",
        "expected": api_expect(404, admin=200, chair=403, owner=403, panelist=403),
        "body": "sched_move",
        "params": SLOT,
        "world": WORLD,
    },
    {"method": "GET", "rule": f"{A}/me/schedule", "expected": api_expect(200), "world": WORLD},
    {"method": "GET", "rule": f"{A}/schedule/me.ics", "expected": api_expect(200), "world": WORLD},
]

S = "/schedule"
WEB_ROWS = [
    {"method": "GET", "rule": f"{S}/", "expected": PAGES, "world": WORLD},
    {
        "method": "GET",
        "rule": f"{S}/competitions/<int:competition_id>",
        "expected": PAGES,
        "params": COMP,
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": f"{S}/competitions/<int:competition_id>/generate",
        "expected": ADMIN_POSTS,
        "params": COMP,
        "world": WORLD,
    },
    {
        "method": "POST",
        "rule": f"{S}/competitions/<int:competition_id>/move",
        "expected": ADMIN_POSTS,
        "params": COMP,
        "world": WORLD,
    },
    {
        "method": "GET",
        "rule": f"{S}/mine",
        "expected": web_expect(200, admin=403, evaluator=403, drafter=403),
        "world": WORLD,
    },
]
assert all(row["expected"]["anonymous"] == LOGIN for row in WEB_ROWS)


def _request(users: dict) -> dict:
    return {
        "days": ["2026-12-10"],
        "day_start": "08:00",
        "day_end": "09:00",
        "slot_minutes": 30,
        "breaks": [],
        "rooms": [
            {"name": "Ruang 1", "meeting_url": None, "panelists": [users["panelist"].id]},
            {"name": "Ruang 2", "meeting_url": None, "panelists": [users["chair"].id]},
        ],
    }


@pytest.fixture
def schedule_world(world, make):
    from datetime import date, time

    users = world["users"]
    comp = make.competition(stage="panel")
    outsider = make.user("agency")
    mine = make.entry(comp, users["owner"], status="eligible")
    theirs = make.entry(comp, outsider, status="eligible")
    finalised_shortlist(comp, [mine, theirs], users["chair"])
    raw = _request(users) | {
        "days": [date(2026, 12, 10)],
        "day_start": time(8),
        "day_end": time(9),
    }
    schedule = services.generate(users["admin"], comp, raw)
    db.session.commit()
    slot = next(s for s in schedule.slots if s.entry_id == mine.id)
    return world | {"sched_comp_id": comp.id, "sched_slot_id": slot.id}


def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "sched_generate":
        return _request(world["users"])
    if name == "sched_move":
        slot = db.session.get(ScheduleSlot, world["sched_slot_id"])
        return {"version": slot.version}  # the slot stays where it is
    return None


def state() -> tuple:
    """Schedules, their slots and the mails they queue: a refused request changes none."""
    schedules = db.session.execute(select(Schedule.id, Schedule.created_at)).all()
    slots = db.session.execute(
        select(ScheduleSlot.id, ScheduleSlot.room_id, ScheduleSlot.starts_at, ScheduleSlot.version)
    ).all()
    mails = db.session.scalars(select(Mail.id).where(Mail.kind == "schedule")).all()
    return sorted(schedules), sorted(slots), sorted(mails)
