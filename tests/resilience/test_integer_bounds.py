"""Finding 9: no integer reaches the database unbounded.

Path ids beyond PostgreSQL's `integer` match no route (404, problem+json under /api/v1, an
HTML page elsewhere); body and query integers beyond their range answer 422 naming the field.
2**63 also overflows SQLite, so every check fails on both databases without the bounds.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers import assert_problem
from tests.services.judging_fixtures import assign, evaluation_setup

HUGE = (2**31, 2**63, 10**30)
_INT_ARG = re.compile(r"<int:([a-z_]+)>")


def int_rules(app, api: bool):
    for rule in app.url_map.iter_rules():
        if _INT_ARG.search(rule.rule) and rule.rule.startswith("/api/") == api:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule.rule


def with_ids(rule: str, value: int) -> str:
    return _INT_ARG.sub(str(value), rule)


def test_every_api_path_id_beyond_integer_is_not_found(app, make, api):
    admin = api(make.admin())
    rules = list(int_rules(app, api=True))
    assert len(rules) > 40
    for method, rule in rules:
        for value in HUGE:
            resp = admin.client.open(
                with_ids(rule, value), method=method, json={}, headers=admin._headers(None)
            )
            assert_problem(resp, 404, "not_found")
    # The largest integer is still an id: looked up, and not found.
    assert_problem(admin.get(f"/api/v1/entries/{2**31 - 1}"), 404, "not_found")


def test_every_page_path_id_beyond_integer_is_not_found(app, make, web_login):
    client = web_login(make.admin())
    rules = list(int_rules(app, api=False))
    assert len(rules) > 20
    for method, rule in rules:
        for value in HUGE:
            resp = client.open(with_ids(rule, value), method=method, data={})
            assert resp.status_code == 404, (method, rule, resp.status_code)
            assert resp.mimetype == "text/html"


@pytest.mark.parametrize("value", [2**31, 2**63, -(2**31) - 1])
def test_body_ids_out_of_range_name_the_field(app, make, api, value):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    admin = api(w.admin)
    cases = [
        (
            "/api/v1/assignments",
            {"entry_id": value, "user_id": w.reviewers[0].id, "round": "evaluation"},
            "entry_id",
        ),
        (
            "/api/v1/assignments",
            {"entry_id": w.entries[0].id, "user_id": value, "round": "evaluation"},
            "user_id",
        ),
        (
            "/api/v1/users",
            {
                "email": "x@example.id",
                "name": "X",
                "role": "evaluator",
                "password": "correct-horse-battery",
                "agency_id": value,
            },
            "agency_id",
        ),
        (
            f"/api/v1/users/{w.reviewers[0].id}/conflicts",
            {"agency_id": value, "reason": "Kerabat"},
            "agency_id",
        ),
    ]
    for url, body, field in cases:
        problem = assert_problem(admin.post(url, json=body), 422, "validation_error")
        assert field in problem["errors"], problem


def test_id_lists_out_of_range_name_the_field(app, make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1, stage="screening")
    admin = api(w.admin)
    resp = admin.post(
        f"/api/v1/competitions/{w.comp.id}/screening/bulk",
        json={"entry_ids": [2**63], "decision": "pass"},
    )
    assert "entry_ids" in assert_problem(resp, 422, "validation_error")["errors"]
    chair = api(make.user("chair"))
    resp = chair.post(
        f"/api/v1/competitions/{w.comp.id}/selections",
        json={"tier": "shortlist", "entry_ids": [2**63]},
    )
    assert "entry_ids" in assert_problem(resp, 422, "validation_error")["errors"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("page=2147483648", "page"),
        ("page=9223372036854775808", "page"),
        ("page=0", "page"),
        ("per_page=201", "per_page"),
        ("per_page=9223372036854775808", "per_page"),
        ("agency_id=9223372036854775808", "agency_id"),
    ],
)
def test_list_query_integers_out_of_range(app, make, api, query, field):
    comp = make.competition()
    resp = api(make.admin()).get(f"/api/v1/competitions/{comp.id}/entries?{query}")
    assert field in assert_problem(resp, 422, "validation_error")["errors"]


@pytest.mark.parametrize("field", ["page", "user_id", "entry_id", "competition_id"])
def test_assignment_list_query_integers_out_of_range(app, make, api, field):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    assign(w, w.entries[0], w.reviewers[0])
    resp = api(w.reviewers[0]).get(f"/api/v1/me/assignments?{field}={2**63}")
    assert field in assert_problem(resp, 422, "validation_error")["errors"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("shortlist_size", 2**31),
        ("final_size", 2**63),
        ("evaluators_per_entry", 2**31),
        ("version", 2**63),
        ("year", 2**63),
    ],
)
def test_competition_sizes_out_of_range(app, make, api, field, value):
    comp = make.competition(stage="draft")
    resp = api(make.admin()).patch(f"/api/v1/competitions/{comp.id}", json={field: value})
    assert field in assert_problem(resp, 422, "validation_error")["errors"]


def test_group_quota_and_word_limit_out_of_range(app, make, api):
    comp = make.competition(stage="draft")
    admin = api(make.admin())
    groups = {"umum": {"quota": 2**63, "min_implementation_years": 2**31}}
    resp = admin.patch(f"/api/v1/competitions/{comp.id}", json={"groups": groups})
    assert "groups" in assert_problem(resp, 422, "validation_error")["errors"]
    criteria = [{"code": "a", "name": "A", "weight": 100, "word_limit": 2**63}]
    resp = admin.patch(f"/api/v1/competitions/{comp.id}", json={"criteria": criteria})
    assert "criteria" in assert_problem(resp, 422, "validation_error")["errors"]


def test_entry_and_score_versions_out_of_range(app, make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    sheet = assign(w, w.entries[0], w.reviewers[0])
    resp = api(w.reviewers[0]).put(
        f"/api/v1/assignments/{sheet.id}/score", json={"values": {}, "version": 2**63}
    )
    assert "version" in assert_problem(resp, 422, "validation_error")["errors"]
    comp = make.competition()
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    resp = api(owner).patch(f"/api/v1/entries/{entry.id}", json={"version": 2**63})
    assert "version" in assert_problem(resp, 422, "validation_error")["errors"]


def test_auto_assign_sizes_out_of_range(app, make, api):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    resp = api(w.admin).post(
        f"/api/v1/competitions/{w.comp.id}/assignments/auto",
        json={"round": "evaluation", "per_entry": 2**63, "max_load": 2**31},
    )
    errors = assert_problem(resp, 422, "validation_error")["errors"]
    assert {"per_entry", "max_load"} <= set(errors)


# ------------------------------------------------------------------ web pages
BIG = str(2**63)


@pytest.mark.parametrize("url", ["/admin/users", "/admin/agencies", "/admin/audit"])
def test_admin_list_pages_clamp_a_huge_page(app, make, web_login, url):
    client = web_login(make.admin())
    resp = client.get(f"{url}?page={BIG}")
    assert resp.status_code == 200


def test_assignment_page_ignores_huge_filters_and_ids(app, make, web_login):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    client = web_login(w.admin)
    base = f"/admin/assignments/{w.comp.id}"
    assert client.get(f"{base}?round=evaluation&user_id={BIG}&page={BIG}").status_code == 200
    resp = client.post(f"{base}/manual?round=evaluation", data={"entry_id": BIG, "user_id": BIG})
    assert resp.status_code == 422
    resp = client.post(f"{base}/auto?round=evaluation", data={"per_entry": BIG, "max_load": BIG})
    assert resp.status_code == 422


def test_screening_bulk_refuses_a_huge_entry_id(app, make, web_login):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1, stage="screening")
    client = web_login(w.admin)
    resp = client.post(
        f"/admin/screening/{w.comp.id}/bulk", data={"entry_ids": [BIG], "decision": "pass"}
    )
    assert resp.status_code == 422
    assert "Unknown entry." in resp.get_data(as_text=True)  # the queue, with the field's error


def test_competition_form_refuses_huge_sizes(app, make, web_login):
    from kipp.extensions import db

    comp = make.competition(stage="draft")
    client = web_login(make.admin())
    page = client.get(f"/admin/competitions/{comp.id}/edit").get_data(as_text=True)
    assert 'name="shortlist_size"' in page
    data = {
        "name": comp.name,
        "year": "2026",
        "timezone": "Asia/Jakarta",
        "submission_opens_at": "2026-01-01T08:00",
        "submission_closes_at": "2026-03-01T08:00",
        "umum_quota": BIG,
        "umum_min_years": "2",
        "replikasi_quota": "5",
        "replikasi_min_years": "1",
        "shortlist_size": BIG,
        "final_size": "45",
        "evaluators_per_entry": BIG,
        "version": BIG,
    }
    resp = client.post(f"/admin/competitions/{comp.id}/edit", data=data)
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "at most 10000" in page and "at most 100." in page  # the form, with field errors
    db.session.expire_all()
    assert comp.shortlist_size == 99


def test_entry_editor_refuses_a_huge_version(app, make, web_login):
    comp = make.competition()
    owner = make.user("agency")
    entry = make.entry(comp, owner)
    client = web_login(owner)
    resp = client.post(f"/agency/entries/{entry.id}/edit", data={"title": "Judul", "version": BIG})
    assert resp.status_code == 422
