"""API contract § Assignments: automatic and manual assignment, deletion, loads, isolation."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from kipp.accounts.services import add_conflict
from kipp.extensions import db
from kipp.models import AuditEvent, User
from tests.helpers import assert_problem
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    pairs,
    save_draft,
    set_stage,
    submit_sheet,
)


def audit_count(action: str) -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def auto(client, comp, **body):
    return client.post(
        f"/api/v1/competitions/{comp.id}/assignments/auto", json={"round": "evaluation"} | body
    )


# ------------------------------------------------------------------ automatic
def test_auto_assign_covers_every_entry_with_balanced_loads(make, api):
    w = evaluation_setup(make, n_entries=7, n_reviewers=3)
    resp = auto(api(w.admin), w.comp)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["created"] == 14  # 7 entries × evaluators_per_entry (2)
    got = pairs(w.comp.id)
    assert len(got) == 14
    coverage = Counter(e for e, _ in got)
    assert all(coverage[e.id] == 2 for e in w.entries)
    loads = Counter(r for _, r in got)
    assert body["per_reviewer"] == {str(r.id): loads[r.id] for r in w.reviewers}
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sorted(loads.values()) == [4, 5, 5]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.auto"))
    assert event.after["created"] == 14 and event.after["entries"] == 7
    assert audit_count("assignment.create") == 0  # one summary event, not one per pair


@pytest.mark.parametrize("per_entry", [1, 3])
def test_auto_assign_explicit_per_entry(make, api, per_entry):
    w = evaluation_setup(make, n_entries=5, n_reviewers=4)
    body = auto(api(w.admin), w.comp, per_entry=per_entry).get_json()
    assert body["created"] == 5 * per_entry
    loads = [int(v) for v in body["per_reviewer"].values()]
    assert max(loads) - min(loads) <= 1
    assert Counter(e for e, _ in pairs(w.comp.id)) == {e.id: per_entry for e in w.entries}


def test_auto_assign_never_pairs_conflicted_reviewers(make, api):
    w = evaluation_setup(make, n_entries=6, n_reviewers=2, n_agencies=3)
    home = make.user("evaluator", agency=w.owners[0].agency)
    declared = make.user("evaluator")
    add_conflict(None, declared, w.owners[1].agency_id, "Former staff member")
    db.session.commit()
    resp = auto(api(w.admin), w.comp)
    assert resp.status_code == 200, resp.get_json()
    agency_of = {e.id: e.agency_id for e in w.entries}
    got = pairs(w.comp.id)
    assert len(got) == 12 and len({p for p in got}) == 12
    for e, r in got:
        assert not (r == home.id and agency_of[e] == w.owners[0].agency_id)
        assert not (r == declared.id and agency_of[e] == w.owners[1].agency_id)
    # Both conflicted reviewers still work (on the other agencies' entries).
    assert {home.id, declared.id} <= {r for _, r in got}


def test_auto_assign_refuses_when_capacity_is_short_and_creates_nothing(make, api):
    w = evaluation_setup(make, n_entries=4, n_reviewers=3)
    body = assert_problem(auto(api(w.admin), w.comp, max_load=2), 409, "capacity_insufficient")
    assert (body["needed"], body["available"]) == (8, 6)
    assert "8" in body["detail"] and "6" in body["detail"]
    assert pairs(w.comp.id) == set()
    assert audit_count("assignment.auto") == 0


def test_auto_assign_refuses_when_conflicts_leave_an_entry_short(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=1)
    for _ in range(2):  # enough places in all, but entry 1 has one free reviewer only
        make.user("evaluator", agency=w.owners[0].agency)
    body = assert_problem(auto(api(w.admin), w.comp), 409, "capacity_insufficient")
    assert body["needed"] > body["available"]
    assert w.entries[0].id in body["entries"]
    assert pairs(w.comp.id) == set()


def test_auto_assign_keeps_existing_pairs_and_is_idempotent(make, api):
    w = evaluation_setup(make, n_entries=3, n_reviewers=3)
    assign(w, w.entries[0], w.reviewers[0])
    client = api(w.admin)
    first = auto(client, w.comp).get_json()
    assert first["created"] == 5  # 6 places, one already taken
    assert sum(first["per_reviewer"].values()) == 6  # totals include the existing pair
    assert (w.entries[0].id, w.reviewers[0].id) in pairs(w.comp.id)
    again = auto(client, w.comp).get_json()
    assert again["created"] == 0
    assert again["per_reviewer"] == first["per_reviewer"]
    assert len(pairs(w.comp.id)) == 6


def test_auto_assign_pool_is_active_evaluators_only(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2)
    gone = make.user("evaluator")
    db.session.get(User, gone.id).active = False
    db.session.commit()
    panelist = make.user("panelist")
    auto(api(w.admin), w.comp)
    reviewers = {r for _, r in pairs(w.comp.id)}
    assert reviewers == {r.id for r in w.reviewers}
    assert gone.id not in reviewers and panelist.id not in reviewers


def test_auto_assign_only_eligible_entries(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2)
    make.entry(w.comp, w.owners[0], status="ineligible")
    make.entry(w.comp, w.owners[0], status="submitted")
    auto(api(w.admin), w.comp)
    assert {e for e, _ in pairs(w.comp.id)} == {e.id for e in w.entries}


def test_auto_assign_panel_defaults_to_every_panel_member(make, api):
    w = evaluation_setup(make, n_entries=4, n_reviewers=0, n_panelists=2, stage="panel")
    shortlisted = w.entries[:3]
    finalised_shortlist(w.comp, shortlisted, w.chair)
    conflicted = w.panel[0]
    add_conflict(None, conflicted, shortlisted[0].agency_id, "Advisor to this agency")
    db.session.commit()
    resp = auto(api(w.admin), w.comp, round="panel")
    assert resp.status_code == 200, resp.get_json()
    got = pairs(w.comp.id, "panel")
    expected = {(e.id, p.id) for e in shortlisted for p in w.panel} - {
        (shortlisted[0].id, conflicted.id)
    }
    assert got == expected  # chair included, conflict skipped, unlisted entry left out
    assert resp.get_json()["per_reviewer"][str(w.chair.id)] == 3


def test_auto_assign_panel_with_explicit_per_entry_is_balanced(make, api):
    w = evaluation_setup(make, n_entries=4, n_reviewers=1, n_panelists=2, stage="panel")
    finalised_shortlist(w.comp, w.entries, w.chair)
    body = auto(api(w.admin), w.comp, round="panel", per_entry=1).get_json()
    assert body["created"] == 4
    assert sorted(body["per_reviewer"].values()) == [1, 1, 2]
    got = pairs(w.comp.id, "panel")
    assert {r for _, r in got} <= {p.id for p in w.panel}  # evaluators never sit on the panel
    assert pairs(w.comp.id) == set()


def test_auto_assign_in_the_wrong_stage_is_refused(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2, stage="screening")
    assert_problem(auto(api(w.admin), w.comp), 409, "invalid_stage")
    set_stage(w.comp, "evaluation")
    assert_problem(auto(api(w.admin), w.comp, round="panel"), 409, "invalid_stage")
    assert pairs(w.comp.id) == set()


@pytest.mark.parametrize(
    "body", [{"round": "final"}, {"round": "evaluation", "per_entry": 0}, {"max_load": -1}, {}]
)
def test_auto_assign_bad_input(make, api, body):
    w = evaluation_setup(make, n_entries=1, n_reviewers=2)
    resp = api(w.admin).post(f"/api/v1/competitions/{w.comp.id}/assignments/auto", json=body)
    assert_problem(resp, 422, "validation_error")
    assert pairs(w.comp.id) == set()


@pytest.mark.parametrize("role", ["evaluator", "chair", "agency"])
def test_auto_assign_is_admin_only(make, api, role):
    w = evaluation_setup(make, n_entries=1, n_reviewers=2)
    assert_problem(auto(api(make.user(role)), w.comp), 403, "forbidden")
    assert_problem(auto(api(), w.comp), 401, "unauthenticated")
    assert pairs(w.comp.id) == set()


# ------------------------------------------------------------------ by hand
def post_assignment(client, entry, user, round_="evaluation"):
    return client.post(
        "/api/v1/assignments", json={"entry_id": entry.id, "user_id": user.id, "round": round_}
    )


def test_manual_assignment_created_and_audited(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    resp = post_assignment(api(w.admin), w.entries[0], w.reviewers[0])
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "pending" and body["entry_id"] == w.entries[0].id
    assert pairs(w.comp.id) == {(w.entries[0].id, w.reviewers[0].id)}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.create"))
    assert event.object == f"assignment:{body['id']}"
    assert event.competition_id == w.comp.id


def test_manual_assignment_conflict_of_interest(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=0)
    home = make.user("evaluator", agency=w.owners[0].agency)
    declared = make.user("evaluator")
    add_conflict(None, declared, w.owners[1].agency_id, "Sibling works there")
    db.session.commit()
    client = api(w.admin)
    assert_problem(post_assignment(client, w.entries[0], home), 409, "conflict_of_interest")
    assert_problem(post_assignment(client, w.entries[1], declared), 409, "conflict_of_interest")
    assert pairs(w.comp.id) == set()
    assert post_assignment(client, w.entries[1], home).status_code == 201


def test_manual_assignment_duplicate(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    client = api(w.admin)
    assert post_assignment(client, w.entries[0], w.reviewers[0]).status_code == 201
    assert_problem(post_assignment(client, w.entries[0], w.reviewers[0]), 409, "conflict")
    assert len(pairs(w.comp.id)) == 1


def test_manual_assignment_wrong_role_for_round(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1, n_panelists=1)
    client = api(w.admin)
    for user in (w.panel[0], w.chair, w.admin, w.owners[0]):
        body = assert_problem(post_assignment(client, w.entries[0], user), 422, "validation_error")
        assert "user_id" in body["errors"]
    set_stage(w.comp, "panel")
    finalised_shortlist(w.comp, w.entries, w.chair)
    body = assert_problem(
        post_assignment(client, w.entries[0], w.reviewers[0], "panel"), 422, "validation_error"
    )
    assert "user_id" in body["errors"]
    assert post_assignment(client, w.entries[0], w.chair, "panel").status_code == 201
    assert pairs(w.comp.id) == set()
    assert pairs(w.comp.id, "panel") == {(w.entries[0].id, w.chair.id)}


def test_manual_assignment_refuses_a_disabled_reviewer(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    db.session.get(User, w.reviewers[0].id).active = False
    db.session.commit()
    resp = post_assignment(api(w.admin), w.entries[0], w.reviewers[0])
    assert "user_id" in assert_problem(resp, 422, "validation_error")["errors"]
    assert pairs(w.comp.id) == set()


def test_manual_assignment_needs_an_entry_of_the_round(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=1, n_panelists=1)
    client = api(w.admin)
    for status in ("submitted", "ineligible", "draft"):
        other = make.entry(w.comp, w.owners[0], status=status)
        body = assert_problem(
            post_assignment(client, other, w.reviewers[0]), 422, "validation_error"
        )
        assert "entry_id" in body["errors"]
    resp = client.post(
        "/api/v1/assignments",
        json={"entry_id": 99999, "user_id": w.reviewers[0].id, "round": "evaluation"},
    )
    assert_problem(resp, 422, "validation_error")
    set_stage(w.comp, "panel")
    finalised_shortlist(w.comp, w.entries[:1], w.chair)
    assert_problem(post_assignment(client, w.entries[1], w.chair, "panel"), 422, "validation_error")
    assert pairs(w.comp.id) == set() and pairs(w.comp.id, "panel") == set()


def test_manual_assignment_in_the_wrong_stage(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1, stage="shortlist")
    resp = post_assignment(api(w.admin), w.entries[0], w.reviewers[0])
    assert_problem(resp, 409, "invalid_stage")
    assert pairs(w.comp.id) == set()


def test_manual_assignment_is_admin_only(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    assert_problem(
        post_assignment(api(w.reviewers[0]), w.entries[0], w.reviewers[0]), 403, "forbidden"
    )
    assert pairs(w.comp.id) == set()


# ------------------------------------------------------------------ deleting
def test_delete_assignment_with_draft(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    save_draft(a, {"kebaruan": 70})
    assert api(w.admin).delete(f"/api/v1/assignments/{a.id}").status_code == 204
    assert pairs(w.comp.id) == set()
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.delete"))
    assert event.before["values"] == {"kebaruan": "70.00"}


def test_delete_submitted_assignment_is_locked(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    submit_sheet(a, 80)
    assert_problem(api(w.admin).delete(f"/api/v1/assignments/{a.id}"), 409, "locked")
    assert pairs(w.comp.id) == {(w.entries[0].id, w.reviewers[0].id)}
    assert audit_count("assignment.delete") == 0


def test_delete_assignment_permissions(make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=2)
    a = assign(w, w.entries[0], w.reviewers[0])
    url = f"/api/v1/assignments/{a.id}"
    assert_problem(api(w.reviewers[0]).delete(url), 403, "forbidden")
    assert_problem(api(w.reviewers[1]).delete(url), 404, "not_found")
    assert_problem(api(w.owners[0]).delete(url), 404, "not_found")
    assert_problem(api(w.admin).delete("/api/v1/assignments/99999"), 404, "not_found")
    assert len(pairs(w.comp.id)) == 1


# ------------------------------------------------------------------ reading
def test_me_assignments_shows_only_my_own(make, api):
    w = evaluation_setup(make, n_entries=3, n_reviewers=2)
    mine = [assign(w, e, w.reviewers[0]) for e in w.entries]
    assign(w, w.entries[0], w.reviewers[1])
    submit_sheet(mine[0], 90)
    save_draft(mine[1], {"kebaruan": 50})
    body = api(w.reviewers[0]).get("/api/v1/me/assignments?round=evaluation").get_json()
    assert body["total"] == 3
    assert {i["id"] for i in body["items"]} == {a.id for a in mine}
    item = next(i for i in body["items"] if i["id"] == mine[0].id)
    assert set(item) >= {"id", "entry_id", "entry_title", "round", "status"}
    assert (item["entry_title"], item["status"]) == (w.entries[0].title, "submitted")
    assert body["progress"] == {"pending": 1, "draft": 1, "submitted": 1, "total": 3}
    other = api(w.reviewers[1]).get("/api/v1/me/assignments").get_json()
    assert [i["entry_id"] for i in other["items"]] == [w.entries[0].id]
    assert api(w.reviewers[0]).get("/api/v1/me/assignments?round=panel").get_json()["total"] == 0


@pytest.mark.parametrize("role", ["admin", "agency"])
def test_me_assignments_is_for_reviewers(make, api, role):
    assert_problem(api(make.user(role)).get("/api/v1/me/assignments"), 403, "forbidden")


def test_admin_sees_loads_and_progress(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=3)
    a1 = assign(w, w.entries[0], w.reviewers[0])
    a2 = assign(w, w.entries[1], w.reviewers[0])
    assign(w, w.entries[0], w.reviewers[1])
    submit_sheet(a1, 75)
    save_draft(a2, {"kebaruan": 60})
    client = api(w.admin)
    loads = client.get(f"/api/v1/competitions/{w.comp.id}/assignments/loads?round=evaluation")
    rows = {r["user_id"]: r for r in loads.get_json()["items"]}
    assert {k: rows[w.reviewers[0].id][k] for k in ("assigned", "submitted", "draft")} == {
        "assigned": 2,
        "submitted": 1,
        "draft": 1,
    }
    assert rows[w.reviewers[1].id]["assigned"] == 1
    assert rows[w.reviewers[2].id]["assigned"] == 0  # idle reviewers are listed too
    assert rows[w.reviewers[0].id]["name"] == w.reviewers[0].name
    listing = client.get(f"/api/v1/competitions/{w.comp.id}/assignments?round=evaluation")
    body = listing.get_json()
    assert body["total"] == 3 and len(body["items"]) == 3
    assert body["progress"] == {"pending": 1, "draft": 1, "submitted": 1, "total": 3}
    assert {r["user_id"] for r in body["loads"]} >= {r.id for r in w.reviewers}
    for url in ("/assignments", "/assignments/loads"):
        resp = api(w.reviewers[0]).get(f"/api/v1/competitions/{w.comp.id}{url}")
        assert_problem(resp, 403, "forbidden")
