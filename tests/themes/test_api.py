"""API v1.1 § Themes and data that stays true: themes, entries' theme, profiles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from kipp.models import AuditEvent, Entry
from kipp.models.themes import InnovationProfile, InnovationProfileVersion, Theme
from tests.helpers import assert_problem, count, race, token_for


def test_themes_list_in_the_callers_language(api, w):
    user = api(w.owner)
    en = user.get("/api/v1/themes").get_json()["items"]
    assert {"code": "health", "label": "Health"} in en
    idn = user.get("/api/v1/themes", headers={"Accept-Language": "id"}).get_json()["items"]
    assert {"code": "health", "label": "Kesehatan"} in idn
    assert [i["label"] for i in idn] == sorted((i["label"] for i in idn), key=str.casefold)
    assert_problem(api().get("/api/v1/themes"), 401, "unauthenticated")


def test_public_themes_are_anonymous_and_cacheable(api, w):
    resp = api().get("/api/v1/public/themes")
    assert resp.status_code == 200
    assert "public" in resp.headers["Cache-Control"]
    assert {"code": "education", "label": "Education"} in resp.get_json()["items"]
    again = api().get("/api/v1/public/themes", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_admin_adds_a_theme_once(api, w):
    admin = api(w.admin)
    body = {"code": "tourism", "label_id": "Pariwisata", "label_en": "Tourism"}
    resp = admin.post("/api/v1/themes", json=body)
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"code": "tourism", "label": "Tourism"}
    assert count(AuditEvent, AuditEvent.action == "theme.create") == 1
    assert_problem(admin.post("/api/v1/themes", json=body), 409, "conflict")
    assert count(Theme, Theme.code == "tourism") == 1


def test_theme_input_is_validated_and_only_admins_add(api, w):
    admin = api(w.admin)
    for bad in (
        {"code": "Bad Code", "label_id": "x", "label_en": "y"},
        {"code": "ok_code", "label_id": "  ", "label_en": "y"},
        {"code": "x" * 41, "label_id": "x", "label_en": "y"},
        {"code": "ok_code", "label_id": "x"},
    ):
        problem = assert_problem(admin.post("/api/v1/themes", json=bad), 422, "validation_error")
        assert problem["errors"]
    good = {"code": "ok_code", "label_id": "x", "label_en": "y"}
    assert_problem(api(w.owner).post("/api/v1/themes", json=good), 403, "forbidden")
    assert count(Theme, Theme.code == "ok_code") == 0


def test_entries_carry_a_known_theme(api, w, make):
    agency = api(w.owner)
    url = f"/api/v1/competitions/{w.draft_comp.id}/entries"
    bad = agency.post(url, json={"title": "Baru", "group": "umum", "theme": "nope"})
    problem = assert_problem(bad, 422, "validation_error")
    assert "theme" in problem["errors"]
    resp = agency.post(url, json={"title": "Baru", "group": "umum", "theme": "health"})
    assert resp.status_code == 201, resp.get_json()
    entry = resp.get_json()
    assert entry["theme"] == "health"
    patched = agency.patch(
        f"/api/v1/entries/{entry['id']}", json={"theme": "education", "version": entry["version"]}
    )
    assert patched.status_code == 200, patched.get_json()
    assert agency.get(f"/api/v1/entries/{entry['id']}").get_json()["theme"] == "education"
    refused = agency.patch(f"/api/v1/entries/{entry['id']}", json={"theme": "nope"})
    assert_problem(refused, 422, "validation_error")
    assert count(Entry, Entry.theme == "education") == 2  # `other` and this one


def test_profile_is_versioned_audited_and_kept(api, w):
    agency = api(w.owner)
    url = f"/api/v1/entries/{w.pub.id}/profile"
    first = agency.get(url).get_json()
    assert first["version"] == 0 and first["validated_at"] is None and first["stale"]
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    with time_machine.travel(at, tick=False):
        resp = agency.put(
            url,
            json={"status": "running", "impact": "12.000 warga", "links": ["https://a.id/x"]},
        )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["version"] == 1 and body["status"] == "running"
    assert datetime.fromisoformat(body["validated_at"]) == at
    assert body["links"] == ["https://a.id/x"]
    second = agency.put(url, json={"status": "stopped", "version": 1}).get_json()
    assert second["version"] == 2 and second["impact"] == "12.000 warga"  # kept when left out
    stale = agency.put(url, json={"status": "running", "version": 1})
    assert assert_problem(stale, 409, "stale_version")["current_version"] == 2
    assert agency.get(url).get_json()["status"] == "stopped"
    assert count(InnovationProfileVersion, InnovationProfileVersion.entry_id == w.pub.id) == 2
    assert count(AuditEvent, AuditEvent.action == "profile.validate") == 2


def test_profile_input_is_validated(api, w):
    agency = api(w.owner)
    url = f"/api/v1/entries/{w.pub.id}/profile"
    for bad in (
        {"status": "paused"},
        {},
        {"status": "running", "links": ["javascript:alert(1)"]},
        {"status": "running", "links": ["https://a.id"] * 21},
        {"status": "running", "impact": "x" * 5001},
    ):
        assert_problem(agency.put(url, json=bad), 422, "validation_error")
    assert count(InnovationProfile) == 0
    assert count(AuditEvent, AuditEvent.action == "profile.validate") == 0


def test_profile_permissions(api, w):
    body = {"status": "running"}
    assert_problem(api().put(f"/api/v1/entries/{w.pub.id}/profile", json=body), 401)
    assert_problem(api(w.stranger).put(f"/api/v1/entries/{w.pub.id}/profile", json=body), 403)
    assert_problem(api(w.admin).put(f"/api/v1/entries/{w.pub.id}/profile", json=body), 403)
    # Not in the directory: the owner is told why; others do not learn it exists.
    hidden = f"/api/v1/entries/{w.hidden.id}/profile"
    assert_problem(api(w.owner).put(hidden, json=body), 409, "invalid_stage")
    assert_problem(api(w.stranger).get(hidden), 404, "not_found")
    assert api(w.stranger).get(f"/api/v1/entries/{w.pub.id}/profile").status_code == 200
    assert count(InnovationProfile) == 0


def test_concurrent_saves_of_one_version_keep_one(app, w):
    token = token_for(app.test_client(), w.owner)
    url = f"/api/v1/entries/{w.pub.id}/profile"
    body = {"status": "running", "version": 0}
    results = race(app, [(token, "PUT", url, body), (token, "PUT", url, body)])
    assert sorted(status for status, _ in results) == [200, 409], results
    assert count(InnovationProfileVersion) == 1
