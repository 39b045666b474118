"""GET /entries/{id}/flags and GET /competitions/{id}/entries?flag= (API v1.1 § flags)."""

from __future__ import annotations

from tests.helpers import assert_problem


def _items(api, user, entry):
    resp = api(user).get(f"/api/v1/entries/{entry.id}/flags")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["total"] == len(body["items"])
    return [
        (i["code"], i["other_entry_id"], i["other_year"], i["similarity"]) for i in body["items"]
    ]


def test_flags_of_each_entry(app, api, history):
    h, admin = history, history["admin"]
    assert _items(api, admin, h["winner_again"]) == [("previous_winner", h["won"].id, 2023, 1.0)]
    twice = _items(api, admin, h["twice"])
    assert [(c, i, y) for c, i, y, _ in twice] == [
        ("twice_shortlisted", h["s22"].id, 2022),
        ("twice_shortlisted", h["s24"].id, 2024),
        ("duplicate_title", h["b_once"].id, 2026),
    ]
    assert twice[0][3] == 1.0 and 0.6 <= twice[1][3] < 1.0
    # B's title resembles A's history, but history counts for the same agency only.
    assert _items(api, admin, h["b_once"]) == [("duplicate_title", h["twice"].id, 2026, 1.0)]
    assert _items(api, admin, h["dup1"]) == [("duplicate_title", h["dup2"].id, 2026, 1.0)]
    # A draft with the same title is the agency's private work: no duplicate.
    assert _items(api, admin, h["plain"]) == []


def test_only_the_secretariat_reads_flags(app, api, history, make):
    entry = history["winner_again"]
    url = f"/api/v1/entries/{entry.id}/flags"
    assert_problem(api(history["users"]["a"]).get(url), 403, "forbidden")
    assert_problem(api(history["users"]["b"]).get(url), 404, "not_found")
    assert_problem(api(make.user("evaluator")).get(url), 404, "not_found")
    assert_problem(api().get(url), 401, "unauthenticated")
    assert_problem(api(history["admin"]).get("/api/v1/entries/2147483647/flags"), 404)


def _listed(api, user, comp, **query):
    resp = api(user).get(f"/api/v1/competitions/{comp.id}/entries", query_string=query)
    return resp


def test_entries_filter_by_flag(app, api, history):
    h, admin = history, history["admin"]
    expected = {
        "previous_winner": {h["winner_again"].id},
        "twice_shortlisted": {h["twice"].id},
        "duplicate_title": {h["twice"].id, h["b_once"].id, h["dup1"].id, h["dup2"].id},
    }
    for code, ids in expected.items():
        resp = _listed(api, admin, h["comp"], flag=code)
        assert resp.status_code == 200
        body = resp.get_json()
        assert {e["id"] for e in body["items"]} == ids and body["total"] == len(ids), code
    both = _listed(api, admin, h["comp"], flag="duplicate_title", status="eligible").get_json()
    assert [e["id"] for e in both["items"]] == [h["dup2"].id]
    assert _listed(api, admin, h["comp"]).get_json()["total"] == 7


def test_flag_filter_refusals(app, api, history):
    h = history
    resp = _listed(api, h["admin"], h["comp"], flag="winner")
    assert "flag" in assert_problem(resp, 422, "validation_error")["errors"]
    resp = _listed(api, h["users"]["a"], h["comp"], flag="previous_winner")
    assert_problem(resp, 403, "forbidden")
