"""The schedule API: generate, read, move by hand, the caller's own slots and calendar."""

from __future__ import annotations

from icalendar import Calendar
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import AuditEvent
from kipp.models.mail import Mail
from kipp.models.schedule import Schedule, ScheduleSlot
from tests.schedule.conftest import request_body


def url(w) -> str:
    return f"/api/v1/competitions/{w.comp.id}/schedule"


def count(model) -> int:
    return len(db.session.scalars(select(model)).all())


def test_generate_places_every_entry_without_conflicts(api, w):
    resp = api(w.admin).post(url(w), json=request_body(w))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert len(body["slots"]) == 6
    assert {s["entry_id"] for s in body["slots"]} == {e.id for e in w.entries}
    room_a = body["rooms"][0]["id"]
    conflicted = {e.id for e in w.entries if e.agency_id == w.owners[0].agency_id}
    # Panelist 0 (room A) conflicts with agency 0: its entries are heard in room B.
    assert all(s["room_id"] != room_a for s in body["slots"] if s["entry_id"] in conflicted)
    assert body["slots"][0]["starts_at"].endswith("+07:00")
    assert {s["starts_at"][11:16] for s in body["slots"]} <= {"08:00", "08:30", "09:00", "09:30"}
    events = db.session.scalars(select(AuditEvent.action)).all()
    assert "schedule.generate" in events
    mails = db.session.scalars(select(Mail).where(Mail.kind == "schedule")).all()
    assert {m.user_id for m in mails} == {o.id for o in w.owners} | {p.id for p in w.panel}
    panel0 = next(m for m in mails if m.user_id == w.panel[0].id)
    assert "Ruang A" in panel0.text_body


def test_generate_again_replaces_the_schedule(api, w):
    client = api(w.admin)
    assert client.post(url(w), json=request_body(w)).status_code == 201
    assert client.post(url(w), json=request_body(w, slot_minutes=20)).status_code == 201
    assert count(Schedule) == 1 and count(ScheduleSlot) == 6


def test_too_few_slots_is_refused_with_the_numbers(api, w):
    before = count(Mail)
    resp = api(w.admin).post(url(w), json=request_body(w, day_end="09:00"))
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["code"] == "capacity_insufficient"
    assert (body["slots_needed"], body["slots_available"]) == (6, 4)
    assert (body["periods_needed"], body["periods_available"]) == (3, 2)
    assert "at least 3 time slots per room" in body["detail"]
    assert count(Schedule) == 0 and count(Mail) == before


def test_entries_with_no_admissible_room_are_named(api, w):
    only_a = request_body(w)
    only_a["rooms"] = only_a["rooms"][:1]
    resp = api(w.admin).post(url(w), json=only_a | {"day_end": "12:00"})
    assert resp.status_code == 409
    conflicted = sorted(e.id for e in w.entries if e.agency_id == w.owners[0].agency_id)
    assert resp.get_json()["entries_without_room"] == conflicted
    assert count(Schedule) == 0


def test_bad_requests_name_the_fields(api, w):
    body = request_body(w, day_start="10:00", day_end="09:00", slot_minutes=2)
    body["rooms"][1]["panelists"] = [w.evaluator.id]
    resp = api(w.admin).post(url(w), json=body)
    assert resp.status_code == 422
    assert {"slot_minutes"} <= set(resp.get_json()["errors"])
    resp = api(w.admin).post(url(w), json=request_body(w, day_start="10:00", day_end="09:00"))
    assert resp.status_code == 422 and "day_end" in resp.get_json()["errors"]
    wrong_role = request_body(w)
    wrong_role["rooms"][1]["panelists"] = [w.evaluator.id]
    resp = api(w.admin).post(url(w), json=wrong_role)
    assert resp.status_code == 422 and "rooms.1.panelists" in resp.get_json()["errors"]
    assert count(Schedule) == 0


def test_generate_outside_the_stages_is_refused(api, w, make):
    w.comp.stage = "evaluation"
    db.session.commit()
    resp = api(w.admin).post(url(w), json=request_body(w))
    assert resp.status_code == 409 and resp.get_json()["code"] == "invalid_stage"
    empty = make.competition(stage="panel")
    resp = api(w.admin).post(f"/api/v1/competitions/{empty.id}/schedule", json=request_body(w))
    assert resp.status_code == 409 and resp.get_json()["code"] == "invalid_stage"


def _generated(api, w) -> dict:
    resp = api(w.admin).post(url(w), json=request_body(w))
    assert resp.status_code == 201
    return resp.get_json()


def test_a_hand_move_into_a_clash_is_refused_naming_it(api, w):
    body = _generated(api, w)
    room_a, room_b = (r["id"] for r in body["rooms"])
    slots = body["slots"]
    conflicted = {e.id for e in w.entries if e.agency_id == w.owners[0].agency_id}
    mover = next(s for s in slots if s["entry_id"] in conflicted)
    client = api(w.admin)
    # Into room A: panelist 0 conflicts with the entry's agency.
    taken = next(s for s in slots if s["room_id"] == room_a)
    resp = client.patch(
        f"/api/v1/schedule-slots/{mover['id']}",
        json={"room_id": room_a, "starts_at": taken["starts_at"], "version": mover["version"]},
    )
    assert resp.status_code == 409
    problem = resp.get_json()
    assert problem["code"] == "conflict_of_interest"
    kinds = [c["kind"] for c in problem["clashes"]]
    assert kinds == ["conflict_of_interest", "room_taken"]
    assert w.panel[0].name in problem["detail"]
    # Onto another slot of room B: the room is taken.
    other = next(s for s in slots if s["room_id"] == room_b and s["id"] != mover["id"])
    resp = client.patch(
        f"/api/v1/schedule-slots/{mover['id']}", json={"starts_at": other["starts_at"]}
    )
    assert resp.status_code == 409 and resp.get_json()["code"] == "conflict"
    assert f"#{other['entry_id']}" in resp.get_json()["detail"]
    # Not a period of the schedule.
    resp = client.patch(
        f"/api/v1/schedule-slots/{mover['id']}", json={"starts_at": "2026-12-10T08:10:00+07:00"}
    )
    assert resp.status_code == 422 and "starts_at" in resp.get_json()["errors"]
    db.session.expire_all()
    assert db.session.get(ScheduleSlot, mover["id"]).version == mover["version"]


def test_a_hand_move_into_a_free_period_works_and_is_audited(api, w):
    body = _generated(api, w)
    room_a = body["rooms"][0]["id"]
    clean = {e.id for e in w.entries if e.agency_id != w.owners[0].agency_id}
    mover = next(s for s in body["slots"] if s["entry_id"] in clean and s["room_id"] == room_a)
    before = count(Mail)
    client = api(w.admin)
    path = f"/api/v1/schedule-slots/{mover['id']}"
    # Room A holds at most 4 presentations; find a free period by asking the grid.
    grid = client.get(url(w)).get_json()
    used = {s["starts_at"] for s in grid["slots"] if s["room_id"] == room_a}
    free = [
        f"2026-12-10T{t}:00"
        for t in ("08:00", "08:30", "09:00", "09:30")
        if f"2026-12-10T{t}:00+07:00" not in used
    ]
    assert free, "the fixture leaves room A a free period"
    current = next(s for s in grid["slots"] if s["id"] == mover["id"])
    resp = client.patch(path, json={"starts_at": free[0], "version": current["version"]})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["starts_at"] == free[0] + "+07:00"  # no offset: read in WIB
    assert resp.get_json()["version"] == current["version"] + 1
    stale = client.patch(path, json={"starts_at": free[0], "version": current["version"]})
    assert stale.status_code == 409 and stale.get_json()["code"] == "stale_version"
    assert "schedule.move" in db.session.scalars(select(AuditEvent.action)).all()
    assert count(Mail) > before


def test_each_person_sees_their_own_slots_and_calendar(api, w):
    body = _generated(api, w)
    owner = w.owners[1]
    mine = api(owner).get("/api/v1/me/schedule").get_json()
    assert mine["total"] == 2
    assert {s["agency_id"] for s in mine["items"]} == {owner.agency_id}
    resp = api(owner).get("/api/v1/schedule/me.ics")
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 2
    first = min(events, key=lambda e: e.decoded("dtstart"))
    slot = min(mine["items"], key=lambda s: s["starts_at"])
    assert str(first["uid"]) == f"schedule-slot-{slot['id']}@kipp"
    assert first.decoded("dtstart").isoformat().replace("+00:00", "") < slot["starts_at"]
    room_a_panel = api(w.panel[1]).get("/api/v1/me/schedule").get_json()
    room_a = body["rooms"][0]["id"]
    assert room_a_panel["total"] == sum(1 for s in body["slots"] if s["room_id"] == room_a)
    empty = Calendar.from_ical(api(w.evaluator).get("/api/v1/schedule/me.ics").data)
    assert list(empty.walk("VEVENT")) == []


def test_who_may_read_and_move(api, w):
    body = _generated(api, w)
    assert api(w.chair).get(url(w)).status_code == 200
    assert api(w.panel[0]).get(url(w)).status_code == 403
    assert api(w.owners[0]).get(url(w)).status_code == 403
    slot = body["slots"][0]
    path = f"/api/v1/schedule-slots/{slot['id']}"
    assert api(w.chair).patch(path, json={}).status_code == 403
    stranger = next(o for o in w.owners if o.agency_id != slot["agency_id"])
    assert api(stranger).patch(path, json={}).status_code == 404
    assert api(w.evaluator).patch(path, json={}).status_code == 404
    assert api().get("/api/v1/schedule/me.ics").status_code == 401


def test_values_at_the_edges_are_refused_not_crashed(api, w):
    client = api(w.admin)
    far = request_body(w, days=["0001-01-01"], day_start="00:00", day_end="01:00")
    resp = client.post(url(w), json=far)
    assert resp.status_code == 422 and "days" in resp.get_json()["errors"]
    body = _generated(api, w)
    slot = body["slots"][0]
    for when in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"):
        resp = client.patch(f"/api/v1/schedule-slots/{slot['id']}", json={"starts_at": when})
        assert resp.status_code == 422, resp.get_json()
    resp = client.patch(f"/api/v1/schedule-slots/{slot['id']}", json={"room_id": 2**31})
    assert resp.status_code == 422


def test_a_new_schedule_mails_whom_the_old_one_concerned(api, w):
    client = api(w.admin)
    assert client.post(url(w), json=request_body(w)).status_code == 201
    fewer = request_body(w)
    fewer["rooms"][0]["panelists"] = [w.panel[1].id]  # panelist 0 leaves room A
    assert client.post(url(w), json=fewer).status_code == 201
    last = db.session.scalars(
        select(Mail).where(Mail.kind == "schedule", Mail.user_id == w.panel[0].id).order_by(Mail.id)
    ).all()
    assert len(last) == 2
    # In the panelist's language (Indonesian, the default locale).
    assert last[-1].language == "id", last[-1].language
    assert "Anda tidak lagi memiliki presentasi dalam jadwal ini." in last[-1].text_body
