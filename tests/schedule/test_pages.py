"""The schedule pages: generate form, grid, hand move, "my schedule", the agency dashboard."""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models.schedule import Schedule, ScheduleSlot
from kipp.schedule import services
from tests.schedule.conftest import request_body


def form_data(w, **over) -> dict:
    data = {
        "first_day": "2026-12-10",
        "day_count": "1",
        "day_start": "08:00",
        "day_end": "10:00",
        "slot_minutes": "30",
        "breaks": "",
        "rooms-0-name": "Ruang A",
        "rooms-0-meeting_url": "https://meet.example.id/a",
        "rooms-0-panelists": [str(w.panel[0].id), str(w.panel[1].id)],
        "rooms-1-name": "Ruang B",
        "rooms-1-panelists": [str(w.panel[2].id), str(w.chair.id)],
    }
    return data | over


def test_admin_generates_from_the_form(client, web_login, w):
    web_login(w.admin)
    page = client.get(f"/schedule/competitions/{w.comp.id}")
    assert page.status_code == 200 and 'id="generate-form"' in page.get_data(as_text=True)
    resp = client.post(f"/schedule/competitions/{w.comp.id}/generate", data=form_data(w))
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    page = client.get(f"/schedule/competitions/{w.comp.id}").get_data(as_text=True)
    assert 'id="schedule-grid"' in page and "Ruang A" in page and w.entries[0].title in page
    # Rows and move options are labelled in WIB, as typed: 08:00 to 09:30, never shifted.
    assert "Thu 10-12-2026 08:00" in page and "Thu 10-12-2026 09:30" in page
    assert "10-12-2026 15:00" not in page
    assert len(db.session.scalars(select(ScheduleSlot)).all()) == 6


def test_an_impossible_schedule_shows_the_numbers(client, web_login, w):
    web_login(w.admin)
    resp = client.post(
        f"/schedule/competitions/{w.comp.id}/generate", data=form_data(w, day_end="09:00")
    )
    assert resp.status_code == 409
    text = resp.get_data(as_text=True)
    assert 'id="slots-needed">6<' in text and 'id="slots-available">4<' in text
    assert 'id="periods-needed">3<' in text
    assert 'value="Ruang A"' in text  # the form comes back as typed
    assert db.session.scalar(select(Schedule.id)) is None


def test_form_errors_come_back_with_422(client, web_login, w):
    web_login(w.admin)
    resp = client.post(
        f"/schedule/competitions/{w.comp.id}/generate",
        data=form_data(w, breaks="lunch", slot_minutes="1"),
    )
    assert resp.status_code == 422
    assert "12:00-13:00" in resp.get_data(as_text=True)


def _generate(w):
    schedule = services.generate(w.admin, w.comp, _raw(w))
    db.session.commit()
    return schedule


def _raw(w) -> dict:
    from datetime import date, time

    body = request_body(w)
    return body | {"days": [date(2026, 12, 10)], "day_start": time(8), "day_end": time(10)}


def test_a_hand_move_into_a_clash_names_it_and_a_free_one_works(client, web_login, w):
    schedule = _generate(w)
    web_login(w.admin)
    room_a, room_b = schedule.rooms
    slot = next(s for s in schedule.slots if s.room_id == room_b.id)
    other = next(s for s in schedule.slots if s.room_id == room_b.id and s.id != slot.id)
    url = f"/schedule/competitions/{w.comp.id}/move"
    version = slot.version
    clash = {"slot": f"{slot.id}:{version}", "room": str(room_b.id)}
    views = client.get(f"/schedule/competitions/{w.comp.id}").get_data(as_text=True)
    assert 'id="move-form"' in views
    resp = client.post(url, data=clash | {"start": _local(other)})
    assert resp.status_code == 409
    assert f"#{other.entry_id}" in resp.get_data(as_text=True)
    starts_b = {_local(s) for s in schedule.slots if s.room_id == room_b.id}
    free = next(
        f"2026-12-10T{t}:00"
        for t in ("08:00", "08:30", "09:00", "09:30")
        if f"2026-12-10T{t}:00" not in starts_b
    )
    resp = client.post(url, data=clash | {"start": free})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:3000]
    db.session.expire_all()
    moved = db.session.get(ScheduleSlot, slot.id)
    assert _local(moved) == free and moved.version == version + 1
    stale = client.post(url, data=clash | {"start": free})
    assert stale.status_code == 409 and "reload" in stale.get_data(as_text=True)


def _local(slot) -> str:
    from kipp.clock import local

    return local(slot.starts_at).replace(tzinfo=None).isoformat()


def test_people_see_their_own_slots(client, web_login, w):
    _generate(w)
    web_login(w.owners[1])
    page = client.get("/schedule/mine").get_data(as_text=True)
    assert w.entries[1].title in page and w.entries[0].title not in page
    assert "/api/v1/schedule/me.ics" in page
    dash = client.get("/agency/").get_data(as_text=True)
    assert 'id="my-presentations"' in dash and "WIB" in dash
    client.post("/logout")
    web_login(w.panel[0])
    page = client.get("/schedule/mine").get_data(as_text=True)
    assert "Ruang A" in page and "https://meet.example.id/a" in page
    assert client.get(f"/schedule/competitions/{w.comp.id}").status_code == 403
