"""The presentation schedule of KIPP 2025, the demo's finished year (`kipp.demo.finished`).

`seed_schedule(admin, users)`, called by `seed_finished_year` once the year's shortlist is
fixed (on the replayed clock: late August 2025), plans the finalised Top 20 into two parallel rooms
over two days in September 2025 (08:00–15:00 WIB, 40-minute presentations, lunch 12:00–13:00)
with `kipp.schedule.services.build_and_store`: the same planner and checks as the
secretariat's generate, so no panelist hears an entry they conflict with and none sits in two
rooms at once. Guarantees: idempotent (nothing happens when KIPP 2025 is missing or already
has a schedule; returns None then); deterministic; audited as `schedule.generate` on the
year's chain; no mail (the year is over). Flushes, never commits.
"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Competition, User
from kipp.models.schedule import Schedule
from kipp.schedule.services import build_and_store
from kipp.schedule.spec import parse

NAME = "KIPP 2025"
ROOMS = (
    (
        "Ruang Panel 1",
        "https://meet.kipp.demo/panel-1",
        ("panelist1@kipp.demo", "panelist2@kipp.demo"),
    ),
    ("Ruang Panel 2", "https://meet.kipp.demo/panel-2", ("panelist3@kipp.demo", "chair@kipp.demo")),
)


def seed_schedule(admin: User, users: dict[str, User]) -> str | None:
    comp = db.session.scalar(select(Competition).where(Competition.name == NAME))
    if comp is None:
        return None
    if db.session.scalar(select(Schedule.id).where(Schedule.competition_id == comp.id)):
        return None
    spec = parse(
        {
            "days": [date(2025, 9, 15), date(2025, 9, 16)],
            "day_start": time(8),
            "day_end": time(15),
            "slot_minutes": 40,
            "breaks": [{"start": time(12), "end": time(13)}],
            "rooms": [
                {"name": name, "meeting_url": url, "panelists": [users[e].id for e in emails]}
                for name, url, emails in ROOMS
            ],
        }
    )
    schedule = build_and_store(admin, comp, spec, notify=False)
    return f"{NAME} presentation schedule: {len(schedule.slots)} slots in {len(ROOMS)} rooms"
