"""The audit chain's head row: verification compares it with the last event of the chain.

An event that is correctly linked and correctly hashed but was written behind the service's
back (so the head was not moved) must fail verification, as must a head that claims events
the table does not hold.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from kipp.audit import chain
from kipp.extensions import db
from kipp.models import AuditEvent, AuditHead


def append_behind_the_head(chain_name: str, competition_id: int | None) -> AuditEvent:
    """Insert the next event of the chain, linked and hashed exactly as `record` would, but
    without touching the chain's head row."""
    last = db.session.scalar(
        select(AuditEvent).where(AuditEvent.chain == chain_name).order_by(AuditEvent.seq.desc())
    )
    event = AuditEvent(
        chain=chain_name,
        competition_id=competition_id,
        seq=last.seq + 1,
        at=datetime.now(UTC),
        actor="intruder@example.id",
        action="entry.screen",
        object="entry:1",
        before=None,
        after={"status": "eligible"},
        prev_hash=last.hash,
    )
    event.hash = chain.compute_hash(last.hash, chain.event_body(event))
    db.session.add(event)
    db.session.commit()
    return event


def head_of(chain_name: str) -> tuple[int, str]:
    db.session.expire_all()
    head = db.session.get(AuditHead, chain_name)
    return head.seq, head.hash


def test_service_appends_keep_head_and_chain_in_step(make):
    comp = make.competition(stage="draft")
    for _ in range(3):
        chain.record(None, "competition.update", f"competition:{comp.id}", competition_id=comp.id)
    db.session.commit()
    last = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.chain == chain.chain_for(comp.id))
        .order_by(AuditEvent.seq.desc())
    )
    assert head_of(chain.chain_for(comp.id)) == (4, last.hash)
    assert chain.verify(comp.id) == {"ok": True, "events": 4}


def test_correctly_chained_event_appended_without_moving_the_head_is_detected(make, api):
    comp = make.competition(stage="draft")
    name = chain.chain_for(comp.id)
    before = head_of(name)
    forged = append_behind_the_head(name, comp.id)
    # The forged event is a perfect link: only the head betrays it.
    assert forged.prev_hash == before[1]
    assert forged.hash == chain.compute_hash(forged.prev_hash, chain.event_body(forged))
    assert head_of(name) == before
    assert chain.verify(comp.id) == {"ok": False, "first_bad_seq": 2}
    resp = api(make.admin()).get(f"/api/v1/competitions/{comp.id}/audit/verify")
    assert resp.status_code == 200
    assert resp.get_json() == {"ok": False, "first_bad_seq": 2}


def test_event_appended_to_the_global_chain_without_moving_the_head_is_detected(make):
    make.admin()  # user.create opens the global chain
    assert chain.verify(None)["ok"] is True
    append_behind_the_head(chain.GLOBAL, None)
    assert chain.verify(None) == {"ok": False, "first_bad_seq": 2}


def test_head_claiming_more_events_than_the_chain_holds_is_detected(make):
    """What a deleted tail looks like (the database refuses DELETE, so move the head instead)."""
    comp = make.competition(stage="draft")
    name = chain.chain_for(comp.id)
    chain.record(None, "competition.update", f"competition:{comp.id}", competition_id=comp.id)
    db.session.commit()
    db.session.execute(
        update(AuditHead).where(AuditHead.chain == name).values(seq=3, hash="a" * 64)
    )
    db.session.commit()
    assert chain.verify(comp.id) == {"ok": False, "first_bad_seq": 3}
