def test_competition_entry_submit_screen_flow(make, api):
    admin = make.admin()
    agency_user = make.user("agency")
    a = api(admin)
    body = {
        "name": "KIPP 2026",
        "year": 2026,
        "submission_opens_at": "2026-01-01T00:00:00+07:00",
        "submission_closes_at": "2099-01-01T00:00:00",
        "criteria": [
            {"code": "signifikansi", "name": "Signifikansi", "weight": 60},
            {"code": "kebaruan", "name": "Kebaruan", "weight": 40, "word_limit": 5},
        ],
    }
    r = a.post("/api/v1/competitions", json=body)
    assert r.status_code == 201, r.get_json()
    comp = r.get_json()
    assert comp["stage"] == "draft"
    assert comp["submission_closes_at"] == "2099-01-01T00:00:00+07:00"
    r = a.post(f"/api/v1/competitions/{comp['id']}/stage", json={"to": "submission"})
    assert r.status_code == 200, r.get_json()
    g = api(agency_user)
    r = g.post(
        f"/api/v1/competitions/{comp['id']}/entries",
        json={
            "title": "Inovasi A",
            "group": "umum",
            "summary": "x",
            "answers": {"signifikansi": "a", "kebaruan": "satu dua tiga empat lima enam"},
            "started_on": "2020-01-01",
        },
    )
    assert r.status_code == 422
    assert r.content_type == "application/problem+json"
    assert "answers.kebaruan" in r.get_json()["errors"]
    r = g.post(
        f"/api/v1/competitions/{comp['id']}/entries",
        json={
            "title": "Inovasi A",
            "group": "umum",
            "summary": "x",
            "answers": {"signifikansi": "a", "kebaruan": "b"},
            "started_on": "2020-01-01",
        },
    )
    assert r.status_code == 201, r.get_json()
    entry = r.get_json()
    assert entry["missing"] == []
    r = g.post(f"/api/v1/entries/{entry['id']}/submit")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "submitted"
    r = a.post(f"/api/v1/competitions/{comp['id']}/stage", json={"to": "screening"})
    assert r.status_code == 200
    r = a.post(f"/api/v1/competitions/{comp['id']}/stage", json={"to": "evaluation"})
    assert r.status_code == 409 and r.get_json()["code"] == "invalid_stage"
    r = a.post(f"/api/v1/entries/{entry['id']}/screening", json={"decision": "fail"})
    assert r.status_code == 422
    r = a.post(
        f"/api/v1/entries/{entry['id']}/screening",
        json={"decision": "fail", "reason_codes": ["off_theme"]},
    )
    assert r.status_code == 200 and r.get_json()["status"] == "ineligible"
    r = a.get(f"/api/v1/competitions/{comp['id']}/audit/verify")
    assert r.get_json()["ok"] is True and r.get_json()["events"] >= 5
