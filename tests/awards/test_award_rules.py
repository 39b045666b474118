"""Extra awards and the pass mark as competition settings (API): accepted shapes, every refusal
with the contract's code and nothing changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kipp.competitions.defaults import EVALUATION_CRITERIA_2023
from kipp.models import AuditEvent, Competition
from kipp.models.awards import ExtraAward
from tests.awards.fixtures import AWARD, A
from tests.helpers import assert_problem, count
from tests.services.judging_fixtures import reload, set_stage


def payload(**kw) -> dict:
    now = datetime.now(UTC)
    return {
        "name": "KIPP Penghargaan",
        "year": 2026,
        "submission_opens_at": (now - timedelta(days=1)).isoformat(),
        "submission_closes_at": (now + timedelta(days=9)).isoformat(),
        "criteria": EVALUATION_CRITERIA_2023,
    } | kw


def test_create_with_awards_and_pass_mark(make, api):
    admin = make.admin()
    awards = [AWARD, {"code": "oa", "label": "Outstanding Achievement", "group": "umum", "size": 3}]
    resp = api(admin).post(f"{A}/competitions", json=payload(extra_awards=awards, pass_mark=85))
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["extra_awards"] == awards
    assert body["pass_mark"] == 85
    shown = api(admin).get(f"{A}/competitions/{body['id']}").get_json()
    assert shown["extra_awards"] == awards and shown["pass_mark"] == 85


@pytest.mark.parametrize(
    "award, field",
    [
        (AWARD | {"group": "khusus"}, "extra_awards.0.group"),
        (AWARD | {"code": "final"}, "extra_awards.0.code"),
        (AWARD | {"code": "Top-5"}, "extra_awards.0.code"),
        (AWARD | {"code": "a_code_that_is_too_long"}, "extra_awards"),
        (AWARD | {"label": "   "}, "extra_awards.0.label"),
        (AWARD | {"label": "x" * 201}, "extra_awards"),
        (AWARD | {"size": 0}, "extra_awards"),
        (AWARD | {"size": 10**12}, "extra_awards"),
    ],
)
def test_bad_award_is_refused_and_nothing_created(make, api, award, field):
    admin = make.admin()
    before = count(Competition)
    resp = api(admin).post(f"{A}/competitions", json=payload(extra_awards=[award]))
    body = assert_problem(resp, 422, "validation_error")
    assert any(k == field or k.startswith(field) for k in body["errors"]), body["errors"]
    assert count(Competition) == before and count(ExtraAward) == 0


def test_duplicate_codes_and_bad_pass_marks(make, api):
    admin = make.admin()
    dup = api(admin).post(f"{A}/competitions", json=payload(extra_awards=[AWARD, AWARD]))
    assert "extra_awards.1.code" in assert_problem(dup, 422, "validation_error")["errors"]
    for mark in (-1, 100.5, 85.123, "abc", True):
        resp = api(admin).post(f"{A}/competitions", json=payload(pass_mark=mark))
        assert "pass_mark" in assert_problem(resp, 422, "validation_error")["errors"], mark
    assert count(Competition) == 0


def test_patch_changes_awards_with_an_audit_event_then_freezes(make, api):
    admin = make.admin()
    comp = make.competition(stage="evaluation")
    url = f"{A}/competitions/{comp.id}"
    ok = api(admin).patch(url, json={"extra_awards": [AWARD], "pass_mark": 80.5})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["extra_awards"] == [AWARD] and ok.get_json()["pass_mark"] == 80.5
    assert count(AuditEvent, AuditEvent.action == "competition.awards") == 1
    bad = api(admin).patch(url, json={"extra_awards": [AWARD | {"group": "nope"}]})
    assert "extra_awards.0.group" in assert_problem(bad, 422)["errors"]
    set_stage(comp, "shortlist")
    late_mark = api(admin).patch(url, json={"pass_mark": 70})
    assert_problem(late_mark, 409, "invalid_stage")
    same = api(admin).patch(url, json={"pass_mark": 80.5, "extra_awards": [AWARD]})
    assert same.status_code == 200, same.get_json()
    set_stage(comp, "final")
    late = api(admin).patch(url, json={"extra_awards": [AWARD | {"size": 5}]})
    assert_problem(late, 409, "invalid_stage")
    c = reload(Competition, comp.id)
    assert [a.definition() for a in c.extra_awards] == [AWARD]
    assert str(c.pass_mark) == "80.50"


def test_groups_change_keeps_awards_pointing_at_a_group(make, api):
    admin = make.admin()
    comp = make.competition(stage="draft", extra_awards=[AWARD])
    url = f"{A}/competitions/{comp.id}"
    resp = api(admin).patch(
        url, json={"groups": {"umum": {"quota": 10, "min_implementation_years": 2}}}
    )
    assert "extra_awards.0.group" in assert_problem(resp, 422)["errors"]
    assert {g.code for g in reload(Competition, comp.id).groups} == {"umum", "replikasi"}
