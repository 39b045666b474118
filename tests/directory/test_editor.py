"""The entry editor's directory fields and the replikasi rule."""

from __future__ import annotations

from kipp.entries.rules import submission_blockers
from kipp.extensions import db
from kipp.models import Entry
from tests.helpers import assert_problem


def test_replikasi_rule_accepts_a_directory_link():
    common = dict(
        title="t", summary="s", group="replikasi", answers={}, started_on=None, criteria=[]
    )
    common |= dict(group_min_years=0, closing_day=__import__("datetime").date(2026, 1, 1))
    missing = submission_blockers(replicates=None, **common)
    assert any(b.field == "replicates" for b in missing)
    linked = submission_blockers(replicates=None, replicates_entry_id=7, **common)
    assert not any(b.field == "replicates" for b in linked)


def test_api_links_only_a_public_innovation(world, make, api):
    comp = make.competition("submission", year=2027)
    user = world.users["pap"]
    draft = make.entry(comp, user, group="replikasi", replicates=None)
    client = api(user)
    url = f"/api/v1/entries/{draft.id}"
    for hidden in ("private", "pending", "dq"):
        body = assert_problem(
            client.patch(url, json={"replicates_entry_id": world.e[hidden].id}), 422
        )
        assert "replicates_entry_id" in body["errors"]
    resp = client.patch(
        url,
        json={
            "replicates_entry_id": world.e["final"].id,
            "replication_notes": "Adapted to a mountain district.",
            "public": True,
        },
    )
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["replicates_entry_id"] == world.e["final"].id and body["public"] is True
    assert not any(m["field"] == "replicates" for m in body["missing"])
    assert_problem(client.patch(url, json={"replication_notes": "x" * 2001}), 422)


def test_web_editor_saves_the_directory_fields(world, make, web_login):
    comp = make.competition("submission", year=2027)
    user = world.users["sby"]
    draft = make.entry(comp, user, group="replikasi", replicates=None)
    client = web_login(user)
    page = client.get(f"/agency/entries/{draft.id}/edit")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="replicates_entry_id"' in html and 'name="public"' in html
    assert "data-directory-picker" in html and "/api/v1/public/innovations" in html
    form = {
        "title": draft.title,
        "group": "replikasi",
        "summary": draft.summary,
        "replicates_entry_id": str(world.e["final"].id),
        "replication_notes": "Disesuaikan untuk kota pesisir.",
        "replication_type": "adaptasi",
        "public": "y",
        "version": str(draft.version),
    }
    form |= {f"ans_{code}": text for code, text in draft.answers.items()}
    resp = client.post(f"/agency/entries/{draft.id}/edit", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    db.session.expire_all()
    saved = db.session.get(Entry, draft.id)
    assert saved.public is True and saved.replicates_entry_id == world.e["final"].id
    assert saved.replication_notes == "Disesuaikan untuk kota pesisir."


def test_consent_may_be_given_after_the_award(world, api, client):
    private = world.e["private"]
    url = f"/api/v1/entries/{private.id}"
    owner = api(world.users["sby"])
    assert_problem(owner.patch(url, json={"public": True, "title": "Baru"}), 409)
    assert client.get(f"/api/v1/public/innovations/{private.id}").status_code == 404
    resp = owner.patch(url, json={"public": True})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["public"] is True
    assert client.get(f"/api/v1/public/innovations/{private.id}").status_code == 200
    assert_problem(api(world.users["jkt"]).patch(url, json={"public": False}), 404)
