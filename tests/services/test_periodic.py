"""`kipp.periodic.claim`: a periodic pass runs once per period across every worker."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from kipp import periodic
from kipp.clock import now
from kipp.extensions import db
from kipp.models.periodic import PeriodicRun

EVERY = timedelta(minutes=10)
START = datetime(2027, 5, 1, 8, 0, tzinfo=UTC)


def test_one_claim_per_period(app):
    with time_machine.travel(START, tick=False):
        assert periodic.claim("reminders", EVERY, "w1") is True
        assert periodic.claim("reminders", EVERY, "w2") is False
        assert periodic.claim("other-pass", EVERY, "w2") is True  # names are independent
    with time_machine.travel(START + EVERY - timedelta(seconds=1), tick=False):
        assert periodic.claim("reminders", EVERY, "w2") is False
    with time_machine.travel(START + EVERY, tick=False):
        assert periodic.claim("reminders", EVERY, "w2") is True
    row = db.session.get(PeriodicRun, "reminders")
    assert (row.worker, row.due_at) == ("w2", START + 2 * EVERY)


def claim_at_once(app, n: int) -> list[bool]:
    barrier, results = threading.Barrier(n), []

    def worker(i: int) -> None:
        with app.app_context():
            barrier.wait()
            results.append(periodic.claim("reconcile", timedelta(days=1), f"w{i}"))
            db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def test_concurrent_claims_have_one_winner(app, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")
    assert sorted(claim_at_once(app, 8)) == [False] * 7 + [True]  # the first claims: inserts
    db.session.get(PeriodicRun, "reconcile").due_at = now() - EVERY  # the period has passed
    db.session.commit()
    assert sorted(claim_at_once(app, 8)) == [False] * 7 + [True]  # later claims: updates
