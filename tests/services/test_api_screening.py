"""API contract § Entries (screening): reasons, pass/fail decisions, stage and role rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import AuditEvent, Entry
from tests.helpers import assert_problem

REASON_CODES = {
    "implementation_too_young",
    "incomplete_answers",
    "duplicate_title",
    "missing_documents",
    "previous_winner",
    "off_theme",
}


def reload(entry_id: int) -> Entry:
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def unchanged(entry_id: int, status: str = "submitted") -> None:
    row = reload(entry_id)
    assert (row.status, row.screening_reasons, row.screened_at) == (status, None, None)


@pytest.fixture
def world(make, api):
    comp = make.competition(stage="screening")
    owner = make.user("agency")
    admin = make.admin()
    entry = make.entry(comp, owner, status="submitted")
    return {
        "comp": comp,
        "owner": owner,
        "entry": entry,
        "a": api(admin),
        "g": api(owner),
        "url": f"/api/v1/entries/{entry.id}/screening",
    }


# ------------------------------------------------------------------- reasons
def test_reasons_list(make, api, subtests):
    for role in ("admin", "agency", "evaluator"):
        with subtests.test(role=role):
            resp = api(make.user(role)).get("/api/v1/screening-reasons")
            assert resp.status_code == 200
            body = resp.get_json()
            assert {r["code"] for r in body["items"]} == REASON_CODES
            assert body["total"] == len(REASON_CODES)
            assert all(r["label"] for r in body["items"])


def test_reason_labels_follow_the_language(app, make, api):
    client = api(make.admin())

    def items(lang):
        # A fresh app context per request, as in production: Flask-Babel caches the locale
        # on `g`, which the test's long-lived app context would otherwise share.
        with app.app_context():
            return client.get(f"/api/v1/screening-reasons?lang={lang}").get_json()["items"]

    en, id_ = items("en"), items("id")
    en_label = {r["code"]: r["label"] for r in en}["off_theme"]
    id_label = {r["code"]: r["label"] for r in id_}["off_theme"]
    assert en_label != id_label
    assert "theme" in en_label


def test_reasons_need_login(api):
    assert_problem(api().get("/api/v1/screening-reasons"), 401, "unauthenticated")


# ----------------------------------------------------------------- decisions
def test_pass_makes_the_entry_eligible(world):
    resp = world["a"].post(world["url"], json={"decision": "pass", "note": "Lengkap"})
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "eligible"
    assert body["screening"]["decision"] == "pass"
    row = reload(world["entry"].id)
    assert (row.status, row.screening_note) == ("eligible", "Lengkap")
    assert row.screened_at is not None


def test_fail_with_reasons_makes_the_entry_ineligible(world):
    resp = world["a"].post(
        world["url"],
        json={"decision": "fail", "reason_codes": ["off_theme", "missing_documents"]},
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "ineligible"
    row = reload(world["entry"].id)
    assert row.status == "ineligible"
    assert row.screening_reasons == ["off_theme", "missing_documents"]


def test_missing_or_unknown_reasons_are_422(world, subtests):
    cases = [
        {"decision": "fail"},
        {"decision": "fail", "reason_codes": []},
        {"decision": "fail", "reason_codes": ["not_a_reason"]},
        {"decision": "pass", "reason_codes": ["not_a_reason"]},
        {"decision": "fail", "reason_codes": ["off_theme", "bogus"]},
    ]
    for body in cases:
        with subtests.test(body=body):
            resp = world["a"].post(world["url"], json=body)
            assert "reason_codes" in assert_problem(resp, 422, "validation_error")["errors"]
            unchanged(world["entry"].id)


def test_decision_is_required(world, subtests):
    for body in ({}, {"decision": "maybe"}, {"decision": None}, {"decision": "PASS"}):
        with subtests.test(body=body):
            resp = world["a"].post(world["url"], json=body)
            assert "decision" in assert_problem(resp, 422, "validation_error")["errors"]
            unchanged(world["entry"].id)


def test_screening_only_in_screening_stage(make, api, subtests):
    a, owner = api(make.admin()), make.user("agency")
    for stage in ("submission", "evaluation"):
        with subtests.test(stage=stage):
            entry = make.entry(make.competition(stage=stage), owner, status="submitted")
            resp = a.post(f"/api/v1/entries/{entry.id}/screening", json={"decision": "pass"})
            assert_problem(resp, 409, "invalid_stage")
            unchanged(entry.id)


def test_draft_entry_cannot_be_screened(world, make):
    draft = make.entry(world["comp"], world["owner"])
    resp = world["a"].post(f"/api/v1/entries/{draft.id}/screening", json={"decision": "pass"})
    assert_problem(resp, 403, "forbidden")
    unchanged(draft.id, status="draft")


def test_agency_cannot_screen_its_own_entry(world):
    assert_problem(world["g"].post(world["url"], json={"decision": "pass"}), 403, "forbidden")
    unchanged(world["entry"].id)


def test_reviewers_cannot_screen(world, make, api, subtests):
    # An unassigned reviewer cannot read the entry at all, so it is invisible to them.
    for role in ("evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            resp = api(make.user(role)).post(world["url"], json={"decision": "pass"})
            assert_problem(resp, 404, "not_found")
            unchanged(world["entry"].id)


def test_other_agency_gets_404(world, make, api):
    resp = api(make.user("agency")).post(world["url"], json={"decision": "pass"})
    assert_problem(resp, 404, "not_found")
    unchanged(world["entry"].id)


def test_decision_can_change_during_the_stage(world):
    a = world["a"]
    a.post(world["url"], json={"decision": "fail", "reason_codes": ["duplicate_title"]})
    resp = a.post(world["url"], json={"decision": "pass"})
    assert resp.status_code == 200
    row = reload(world["entry"].id)
    assert (row.status, row.screening_reasons) == ("eligible", [])


def test_agency_sees_the_decision_and_reasons(world):
    world["a"].post(
        world["url"],
        json={
            "decision": "fail",
            "reason_codes": ["implementation_too_young"],
            "note": "Baru 1 tahun",
        },
    )
    resp = world["g"].get(f"/api/v1/entries/{world['entry'].id}")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ineligible"
    assert body["screening"]["decision"] == "fail"
    assert body["screening"]["reason_codes"] == ["implementation_too_young"]
    assert body["screening"]["note"] == "Baru 1 tahun"
    assert body["screening"]["screened_at"].endswith("+07:00")


def test_screening_is_audited(world):
    world["a"].post(world["url"], json={"decision": "fail", "reason_codes": ["off_theme"]})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "entry.screen"))
    assert event.competition_id == world["comp"].id
    assert event.before["status"] == "submitted"
    assert event.after["status"] == "ineligible"
    assert event.after["reasons"] == ["off_theme"]


# ---------------------------------------------------------------------- bulk
def test_bulk_pass(world, make):
    more = [make.entry(world["comp"], world["owner"], status="submitted") for _ in range(2)]
    ids = [world["entry"].id] + [e.id for e in more]
    resp = world["a"].post(
        f"/api/v1/competitions/{world['comp'].id}/screening/bulk",
        json={"entry_ids": ids, "decision": "pass"},
    )
    assert resp.status_code == 200, resp.get_json()
    assert {e["status"] for e in resp.get_json()["items"]} == {"eligible"}
    db.session.expire_all()
    statuses = db.session.scalars(select(Entry.status).where(Entry.id.in_(ids))).all()
    assert statuses == ["eligible"] * 3


def test_bulk_is_all_or_nothing(world, make):
    draft = make.entry(world["comp"], world["owner"])
    resp = world["a"].post(
        f"/api/v1/competitions/{world['comp'].id}/screening/bulk",
        json={"entry_ids": [world["entry"].id, draft.id], "decision": "pass"},
    )
    assert_problem(resp, 403, "forbidden")
    unchanged(world["entry"].id)
    unchanged(draft.id, status="draft")
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "entry.screen")
        )
        == 0
    )


def test_bulk_refuses_entries_of_another_competition(world, make):
    other_comp = make.competition(stage="screening")
    foreign = make.entry(other_comp, world["owner"], status="submitted")
    resp = world["a"].post(
        f"/api/v1/competitions/{world['comp'].id}/screening/bulk",
        json={"entry_ids": [world["entry"].id, foreign.id], "decision": "pass"},
    )
    assert_problem(resp, 404, "not_found")
    unchanged(world["entry"].id)
    unchanged(foreign.id)
