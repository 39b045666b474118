"""Appending to the audit chain: on PostgreSQL one statement locks the head, moves it and
inserts the event hashed on the server. The chain must stay exactly what `verify` recomputes
in Python: gap-free, linked, hashed over the canonical text (also for non-ASCII content), with
the head in step, under concurrent writers too."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.audit import chain
from kipp.extensions import db
from kipp.models import AuditEvent, AuditHead
from tests.helpers import race, token_for


def events_of(chain_name: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.chain == chain_name).order_by(AuditEvent.seq)
        )
    )


def test_appends_in_one_transaction_verify_before_and_after_the_commit(make):
    comp = make.competition(stage="draft")
    name = chain.chain_for(comp.id)
    texts = {"judul": "Inovasi Ñusantara — layanan “cepat” ✓", "angka": [1, 2.5, None]}
    obj = f"competition:{comp.id}"
    first = chain.record(None, "competition.update", obj, competition_id=comp.id, after=texts)
    second = chain.record(None, "competition.update", obj, competition_id=comp.id, before=texts)
    assert (first.seq, second.seq) == (2, 3)  # seq 1: the competition's creation
    assert second.prev_hash == first.hash
    assert chain.verify(comp.id) == {"ok": True, "events": 3}  # the head read in step
    db.session.commit()
    assert chain.verify(comp.id) == {"ok": True, "events": 3}
    stored = events_of(name)
    assert [e.seq for e in stored] == [1, 2, 3]
    assert (stored[1].hash, stored[1].after) == (first.hash, texts)
    head = db.session.get(AuditHead, name)
    assert (head.seq, head.hash) == (3, second.hash)


def test_first_event_of_a_chain_creates_its_head(make):
    comp = make.competition(stage="draft")
    assert events_of("global") == [] and db.session.get(AuditHead, "global") is None
    event = chain.record(None, "account.test", "user:0", after={"a": 1})
    again = chain.record(None, "account.test", "user:0", after={"a": 2})
    assert (event.seq, event.prev_hash, again.seq, again.prev_hash) == (
        1,
        chain.GENESIS,
        2,
        event.hash,
    )
    db.session.commit()
    assert chain.verify(None) == {"ok": True, "events": 2}
    assert comp.id  # the competition's own chain is untouched
    assert chain.verify(comp.id)["ok"]


def test_concurrent_writers_never_fork_the_chain(make, api, app, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    comp = make.competition(stage="submission")
    requests = []
    for n in range(8):
        owner = make.user("agency")
        entry = make.entry(comp, owner, title=f"Inovasi {n}")
        body = {"summary": f"Ringkasan {n} — ✓", "version": entry.version}
        token = token_for(app.test_client(), owner)
        requests.append((token, "PATCH", f"/api/v1/entries/{entry.id}", body))
    results = race(app, requests)
    assert [status for status, _body in results] == [200] * 8, results
    assert chain.verify(comp.id) == {"ok": True, "events": 1 + 8}
    seqs = [e.seq for e in events_of(chain.chain_for(comp.id))]
    assert seqs == list(range(1, 10))
