"""Two hand moves into one free cell at once: one wins, the other answers 409, never 500.

The schedule's row lock (taken by `kipp.schedule.services.move`) serialises the two checks; the
unique (room, start) key backs it up. PostgreSQL only: SQLite serialises writers anyway.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from kipp.clock import local
from kipp.extensions import db
from kipp.models.schedule import ScheduleSlot
from tests.helpers import token_for
from tests.schedule.conftest import request_body


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")


def test_two_moves_into_one_cell_at_once(app, client, api, w, postgres_only):
    resp = api(w.admin).post(
        f"/api/v1/competitions/{w.comp.id}/schedule", json=request_body(w, day_end="11:00")
    )
    assert resp.status_code == 201
    body = resp.get_json()
    room_b = body["rooms"][1]["id"]
    taken = {s["starts_at"][:19] for s in body["slots"] if s["room_id"] == room_b}
    free = next(
        f"2026-12-10T{t}:00"
        for t in ("08:00", "08:30", "09:00", "09:30", "10:00", "10:30")
        if f"2026-12-10T{t}:00" not in taken
    )
    movers = [s for s in body["slots"] if s["room_id"] == room_b][:2]
    token = token_for(client, w.admin)
    barrier = threading.Barrier(2)
    out: list = [None, None]

    def run(i: int, slot: dict) -> None:
        c = app.test_client()
        barrier.wait()
        r = c.patch(
            f"/api/v1/schedule-slots/{slot['id']}",
            json={"starts_at": free, "version": slot["version"]},
            headers={"Authorization": f"Bearer {token}"},
        )
        out[i] = (r.status_code, r.get_json())

    threads = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(movers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    statuses = sorted(o[0] for o in out)
    assert statuses == [200, 409], out
    db.session.expire_all()
    in_cell = [
        s
        for s in db.session.scalars(select(ScheduleSlot).where(ScheduleSlot.room_id == room_b))
        if local(s.starts_at).replace(tzinfo=None).isoformat() == free
    ]
    assert len(in_cell) == 1
