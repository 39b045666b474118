"""Append to and verify the hash-chained audit log.

Guarantees: events of one chain have gap-free `seq` 1..n; each `hash` is
`sha256(prev_hash + canonical_json(event))` where the event is
`{seq, at, actor, action, object, before, after}`; appending takes a row lock on the chain's
head (PostgreSQL `FOR UPDATE`; SQLite serialises writers), so concurrent writers never fork it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import JSON, Integer, LargeBinary, String, bindparam, select, text
from sqlalchemy.orm import make_transient_to_detached

from kipp.canonical import canonical_json
from kipp.clock import now
from kipp.extensions import db
from kipp.models import AuditEvent, AuditHead, User
from kipp.models.audit import GENESIS
from kipp.models.types import UTCDateTime

GLOBAL = "global"


def chain_for(competition_id: int | None) -> str:
    return GLOBAL if competition_id is None else f"competition:{competition_id}"


def canonical(data: Any) -> str:
    return canonical_json(data, default=str)


def event_body(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object": event.object,
        "before": event.before,
        "after": event.after,
    }


def compute_hash(prev_hash: str, body: dict) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode()).hexdigest()


def _jsonable(value: dict | None) -> dict | None:
    return None if value is None else json.loads(canonical(value))


# On PostgreSQL one statement appends: it locks the head row (FOR UPDATE), moves it on and
# inserts the event, hashing on the server `prev_hash + canonical_json(event)`. The canonical
# text is sent with the seq left out: `seq` is the last of the event's keys in sorted order, so
# the text is that prefix, the seq and "}". One round trip instead of three, so the head's lock
# is held for the shortest time (from this statement to the commit) by every writer.
APPEND = text(
    """
WITH old AS (
    SELECT seq, hash FROM audit_heads WHERE chain = :chain FOR UPDATE
), head AS (
    UPDATE audit_heads
    SET seq = old.seq + 1,
        hash = encode(sha256(convert_to(old.hash, 'UTF8') || :body
                             || convert_to((old.seq + 1)::text || '}', 'UTF8')), 'hex')
    FROM old
    WHERE audit_heads.chain = :chain
    RETURNING audit_heads.seq, audit_heads.hash, old.hash AS prev_hash
)
INSERT INTO audit_events
    (chain, competition_id, seq, at, actor_id, actor, action, object, before, after,
     prev_hash, hash)
SELECT :chain, :competition_id, head.seq, :at, :actor_id, :actor, :action, :object, :before,
       :after, head.prev_hash, head.hash
FROM head
RETURNING id, seq, prev_hash, hash
"""
).bindparams(
    bindparam("chain", type_=String()),
    bindparam("body", type_=LargeBinary()),
    bindparam("competition_id", type_=Integer()),
    bindparam("at", type_=UTCDateTime()),
    bindparam("actor_id", type_=Integer()),
    bindparam("actor", type_=String()),
    bindparam("action", type_=String()),
    bindparam("object", type_=String()),
    bindparam("before", type_=JSON()),
    bindparam("after", type_=JSON()),
)
assert max(k for k in ("at", "actor", "action", "object", "before", "after")) < "seq"


def _append_in_one_statement(values: dict) -> AuditEvent | None:
    """PostgreSQL: append the event with APPEND; None when the chain has no head row yet."""
    body = {k: values[k] for k in ("action", "actor", "after", "at", "before", "object")}
    body["at"] = body["at"].isoformat()
    prefix = canonical(body)[:-1] + ',"seq":'
    row = db.session.execute(APPEND, values | {"body": prefix.encode()}).one_or_none()
    if row is None:
        return None
    event = AuditEvent(**values, id=row.id, seq=row.seq, prev_hash=row.prev_hash, hash=row.hash)
    if compute_hash(row.prev_hash, event_body(event)) != row.hash:  # never: same text hashed
        raise RuntimeError("the audit event's hash computed by the database differs")
    make_transient_to_detached(event)
    db.session.add(event)  # persistent as written, no further INSERT
    head = db.session.identity_map.get(db.session.identity_key(AuditHead, values["chain"]))
    if head is not None:
        db.session.expire(head)  # moved by the statement
    return event


def record(
    actor: User | None,
    action: str,
    obj: str,
    *,
    competition_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the competition's chain (or the global one) and flush."""
    chain = chain_for(competition_id)
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        values = {
            "chain": chain,
            "competition_id": competition_id,
            "at": now(),
            "actor_id": actor.id if actor else None,
            "actor": f"{actor.email}" if actor else "system",
            "action": action,
            "object": obj,
            "before": _jsonable(before),
            "after": _jsonable(after),
        }
        event = _append_in_one_statement(values)
        if event is not None:
            return event
    head = db.session.execute(
        select(AuditHead).where(AuditHead.chain == chain).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(chain=chain, seq=0, hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    event = AuditEvent(
        chain=chain,
        competition_id=competition_id,
        seq=head.seq + 1,
        at=now(),
        actor_id=actor.id if actor else None,
        actor=f"{actor.email}" if actor else "system",
        action=action,
        object=obj,
        before=_jsonable(before),
        after=_jsonable(after),
        prev_hash=head.hash,
    )
    event.hash = compute_hash(head.hash, event_body(event))
    head.seq, head.hash = event.seq, event.hash
    db.session.add(event)
    db.session.flush()
    return event


def verify(competition_id: int | None) -> dict:
    """Recompute the chain: `{"ok": True, "events": n}` or `{"ok": False, "first_bad_seq": k}`.

    A missing seq, a changed field or a broken link all make the first affected event bad.
    """
    chain = chain_for(competition_id)
    rows = db.session.scalars(
        select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    )
    prev, expected_seq, count = GENESIS, 1, 0
    for event in rows:
        if (
            event.seq != expected_seq
            or event.prev_hash != prev
            or compute_hash(prev, event_body(event)) != event.hash
        ):
            return {"ok": False, "first_bad_seq": expected_seq}
        prev, expected_seq, count = event.hash, expected_seq + 1, count + 1
    # The head row records the last event written; a valid-looking event appended behind the
    # service's back, or a deleted tail, shows up as a mismatch here.
    head = db.session.get(AuditHead, chain)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if (head_seq, head_hash) != (count, prev):
        return {"ok": False, "first_bad_seq": min(count, head_seq) + 1}
    return {"ok": True, "events": count}


def serialize(event: AuditEvent, tz: str = "Asia/Jakarta") -> dict:
    from kipp.clock import local

    return {
        "seq": event.seq,
        "at": local(event.at, tz).isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object": event.object,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }
