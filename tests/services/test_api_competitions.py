"""API contract § Competitions: create, read, change, stage moves and their guards."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Competition, Criterion, Entry
from tests.helpers import assert_problem, count

BASE = "/api/v1/competitions"
CRITERIA = [
    {"code": "signifikansi", "name": "Signifikansi", "weight": 60},
    {"code": "kebaruan", "name": "Kebaruan", "weight": 40, "word_limit": 200},
]
PANEL = [
    {"code": "substansi", "name": "Substansi", "weight": 50},
    {"code": "presentasi", "name": "Presentasi", "weight": 50},
]


def reload(comp_id: int) -> Competition:
    db.session.expire_all()
    return db.session.get(Competition, comp_id)


def payload(**kw) -> dict:
    return {
        "name": "KIPP 2026",
        "year": 2026,
        "submission_opens_at": "2026-01-05T08:00:00+07:00",
        "submission_closes_at": "2026-06-30T23:59:59+07:00",
        "criteria": CRITERIA,
    } | kw


@pytest.fixture
def admin_api(make, api):
    return api(make.admin())


# -------------------------------------------------------------------- create
def test_create_with_defaults(admin_api):
    resp = admin_api.post(BASE, json=payload())
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["stage"] == "draft"
    assert isinstance(body["version"], int)
    assert body["timezone"] == "Asia/Jakarta"
    rules = {"invitation_only": False, "criteria": []}  # groups' own rules: none by default
    assert body["groups"] == {
        "umum": {"quota": 10, "min_implementation_years": 2} | rules,
        "replikasi": {"quota": 5, "min_implementation_years": 1} | rules,
    }
    assert (body["shortlist_size"], body["final_size"], body["evaluators_per_entry"]) == (99, 45, 2)
    assert [(c["code"], c["weight"], c["word_limit"]) for c in body["criteria"]] == [
        ("signifikansi", 60, None),
        ("kebaruan", 40, 200),
    ]
    assert sum(c["weight"] for c in body["panel_criteria"]) == 100
    assert body["submission_opens_at"] == "2026-01-05T08:00:00+07:00"
    assert body["submission_closes_at"] == "2026-06-30T23:59:59+07:00"
    comp = reload(body["id"])
    assert comp.submission_closes_at == datetime(2026, 6, 30, 16, 59, 59, tzinfo=UTC)


def test_create_with_every_optional_field(admin_api):
    groups = {
        "umum": {"quota": 7, "min_implementation_years": 3},
        "replikasi": {"quota": 2, "min_implementation_years": 1},
        "khusus": {"quota": 1, "min_implementation_years": 0},
    }
    resp = admin_api.post(
        BASE,
        json=payload(
            timezone="Asia/Makassar",
            groups=groups,
            shortlist_size=50,
            final_size=20,
            evaluators_per_entry=3,
            panel_criteria=PANEL,
        ),
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    rules = {"invitation_only": False, "criteria": []}  # groups' own rules: none sent
    assert body["groups"] == {code: g | rules for code, g in groups.items()}
    assert (body["shortlist_size"], body["final_size"], body["evaluators_per_entry"]) == (50, 20, 3)
    assert [c["code"] for c in body["panel_criteria"]] == ["substansi", "presentasi"]
    assert body["timezone"] == "Asia/Makassar"
    # Responses use the competition's timezone.
    assert body["submission_opens_at"] == "2026-01-05T09:00:00+08:00"
    comp = reload(body["id"])
    assert {g.code for g in comp.groups} == {"umum", "replikasi", "khusus"}
    assert len(comp.round_criteria("panel")) == 2


def test_timestamps_without_offset_are_read_in_wib(admin_api):
    resp = admin_api.post(
        BASE,
        json=payload(
            submission_opens_at="2026-03-01T08:00:00",
            submission_closes_at="2026-03-31T23:59:59Z",
        ),
    )
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["submission_opens_at"] == "2026-03-01T08:00:00+07:00"
    assert body["submission_closes_at"] == "2026-04-01T06:59:59+07:00"
    comp = reload(body["id"])
    assert comp.submission_opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)


def test_naive_timestamps_follow_the_competition_timezone(admin_api):
    resp = admin_api.post(
        BASE, json=payload(timezone="Asia/Jayapura", submission_opens_at="2026-03-01T08:00:00")
    )
    body = resp.get_json()
    assert body["submission_opens_at"] == "2026-03-01T08:00:00+09:00"
    assert reload(body["id"]).submission_opens_at == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)


INVALID = [
    ({"criteria": [{"code": "a", "name": "A", "weight": 60}]}, "criteria"),  # sums to 60
    ({"criteria": [{"code": "a", "name": "A", "weight": 60}] * 2}, "criteria"),  # codes repeat
    (
        {
            "criteria": [
                {"code": "a", "name": "A", "weight": 110},
                {"code": "b", "name": "B", "weight": -10},
            ]
        },
        "criteria",
    ),
    ({"criteria": []}, "criteria"),
    ({"panel_criteria": [{"code": "p", "name": "P", "weight": 99}]}, "panel_criteria"),
    ({"criteria": [{"code": "Bad Code", "name": "A", "weight": 100}]}, "criteria"),
    ({"criteria": [{"code": "a", "name": "A", "weight": 50.5}] * 2}, "criteria"),
    ({"submission_closes_at": "2026-01-01T00:00:00+07:00"}, "submission_closes_at"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"final_size": 100, "shortlist_size": 99}, "final_size"),
    ({"shortlist_size": 0}, "shortlist_size"),
    ({"name": ""}, "name"),
    ({"year": "next"}, "year"),
    ({"submission_opens_at": "yesterday"}, "submission_opens_at"),
]


def test_invalid_competition_is_422(admin_api, subtests):
    for changes, field in INVALID:
        with subtests.test(field=field, changes=changes):
            resp = admin_api.post(BASE, json=payload(**changes))
            problem = assert_problem(resp, 422, "validation_error")
            assert field in problem["errors"], problem
            assert count(Competition) == 0
            assert count(Criterion) == 0


def test_missing_required_field_is_422(admin_api, subtests):
    for missing in ("name", "year", "submission_opens_at", "submission_closes_at", "criteria"):
        with subtests.test(missing=missing):
            body = payload()
            del body[missing]
            problem = assert_problem(admin_api.post(BASE, json=body), 422, "validation_error")
            assert missing in problem["errors"]
            assert count(Competition) == 0


def test_only_admin_creates(make, api, subtests):
    for role in ("agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            assert_problem(api(make.user(role)).post(BASE, json=payload()), 403, "forbidden")
            assert count(Competition) == 0


# ---------------------------------------------------------------------- read
def test_every_logged_in_user_reads_competitions(make, api, subtests):
    comp = make.competition(stage="submission")
    for role in ("admin", "agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            client = api(make.user(role))
            body = client.get(f"{BASE}/{comp.id}").get_json()
            assert (body["id"], body["stage"]) == (comp.id, "submission")
            assert body["version"] == comp.version
            assert body["next_stage"] == "screening"
            listing = client.get(BASE).get_json()
            assert listing["total"] == 1 and listing["items"][0]["id"] == comp.id


def test_unknown_competition_is_404(admin_api):
    assert_problem(admin_api.get(f"{BASE}/9999"), 404, "not_found")


def test_anonymous_cannot_read(make, api):
    comp = make.competition()
    assert_problem(api().get(f"{BASE}/{comp.id}"), 401, "unauthenticated")
    assert_problem(api().get(BASE), 401, "unauthenticated")


# --------------------------------------------------------------------- patch
def test_patch_dates_and_sizes(make, admin_api):
    comp = make.competition(stage="submission")
    version = comp.version
    resp = admin_api.patch(
        f"{BASE}/{comp.id}",
        json={
            "submission_closes_at": "2026-12-31T23:59:59",
            "shortlist_size": 80,
            "final_size": 40,
            "version": version,
        },
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["submission_closes_at"] == "2026-12-31T23:59:59+07:00"
    assert (body["shortlist_size"], body["final_size"]) == (80, 40)
    assert body["version"] == version + 1
    row = reload(comp.id)
    assert row.submission_closes_at == datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC)
    assert row.shortlist_size == 80


def test_patch_without_version_is_allowed(make, admin_api):
    comp = make.competition(stage="evaluation")
    assert admin_api.patch(f"{BASE}/{comp.id}", json={"name": "Baru"}).status_code == 200
    assert reload(comp.id).name == "Baru"


def test_patch_with_stale_version_is_409(make, admin_api):
    comp = make.competition(stage="submission")
    stale = comp.version
    assert admin_api.patch(f"{BASE}/{comp.id}", json={"name": "One"}).status_code == 200
    resp = admin_api.patch(f"{BASE}/{comp.id}", json={"name": "Two", "version": stale})
    assert_problem(resp, 409, "stale_version")
    row = reload(comp.id)
    assert row.name == "One"
    assert row.version == stale + 1


def test_criteria_change_in_draft(make, admin_api):
    comp = make.competition(stage="draft")
    new = [{"code": "dampak", "name": "Dampak", "weight": 100, "word_limit": 50}]
    resp = admin_api.patch(f"{BASE}/{comp.id}", json={"criteria": new})
    assert resp.status_code == 200, resp.get_json()
    assert [c["code"] for c in resp.get_json()["criteria"]] == ["dampak"]
    assert [c.code for c in reload(comp.id).round_criteria("evaluation")] == ["dampak"]
    # The panel round is kept as it was.
    assert len(reload(comp.id).round_criteria("panel")) == 3


def test_criteria_weights_checked_on_patch(make, admin_api):
    comp = make.competition(stage="draft")
    resp = admin_api.patch(
        f"{BASE}/{comp.id}", json={"criteria": [{"code": "a", "name": "A", "weight": 99}]}
    )
    assert "criteria" in assert_problem(resp, 422, "validation_error")["errors"]
    assert len(reload(comp.id).round_criteria("evaluation")) == 8


def set_stage(comp_id: int, stage: str) -> None:
    db.session.execute(db.update(Competition).where(Competition.id == comp_id).values(stage=stage))
    db.session.commit()


def test_criteria_and_groups_change_only_in_draft(make, admin_api, subtests):
    comp = make.competition(stage="draft")
    changes = {
        "criteria": {"criteria": [{"code": "a", "name": "A", "weight": 100}]},
        "panel_criteria": {"panel_criteria": [{"code": "a", "name": "A", "weight": 100}]},
        "groups": {"groups": {"umum": {"quota": 1, "min_implementation_years": 0}}},
    }
    for stage in ("submission", "screening", "evaluation", "awarded"):
        set_stage(comp.id, stage)
        version = reload(comp.id).version
        for name, change in changes.items():
            with subtests.test(stage=stage, change=name):
                resp = admin_api.patch(f"{BASE}/{comp.id}", json=change)
                assert_problem(resp, 409, "invalid_stage")
                row = reload(comp.id)
                assert len(row.round_criteria("evaluation")) == 8
                assert len(row.round_criteria("panel")) == 3
                assert row.group("umum").quota == 10
                assert row.version == version


def test_only_admin_patches(make, api, subtests):
    comp = make.competition()
    for role in ("agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            resp = api(make.user(role)).patch(f"{BASE}/{comp.id}", json={"name": "Hacked"})
            assert_problem(resp, 403, "forbidden")
            assert reload(comp.id).name != "Hacked"


# -------------------------------------------------------------------- stages
def test_stage_moves_one_step_forward(make, admin_api):
    comp = make.competition(stage="draft")
    for to in ("submission", "screening", "evaluation"):
        resp = admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": to})
        assert resp.status_code == 200, resp.get_json()
        assert resp.get_json()["stage"] == to
        assert reload(comp.id).stage == to


BAD_MOVES = [
    ("draft", "screening"),  # skip
    ("draft", "awarded"),
    ("submission", "evaluation"),
    ("submission", "draft"),  # backward
    ("evaluation", "screening"),
    ("screening", "screening"),  # standing still
    ("awarded", "draft"),  # past the last stage
]


def test_other_stage_moves_are_invalid_stage(make, admin_api, subtests):
    comp = make.competition(stage="draft")
    for stage, to in BAD_MOVES:
        with subtests.test(stage=stage, to=to):
            set_stage(comp.id, stage)
            resp = admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": to})
            body = assert_problem(resp, 409, "invalid_stage")
            assert body["detail"]
            assert reload(comp.id).stage == stage


def test_unknown_stage_is_422(make, admin_api):
    comp = make.competition(stage="draft")
    resp = admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": "published"})
    assert "to" in assert_problem(resp, 422, "validation_error")["errors"]
    assert reload(comp.id).stage == "draft"


def test_leaving_screening_with_unscreened_entries_is_refused(make, admin_api):
    comp = make.competition(stage="screening")
    agency = make.user("agency")
    first = make.entry(comp, agency, status="submitted")
    make.entry(comp, agency, status="submitted")
    make.entry(comp, agency, status="draft")  # drafts do not count
    body = assert_problem(
        admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": "evaluation"}), 409, "invalid_stage"
    )
    assert "2" in body["detail"]
    assert reload(comp.id).stage == "screening"
    for entry_id in (first.id, first.id + 1):
        resp = admin_api.post(f"/api/v1/entries/{entry_id}/screening", json={"decision": "pass"})
        assert resp.status_code == 200
    resp = admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": "evaluation"})
    assert resp.status_code == 200, resp.get_json()
    assert reload(comp.id).stage == "evaluation"
    assert (
        db.session.scalar(select(func.count()).select_from(Entry).where(Entry.status == "draft"))
        == 1
    )


def test_only_admin_moves_stages(make, api, subtests):
    comp = make.competition(stage="draft")
    for role in ("agency", "evaluator", "panelist", "chair"):
        with subtests.test(role=role):
            resp = api(make.user(role)).post(f"{BASE}/{comp.id}/stage", json={"to": "submission"})
            assert_problem(resp, 403, "forbidden")
            assert reload(comp.id).stage == "draft"


def test_stage_move_bumps_version(make, admin_api):
    comp = make.competition(stage="draft")
    version = comp.version
    body = admin_api.post(f"{BASE}/{comp.id}/stage", json={"to": "submission"}).get_json()
    assert body["version"] == version + 1
