"""API contract § Audit: every state change appends a hash-chained event; chains verify."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from kipp.audit import chain
from kipp.extensions import db
from kipp.models import AuditEvent, AuditHead
from tests.helpers import assert_problem, pdf_bytes

EVENT_KEYS = {"seq", "at", "actor", "action", "object", "before", "after", "prev_hash", "hash"}


def actions(chain_name: str) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.chain == chain_name).order_by(AuditEvent.seq)
        )
    )


def event_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def external_hash(event: dict) -> str:
    """Recompute an event's hash from the API's JSON alone, as an outside auditor would.

    The hashed `at` is the UTC ISO form of the instant; the API shows it in local time.
    """
    body = {k: event[k] for k in ("seq", "actor", "action", "object", "before", "after")}
    body["at"] = datetime.fromisoformat(event["at"]).astimezone(UTC).isoformat()
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((event["prev_hash"] + canonical).encode()).hexdigest()


@pytest.fixture
def flow(make, api):
    """Drive one competition through the API: every write that the contract audits."""
    admin = make.admin()
    a = api(admin)
    comp = a.post(
        "/api/v1/competitions",
        json={
            "name": "KIPP 2026",
            "year": 2026,
            "submission_opens_at": "2026-01-01T00:00:00",
            "submission_closes_at": "2099-01-01T00:00:00",
            "criteria": [{"code": "signifikansi", "name": "Signifikansi", "weight": 100}],
        },
    ).get_json()
    cid = comp["id"]
    assert (
        a.patch(f"/api/v1/competitions/{cid}", json={"name": "KIPP 2026 (revisi)"}).status_code
        == 200
    )
    assert a.post(f"/api/v1/competitions/{cid}/stage", json={"to": "submission"}).status_code == 200
    owner = make.user("agency")
    g = api(owner)
    entry = g.post(
        f"/api/v1/competitions/{cid}/entries",
        json={
            "title": "Inovasi",
            "group": "umum",
            "summary": "Ringkasan",
            "answers": {"signifikansi": "Besar"},
            "started_on": "2019-05-01",
        },
    ).get_json()
    eid = entry["id"]
    assert g.patch(f"/api/v1/entries/{eid}", json={"title": "Inovasi Baru"}).status_code == 200
    att = g.post(
        f"/api/v1/entries/{eid}/attachments",
        data={"kind": "evidence", "file": (io.BytesIO(pdf_bytes()), "bukti.pdf")},
        content_type="multipart/form-data",
    ).get_json()
    assert g.delete(f"/api/v1/attachments/{att['id']}").status_code == 204
    assert g.post(f"/api/v1/entries/{eid}/submit").status_code == 200
    assert a.post(f"/api/v1/competitions/{cid}/stage", json={"to": "screening"}).status_code == 200
    resp = a.post(f"/api/v1/entries/{eid}/screening", json={"decision": "pass"})
    assert resp.status_code == 200
    return {"a": a, "admin": admin, "owner": owner, "cid": cid, "eid": eid}


def test_every_competition_state_change_is_audited(flow):
    assert actions(chain.chain_for(flow["cid"])) == [
        "competition.create",
        "competition.update",
        "competition.stage",
        "entry.create",
        "entry.update",
        "attachment.add",
        "attachment.delete",
        "entry.submit",
        "competition.stage",
        "entry.screen",
    ]


def test_events_name_actor_object_and_change(flow):
    items = flow["a"].get(f"/api/v1/competitions/{flow['cid']}/audit").get_json()["items"]
    assert all(set(e) == EVENT_KEYS for e in items)
    stage = next(e for e in items if e["action"] == "competition.stage")
    assert stage["actor"] == flow["admin"].email
    assert stage["object"] == f"competition:{flow['cid']}"
    assert stage["before"] == {"stage": "draft"}
    assert stage["after"]["stage"] == "submission"
    submit = next(e for e in items if e["action"] == "entry.submit")
    assert submit["actor"] == flow["owner"].email
    assert (submit["before"]["status"], submit["after"]["status"]) == ("draft", "submitted")
    assert all(e["at"].endswith("+07:00") for e in items)


def test_chain_links_and_hashes_are_checkable_from_outside(flow):
    body = flow["a"].get(f"/api/v1/competitions/{flow['cid']}/audit").get_json()
    items = body["items"]
    assert body["total"] == len(items) == 10
    assert [e["seq"] for e in items] == list(range(1, 11))
    assert items[0]["prev_hash"] == "0" * 64
    for prev, event in zip(items, items[1:], strict=False):
        assert event["prev_hash"] == prev["hash"]
    for event in items:
        assert external_hash(event) == event["hash"]
    head = db.session.get(AuditHead, chain.chain_for(flow["cid"]))
    assert (head.seq, head.hash) == (10, items[-1]["hash"])


def test_verify_ok(flow):
    resp = flow["a"].get(f"/api/v1/competitions/{flow['cid']}/audit/verify")
    assert resp.status_code == 200
    assert resp.get_json() == {"ok": True, "events": 10}


def test_account_events_form_the_global_chain(make, api):
    admin = make.admin()
    a = api(admin)
    agency = a.post(
        "/api/v1/agencies", json={"name": "Kota Malang", "kind": "kota", "province": "Jawa Timur"}
    ).get_json()
    user = a.post(
        "/api/v1/users",
        json={"email": "e@x.id", "name": "E", "role": "evaluator", "password": "long-password"},
    ).get_json()
    a.patch(f"/api/v1/users/{user['id']}", json={"role": "panelist"})
    a.patch(f"/api/v1/users/{user['id']}", json={"active": False})
    a.patch(f"/api/v1/users/{user['id']}", json={"password": "another-password"})
    a.post(f"/api/v1/users/{user['id']}/conflicts", json={"agency_id": agency["id"], "reason": "x"})
    a.delete("/api/v1/auth/tokens/current")
    assert actions(chain.GLOBAL) == [
        "user.create",  # the admin, by the factory
        "token.issue",
        "agency.create",
        "user.create",
        "user.role",
        "user.update",
        "user.password",
        "conflict.declare",
        "token.revoke",
    ]
    role_change = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.role"))
    assert (role_change.before["role"], role_change.after["role"]) == ("evaluator", "panelist")
    fresh = api(admin)
    body = fresh.get("/api/v1/audit").get_json()
    assert body["total"] == 10  # the new token is an event too
    assert all(set(e) == EVENT_KEYS for e in body["items"])
    assert fresh.get("/api/v1/audit/verify").get_json() == {"ok": True, "events": 10}
    # No competition chain was touched.
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.chain != chain.GLOBAL)
        )
        == 0
    )


def test_chains_are_separate_per_competition(make, api):
    first, second = make.competition(stage="draft"), make.competition(stage="draft")
    a = api(make.admin())
    a.post(f"/api/v1/competitions/{first.id}/stage", json={"to": "submission"})
    assert actions(chain.chain_for(first.id)) == ["competition.create", "competition.stage"]
    assert actions(chain.chain_for(second.id)) == ["competition.create"]
    assert a.get(f"/api/v1/competitions/{second.id}/audit").get_json()["total"] == 1


def test_rejected_writes_append_nothing(make, api):
    comp = make.competition(stage="draft")
    owner = make.user("agency")
    a, g = api(make.admin()), api(owner)
    before = event_count()
    a.post(f"/api/v1/competitions/{comp.id}/stage", json={"to": "screening"})
    a.patch(f"/api/v1/competitions/{comp.id}", json={"name": "x", "version": 999})
    g.post(f"/api/v1/competitions/{comp.id}/entries", json={"title": "t", "group": "umum"})
    a.post("/api/v1/users", json={"email": "bad", "name": "", "role": "x", "password": "1"})
    assert event_count() == before


# ------------------------------------------------------------------ tampering
def test_database_refuses_to_change_events(flow, subtests):
    before = actions(chain.chain_for(flow["cid"]))
    for statement in (
        "UPDATE audit_events SET action = 'nothing.happened'",
        "UPDATE audit_events SET hash = prev_hash WHERE seq = 3",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq = 10",
    ):
        with subtests.test(statement=statement):
            with pytest.raises(DBAPIError):
                db.session.execute(text(statement))
                db.session.flush()
            db.session.rollback()
            assert actions(chain.chain_for(flow["cid"])) == before
    assert chain.verify(flow["cid"]) == {"ok": True, "events": 10}


def forge(cid: int, seq: int, prev_hash: str, hash_: str | None = None, **fields) -> AuditEvent:
    body = {
        "chain": chain.chain_for(cid),
        "competition_id": cid,
        "seq": seq,
        "at": datetime.now(UTC),
        "actor": "intruder@example.id",
        "action": "entry.screen",
        "object": "entry:1",
        "before": None,
        "after": {"status": "eligible"},
        "prev_hash": prev_hash,
    } | fields
    event = AuditEvent(**body)
    event.hash = hash_ or chain.compute_hash(prev_hash, chain.event_body(event))
    db.session.add(event)
    db.session.commit()
    return event


def test_forged_event_with_a_wrong_hash_is_detected(flow):
    cid = flow["cid"]
    last = db.session.get(AuditHead, chain.chain_for(cid))
    forge(cid, 11, last.hash, hash_="f" * 64)
    resp = flow["a"].get(f"/api/v1/competitions/{cid}/audit/verify")
    assert resp.get_json() == {"ok": False, "first_bad_seq": 11}


def test_forged_event_with_a_broken_link_is_detected(flow):
    cid = flow["cid"]
    forge(cid, 11, "e" * 64)  # its own hash is consistent, its link is not
    assert chain.verify(cid) == {"ok": False, "first_bad_seq": 11}


def test_gap_in_the_sequence_is_detected(flow):
    cid = flow["cid"]
    last = db.session.get(AuditHead, chain.chain_for(cid))
    forge(cid, 12, last.hash)
    assert chain.verify(cid) == {"ok": False, "first_bad_seq": 11}


def test_rewritten_history_is_detected_at_the_first_changed_event(make):
    """A chain whose third event was altered after the fact (built row by row, since the
    database refuses UPDATE): verification points at seq 3 even though later links hold."""
    comp = make.competition(stage="draft")
    cid = comp.id
    other = make.competition(stage="draft")  # its own chain; unaffected
    first = db.session.scalar(
        select(AuditEvent).where(AuditEvent.chain == chain.chain_for(cid), AuditEvent.seq == 1)
    )
    e2 = forge(cid, 2, first.hash, action="competition.stage", after={"stage": "submission"})
    at = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
    honest = {"seq": 3, "at": at.isoformat(), "actor": "intruder@example.id"}
    honest |= {"action": "entry.screen", "object": "entry:1", "before": None}
    honest_hash = chain.compute_hash(e2.hash, honest | {"after": {"status": "ineligible"}})
    # Event 3 now claims "eligible" but keeps the hash computed over "ineligible".
    e3 = forge(cid, 3, e2.hash, hash_=honest_hash, at=at, after={"status": "eligible"})
    assert chain.compute_hash(e2.hash, chain.event_body(e3)) != honest_hash
    forge(cid, 4, e3.hash)
    assert chain.verify(cid) == {"ok": False, "first_bad_seq": 3}
    assert chain.verify(other.id) == {"ok": True, "events": 1}


def test_empty_chain_verifies(make, api):
    resp = api(make.admin()).get("/api/v1/audit/verify")
    assert resp.get_json()["ok"] is True


# -------------------------------------------------------------------- access
def test_who_reads_a_competition_audit(make, api, subtests):
    comp = make.competition()
    cases = [("admin", 200), ("chair", 200), ("evaluator", 403), ("panelist", 403), ("agency", 403)]
    for role, status in cases:
        client = api(make.user(role))
        for path in ("audit", "audit/verify"):
            with subtests.test(role=role, path=path):
                resp = client.get(f"/api/v1/competitions/{comp.id}/{path}")
                if status == 200:
                    assert resp.status_code == 200
                    assert resp.get_json()["total" if path == "audit" else "ok"]
                else:
                    assert_problem(resp, 403, "forbidden")


def test_global_audit_is_admin_only(make, api, subtests):
    for role in ("chair", "evaluator", "panelist", "agency"):
        with subtests.test(role=role):
            client = api(make.user(role))
            assert_problem(client.get("/api/v1/audit"), 403, "forbidden")
            assert_problem(client.get("/api/v1/audit/verify"), 403, "forbidden")


def test_audit_needs_login(make, api):
    comp = make.competition()
    assert_problem(api().get(f"/api/v1/competitions/{comp.id}/audit"), 401, "unauthenticated")
    assert_problem(api().get("/api/v1/audit"), 401, "unauthenticated")


def test_audit_of_unknown_competition_is_404(make, api):
    assert_problem(api(make.admin()).get("/api/v1/competitions/999/audit"), 404, "not_found")
