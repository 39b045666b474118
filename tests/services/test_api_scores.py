"""API contract § Scores: reading, saving, validating, submitting and reopening sheets."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Assignment, AuditEvent
from tests.helpers import assert_problem
from tests.services.judging_fixtures import (
    EVALUATION_CODES,
    PANEL_CODES,
    assign,
    evaluation_setup,
    finalised_shortlist,
    set_stage,
    submit_sheet,
)

FULL = dict.fromkeys(EVALUATION_CODES, 80)


@pytest.fixture
def sheet(make, api):
    """One evaluation assignment; `r` is its reviewer's client, `a` the admin's."""
    w = evaluation_setup(make, n_entries=1, n_reviewers=2)
    a = assign(w, w.entries[0], w.reviewers[0])
    return {
        "w": w,
        "id": a.id,
        "url": f"/api/v1/assignments/{a.id}/score",
        "r": api(w.reviewers[0]),
        "other": api(w.reviewers[1]),
        "a": api(w.admin),
    }


def state(assignment_id: int) -> tuple:
    db.session.expire_all()
    a = db.session.get(Assignment, assignment_id)
    values = {v.criterion_code: v.value for v in a.values}
    return a.status, values, a.total, a.comment, a.version


def actions(assignment_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object == f"assignment:{assignment_id}")
            .order_by(AuditEvent.id)
        )
    )


# ------------------------------------------------------------------ reading
def test_reviewer_reads_an_empty_sheet(sheet):
    resp = sheet["r"].get(sheet["url"])
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["id"] == sheet["id"] and body["round"] == "evaluation"
    assert (body["status"], body["values"], body["total"], body["version"]) == (
        "pending",
        {},
        None,
        1,
    )
    assert [c["code"] for c in body["criteria"]] == list(EVALUATION_CODES)
    assert {c["code"]: c["weight"] for c in body["criteria"]}["signifikansi"] == 30


def test_admin_reads_but_cannot_write(sheet):
    assert sheet["a"].get(sheet["url"]).status_code == 200
    assert_problem(sheet["a"].put(sheet["url"], json={"values": FULL}), 404, "not_found")
    assert_problem(sheet["a"].post(sheet["url"] + "/submit"), 404, "not_found")
    assert state(sheet["id"]) == ("pending", {}, None, None, 1)


def test_other_users_get_404(sheet, make, api):
    outsiders = [sheet["other"], api(make.user("agency")), api(make.user("chair"))]
    for client in outsiders:
        assert_problem(client.get(sheet["url"]), 404, "not_found")
        assert_problem(client.put(sheet["url"], json={"values": FULL}), 404, "not_found")
        assert_problem(client.post(sheet["url"] + "/submit"), 404, "not_found")
        assert_problem(
            client.post(sheet["url"] + "/reopen", json={"reason": "x" * 9}), 404, "not_found"
        )
    assert_problem(api().get(sheet["url"]), 401, "unauthenticated")
    assert_problem(sheet["r"].get("/api/v1/assignments/99999/score"), 404, "not_found")
    assert state(sheet["id"]) == ("pending", {}, None, None, 1)


# ------------------------------------------------------------------ saving
def test_save_full_sheet_total_is_exact_half_up(sheet):
    values = FULL | {"signifikansi": 85.55}
    resp = sheet["r"].put(sheet["url"], json={"values": values, "comment": " Good work "})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    # (85.55 × 30 + 80 × 70) / 100 = 81.665 → 81.67 (half-up, exact decimals)
    assert (body["status"], body["total"], body["version"]) == ("draft", 81.67, 2)
    assert body["values"]["signifikansi"] == 85.55 and body["comment"] == "Good work"
    status, stored, total, comment, version = state(sheet["id"])
    assert stored["signifikansi"] == Decimal("85.55") and total == Decimal("81.67")
    assert (status, comment, version) == ("draft", "Good work", 2)


def test_partial_draft_counts_missing_as_zero(sheet):
    body = sheet["r"].put(sheet["url"], json={"values": {"kebaruan": 85.5}}).get_json()
    assert body["values"] == {"kebaruan": 85.5}
    assert body["total"] == 12.83  # 85.5 × 15 / 100 = 12.825 → 12.83
    assert body["status"] == "draft"


def test_put_replaces_values_and_keeps_an_omitted_comment(sheet):
    r, url = sheet["r"], sheet["url"]
    r.put(url, json={"values": {"kebaruan": 50, "signifikansi": 60}, "comment": "Keep me"})
    body = r.put(url, json={"values": {"signifikansi": 70}}).get_json()
    assert body["values"] == {"signifikansi": 70.0}
    assert body["comment"] == "Keep me" and body["version"] == 3
    body = r.put(url, json={"values": {"signifikansi": 70}, "comment": None}).get_json()
    assert body["comment"] is None
    assert state(sheet["id"])[1] == {"signifikansi": Decimal("70.00")}


@pytest.mark.parametrize(
    "bad, reason",
    [
        (101, "between 0 and 100"),
        (-1, "between 0 and 100"),
        (100.01, "between 0 and 100"),
        (85.123, "2 decimals"),
        ("abc", "number"),
        (True, "number"),
        (None, "number"),
        ("1e2", "number"),
        ([80], "number"),
    ],
)
def test_bad_values_are_refused_per_code_and_change_nothing(sheet, bad, reason):
    resp = sheet["r"].put(sheet["url"], json={"values": FULL | {"kebaruan": bad}})
    body = assert_problem(resp, 422, "validation_error")
    assert list(body["errors"]) == ["kebaruan"]
    assert reason in body["errors"]["kebaruan"][0]
    assert state(sheet["id"]) == ("pending", {}, None, None, 1)
    assert actions(sheet["id"]) == ["assignment.create"]


@pytest.mark.parametrize("edge", [0, 100, 99.99, "85.25", 0.5])
def test_edge_values_are_accepted(sheet, edge):
    resp = sheet["r"].put(sheet["url"], json={"values": {"kebaruan": edge}})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["values"]["kebaruan"] == float(edge)


def test_unknown_codes_and_several_errors_are_reported_together(sheet):
    resp = sheet["r"].put(
        sheet["url"], json={"values": {"kebaruan": 101, "nope": 50, "substansi": 50}}
    )
    body = assert_problem(resp, 422, "validation_error")
    assert set(body["errors"]) == {"kebaruan", "nope", "substansi"}  # panel code: wrong round
    assert state(sheet["id"]) == ("pending", {}, None, None, 1)


@pytest.mark.parametrize("payload", [{}, {"values": [80]}, {"values": FULL, "version": "x"}])
def test_malformed_body(sheet, payload):
    assert_problem(sheet["r"].put(sheet["url"], json=payload), 422, "validation_error")
    assert state(sheet["id"])[4] == 1


def test_stale_version_is_refused(sheet):
    r, url = sheet["r"], sheet["url"]
    assert r.put(url, json={"values": {"kebaruan": 50}, "version": 1}).status_code == 200
    resp = r.put(url, json={"values": {"kebaruan": 99}, "version": 1})
    assert_problem(resp, 409, "stale_version")
    assert state(sheet["id"])[1:] == ({"kebaruan": Decimal("50.00")}, Decimal("7.50"), None, 2)
    assert r.put(url, json={"values": {"kebaruan": 99}, "version": 2}).status_code == 200


def test_save_is_audited_with_before_and_after(sheet):
    sheet["r"].put(sheet["url"], json={"values": {"kebaruan": 50}})
    sheet["r"].put(sheet["url"], json={"values": {"kebaruan": 60}})
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "score.save").order_by(AuditEvent.seq)
    ).all()
    assert len(events) == 2
    assert events[1].before["values"] == {"kebaruan": "50.00"}
    assert events[1].after["values"] == {"kebaruan": "60.00"}
    assert events[1].actor == sheet["w"].reviewers[0].email


# ------------------------------------------------------------------ submitting
def test_submit_incomplete_lists_missing_codes(sheet):
    sheet["r"].put(sheet["url"], json={"values": {"kebaruan": 50, "signifikansi": 60}})
    body = assert_problem(sheet["r"].post(sheet["url"] + "/submit"), 422, "incomplete")
    expected = set(EVALUATION_CODES) - {"kebaruan", "signifikansi"}
    assert set(body["errors"]) == expected and set(body["missing"]) == expected
    assert state(sheet["id"])[0] == "draft"


def test_submit_pending_sheet_is_incomplete(sheet):
    body = assert_problem(sheet["r"].post(sheet["url"] + "/submit"), 422, "incomplete")
    assert set(body["missing"]) == set(EVALUATION_CODES)
    assert state(sheet["id"]) == ("pending", {}, None, None, 1)


def test_submit_then_double_submit_and_writes_are_locked(sheet):
    r, url = sheet["r"], sheet["url"]
    r.put(url, json={"values": FULL | {"signifikansi": 90}})
    resp = r.post(url + "/submit")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert (body["status"], body["total"]) == ("submitted", 83.0)
    assert body["submitted_at"]
    before = state(sheet["id"])
    assert_problem(r.post(url + "/submit"), 409, "locked")
    assert_problem(r.put(url, json={"values": FULL}), 409, "locked")
    assert state(sheet["id"]) == before
    assert actions(sheet["id"]).count("score.submit") == 1


def test_submit_with_stale_version(sheet):
    r, url = sheet["r"], sheet["url"]
    r.put(url, json={"values": FULL})
    assert_problem(r.post(url + "/submit", json={"version": 1}), 409, "stale_version")
    assert state(sheet["id"])[0] == "draft"
    assert r.post(url + "/submit", json={"version": 2}).status_code == 200


# ------------------------------------------------------------------ reopening
def test_admin_reopens_with_a_reason(sheet):
    r, url = sheet["r"], sheet["url"]
    r.put(url, json={"values": FULL})
    r.post(url + "/submit")
    resp = sheet["a"].post(url + "/reopen", json={"reason": "Reviewer mistyped a score"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "draft"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.reopen"))
    assert event.after["reason"] == "Reviewer mistyped a score"
    assert event.before["status"] == "submitted" and event.after["status"] == "draft"
    assert event.actor == sheet["w"].admin.email
    fixed = r.put(url, json={"values": FULL | {"kebaruan": 70}})
    assert fixed.status_code == 200
    assert r.post(url + "/submit").get_json()["total"] == 78.5
    verify = sheet["a"].get(f"/api/v1/competitions/{sheet['w'].comp.id}/audit/verify")
    assert verify.get_json()["ok"] is True


def test_reopen_refusals(sheet):
    r, a, url = sheet["r"], sheet["a"], sheet["url"]
    assert_problem(a.post(url + "/reopen", json={"reason": "not yet submitted"}), 409, "conflict")
    r.put(url, json={"values": FULL})
    r.post(url + "/submit")
    before = state(sheet["id"])
    for body in ({}, {"reason": "   "}, {"reason": "typo"}):
        assert_problem(a.post(url + "/reopen", json=body), 422, "validation_error")
    assert_problem(r.post(url + "/reopen", json={"reason": "let me fix it"}), 403, "forbidden")
    set_stage(sheet["w"].comp, "shortlist")
    resp = a.post(url + "/reopen", json={"reason": "too late for this"})
    assert_problem(resp, 409, "invalid_stage")
    assert state(sheet["id"]) == before
    assert "score.reopen" not in actions(sheet["id"])


# ------------------------------------------------------------------ stages and rounds
@pytest.mark.parametrize("stage", ["screening", "shortlist", "panel"])
def test_writes_only_in_the_rounds_stage(sheet, stage):
    r, url = sheet["r"], sheet["url"]
    r.put(url, json={"values": FULL})
    set_stage(sheet["w"].comp, stage)
    before = state(sheet["id"])
    assert_problem(r.put(url, json={"values": {"kebaruan": 10}}), 409, "invalid_stage")
    assert_problem(r.post(url + "/submit"), 409, "invalid_stage")
    assert state(sheet["id"]) == before
    assert r.get(url).status_code == 200  # still readable


def test_panel_sheet_uses_panel_criteria(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=0, n_panelists=1, stage="panel")
    finalised_shortlist(w.comp, w.entries, w.chair)
    a = assign(w, w.entries[0], w.chair, "panel")
    client, url = api(w.chair), f"/api/v1/assignments/{a.id}/score"
    body = client.get(url).get_json()
    assert [c["code"] for c in body["criteria"]] == list(PANEL_CODES)
    resp = client.put(url, json={"values": {"kebaruan": 80}})
    assert set(assert_problem(resp, 422, "validation_error")["errors"]) == {"kebaruan"}
    values = {"substansi": 90, "dampak": 80, "presentasi": 70}
    assert client.put(url, json={"values": values}).status_code == 200
    assert client.post(url + "/submit").get_json()["total"] == 81.5  # 36 + 28 + 17.5


def test_fixture_submit_sheet_goes_through_the_rules(make):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = submit_sheet(assign(w, w.entries[0], w.reviewers[0]), 85.5)
    assert state(a.id)[0] == "submitted" and state(a.id)[2] == Decimal("85.50")
