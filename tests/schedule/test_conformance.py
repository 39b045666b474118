"""Every answer of the schedule operations conforms to /api/v1/openapi.json (the checker of
tests/services/test_openapi_conformance.py), success and problem alike."""

from __future__ import annotations

from tests.schedule.conftest import request_body
from tests.services.test_openapi_conformance import conformance  # noqa: F401  (fixture)

A = "/api/v1"
OPS = {
    ("post", f"{A}/competitions/{{competition_id}}/schedule"),
    ("get", f"{A}/competitions/{{competition_id}}/schedule"),
    ("patch", f"{A}/schedule-slots/{{slot_id}}"),
    ("get", f"{A}/me/schedule"),
    ("get", f"{A}/schedule/me.ics"),
}


def test_schedule_answers_conform(api, conformance, w):  # noqa: F811
    admin, chair, owner = api(w.admin), api(w.chair), api(w.owners[0])
    path = f"{A}/competitions/{w.comp.id}/schedule"
    assert admin.get(path).status_code == 404
    assert admin.post(path, json=request_body(w, day_end="08:30")).status_code == 409
    assert admin.post(path, json=request_body(w, slot_minutes=0)).status_code == 422
    assert admin.post(path, json={"days": "x"}).status_code == 422
    assert owner.post(path, json=request_body(w)).status_code == 403
    body = admin.post(path, json=request_body(w)).get_json()
    assert chair.get(path).status_code == 200
    assert owner.get(path).status_code == 403
    slot = body["slots"][0]
    other = next(s for s in body["slots"] if s["room_id"] == slot["room_id"] and s != slot)
    move = f"{A}/schedule-slots/{slot['id']}"
    assert admin.patch(move, json={"starts_at": other["starts_at"]}).status_code == 409
    assert admin.patch(move, json={"version": slot["version"] + 1}).status_code == 409
    assert admin.patch(move, json={"room_id": 0}).status_code == 422
    assert admin.patch(move, json={"version": slot["version"]}).status_code == 200
    assert admin.patch(f"{A}/schedule-slots/999999", json={}).status_code == 404
    assert chair.patch(move, json={}).status_code == 403
    assert owner.get(f"{A}/me/schedule").status_code == 200
    assert owner.get(f"{A}/schedule/me.ics").status_code == 200
    assert api().get(f"{A}/schedule/me.ics").status_code == 401

    assert not conformance.failures, "\n".join(conformance.failures)
    answered = {(m, p) for m, p, status in conformance.seen if 200 <= status < 300}
    assert answered >= OPS
