"""API v1.1 § Competition rules, role `drafter`, through /api/v1: a drafter creates and edits
its own drafts and their attachments, never submits (403 `forbidden`, nothing changed) and
never sees other drafters' or the agency's other entries (404); the agency account sees every
draft with `drafted_by` and submits within its quotas."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Attachment, AuditEvent, Entry
from tests.helpers import assert_problem, pdf_bytes

A = "/api/v1"


def state() -> tuple:
    db.session.expire_all()
    rows = db.session.execute(select(Entry.id, Entry.status, Entry.title, Entry.version)).all()
    counts = [
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Entry, Attachment, AuditEvent)
    ]
    return sorted(rows), counts


def test_a_drafter_creates_entries_drafted_by_itself(drafting, api):
    entry, first = drafting["first_entry"], drafting["first"]
    assert entry.drafted_by_id == first.id
    assert entry.agency_id == drafting["owner"].agency_id
    body = api(first).get(f"{A}/entries/{entry.id}").get_json()
    assert body["drafted_by"] == first.id and body["drafted_by_name"] == first.name
    assert body["status"] == "draft"


def test_a_drafter_edits_and_attaches_to_its_own_draft(drafting, api):
    entry, client = drafting["first_entry"], api(drafting["first"])
    resp = client.patch(
        f"{A}/entries/{entry.id}", json={"title": "Judul Baru", "version": entry.version}
    )
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["title"] == "Judul Baru"
    resp = client.post(
        f"{A}/entries/{entry.id}/attachments",
        data={"kind": "decree", "file": (io.BytesIO(pdf_bytes()), "sk.pdf")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    att_id = resp.get_json()["id"]
    assert client.get(f"{A}/attachments/{att_id}").status_code == 200
    assert client.delete(f"{A}/attachments/{att_id}").status_code == 204


def test_a_drafters_submit_is_forbidden_and_changes_nothing(drafting, api):
    entry, client = drafting["first_entry"], api(drafting["first"])
    before = state()
    body = assert_problem(client.post(f"{A}/entries/{entry.id}/submit"), 403, "forbidden")
    assert "agency" in body["detail"]
    assert state() == before
    db.session.refresh(entry)
    assert entry.status == "draft" and entry.submitted_at is None


def test_a_drafter_does_not_see_other_drafters_or_the_agencys_entries(drafting, api):
    client = api(drafting["first"])
    hidden = [drafting["second_entry"], drafting["agency_entry"]]
    before = state()
    for entry in hidden:
        assert_problem(client.get(f"{A}/entries/{entry.id}"), 404, "not_found")
        resp = client.patch(f"{A}/entries/{entry.id}", json={"title": "X", "version": 1})
        assert_problem(resp, 404, "not_found")
        assert_problem(client.post(f"{A}/entries/{entry.id}/submit"), 404, "not_found")
        resp = client.post(
            f"{A}/entries/{entry.id}/attachments",
            data={"kind": "decree", "file": (io.BytesIO(pdf_bytes()), "sk.pdf")},
            content_type="multipart/form-data",
        )
        assert_problem(resp, 404, "not_found")
        assert_problem(client.get(f"{A}/entries/{entry.id}/certificate"), 404, "not_found")
    assert state() == before
    listed = client.get(f"{A}/competitions/{drafting['comp'].id}/entries").get_json()
    assert [e["id"] for e in listed["items"]] == [drafting["first_entry"].id]
    assert listed["total"] == 1


def test_a_drafter_of_another_agency_sees_nothing_of_this_one(drafting, api, make):
    stranger = make.user("drafter", agency=drafting["other"].agency)
    client = api(stranger)
    assert_problem(client.get(f"{A}/entries/{drafting['first_entry'].id}"), 404, "not_found")
    listed = client.get(f"{A}/competitions/{drafting['comp'].id}/entries").get_json()
    assert listed["items"] == [] and listed["total"] == 0


def test_the_agency_sees_every_draft_with_who_drafted_it_and_submits(drafting, api):
    owner = drafting["owner"]
    client = api(owner)
    listed = client.get(f"{A}/competitions/{drafting['comp'].id}/entries").get_json()
    drafted = {e["id"]: e["drafted_by"] for e in listed["items"]}
    assert drafted == {
        drafting["first_entry"].id: drafting["first"].id,
        drafting["second_entry"].id: drafting["second"].id,
        drafting["agency_entry"].id: owner.id,
    }
    resp = client.post(f"{A}/entries/{drafting['first_entry'].id}/submit")
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "submitted"
    # Once submitted the drafter still reads it (its own work), and can no longer change it.
    drafter = api(drafting["first"])
    entry_id = drafting["first_entry"].id
    assert drafter.get(f"{A}/entries/{entry_id}").get_json()["status"] == "submitted"
    resp = drafter.patch(f"{A}/entries/{entry_id}", json={"title": "X", "version": 99})
    assert_problem(resp, 409, "locked")


def test_the_agency_quota_counts_drafts_of_every_drafter(drafting, api, make):
    comp = drafting["comp"]
    group = comp.group("umum")
    group.quota = 1
    db.session.commit()
    client = api(drafting["owner"])
    assert client.post(f"{A}/entries/{drafting['first_entry'].id}/submit").status_code == 200
    before = state()
    resp = client.post(f"{A}/entries/{drafting['second_entry'].id}/submit")
    assert_problem(resp, 409, "quota_exceeded")
    assert state() == before


def test_reviewers_do_not_learn_who_drafted(drafting, api, make):
    admin = make.admin()
    body = api(admin).get(f"{A}/entries/{drafting['first_entry'].id}").get_json()
    assert body["drafted_by"] == drafting["first"].id
    from kipp.api.serializers import drafted_by

    evaluator = make.user("evaluator")
    assert drafted_by(drafting["first_entry"], evaluator) == {
        "drafted_by": None,
        "drafted_by_name": None,
    }


def test_a_drafter_cannot_use_the_agencys_drafters_api(drafting, api):
    client = api(drafting["first"])
    assert_problem(client.get(f"{A}/agency/drafters"), 403, "forbidden")
    resp = client.post(f"{A}/agency/drafters", json={"email": "x@example.id", "name": "X"})
    assert_problem(resp, 403, "forbidden")
