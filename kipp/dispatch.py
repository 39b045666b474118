"""Work handed to the workers only once the transaction that created it has committed.

A service that creates work for the workers (a document job today, a mail tomorrow) writes
its rows and calls `after_commit(send, *args)`; it never talks to the broker itself, and no
view or caller has to remember to send anything.

Guarantees
- Nothing registered here runs while the transaction is open: a rollback (a rejected request,
  a lost race) discards every pending call, so the broker never hears of rows that do not exist.
- After a successful commit of the session, pending calls run once, in registration order.
  They must not touch the database session (SQLAlchemy forbids SQL in `after_commit`), so a
  caller passes the ids it already knows (e.g. the job's item ids after its flush).
- A failing call is logged and never raised: the committed change stands and the rows stay
  the truth. For document jobs the workers' reconciler sends queued items whose pickup
  deadline passed, so a broker outage delays work and never loses it.
- Calls registered by one session never run for another (the list lives in the session's
  `info`), so concurrent requests and workers stay apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

PENDING = "kipp.after_commit"
log = logging.getLogger(__name__)


def after_commit(session: Session | scoped_session, fn: Callable[..., Any], *args: Any) -> None:
    """Run `fn(*args)` after `session`'s outermost transaction commits; forgotten if the
    transaction (or the savepoint) it was registered in rolls back first."""
    if isinstance(session, scoped_session):
        session = session()
    tx = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(PENDING, []).append((tx, fn, args))


def pending(session: Session | scoped_session) -> list[tuple[Callable[..., Any], tuple]]:
    """The calls waiting for the next commit (for tests and diagnostics)."""
    return [(fn, args) for _tx, fn, args in session.info.get(PENDING, ())]


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    if session.in_nested_transaction():
        # A released savepoint hands what it registered to the transaction around it.
        tx = session.get_nested_transaction()
        calls = session.info.get(PENDING, [])
        session.info[PENDING] = [(c[0].parent if c[0] is tx else c[0], *c[1:]) for c in calls]
        return
    for _tx, fn, args in session.info.pop(PENDING, []):
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - see "Guarantees": never undo a commit
            log.warning(
                "after-commit call %s%r failed: %s", getattr(fn, "__qualname__", fn), args, exc
            )


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(PENDING, None)
        return
    # A rolled-back savepoint drops only what was registered inside it.
    calls = session.info.get(PENDING, [])
    session.info[PENDING] = [c for c in calls if c[0] is not previous_transaction]
