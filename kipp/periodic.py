"""Periodic work that runs once across all workers, however many hosts run them.

Every worker runs the same reconciler thread (the brokers here have no beat). Before a pass
named `name` runs, `claim(name, every)` asks the database: it answers True to exactly one
caller per period, the one whose `UPDATE … SET due_at = now + every WHERE name = :name AND
due_at <= now` changed the row (an atomic compare-and-set on PostgreSQL and SQLite alike);
every other worker, on this host or another, is answered False until the period has passed.
The first claim of a name inserts its row; of two first claims at once one insert wins and
the other caller is answered False. A worker that dies during its pass delays the next run by
at most one period. `claim` commits its own small transaction, so call it outside other work.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from kipp.clock import now
from kipp.extensions import db
from kipp.models.periodic import PeriodicRun

T = TypeVar("T")


def claim(name: str, every: timedelta, worker: str = "") -> bool:
    """True when this caller may run the pass `name` now (see the module docstring)."""
    t = now()
    changed = db.session.execute(
        update(PeriodicRun)
        .where(PeriodicRun.name == name, PeriodicRun.due_at <= t)
        .values(due_at=t + every, started_at=t, worker=worker[:200] or None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        db.session.commit()
        return True
    if db.session.get(PeriodicRun, name) is not None:
        db.session.rollback()
        return False
    db.session.add(PeriodicRun(name=name, due_at=t + every, started_at=t, worker=worker or None))
    try:
        db.session.commit()
    except IntegrityError:  # another worker's first claim won
        db.session.rollback()
        return False
    return True


def run_claimed(name: str, every: timedelta, work: Callable[[], T]) -> T | None:
    """Run `work()` and commit if this caller wins the claim of `name` for `every` (see
    `claim`); None when another run is still within the period. A failure rolls back and is
    raised (the reconciler logs it); the next try comes after the period."""
    if not claim(name, every, socket.gethostname()):
        return None
    try:
        result = work()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return result
