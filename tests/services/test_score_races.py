"""Concurrent writes to one score sheet: no lost update, every loser gets a 409.

Each thread sends its request through its own test client; Flask pushes a fresh app context
per request, so every thread has its own SQLAlchemy session and database connection. A
barrier releases them together. On PostgreSQL 20 threads race (the CI run); SQLite serialises
writers with a file lock, so there the same checks run with fewer threads.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Assignment, AuditEvent
from tests.helpers import race, token_for
from tests.services.judging_fixtures import EVALUATION_CODES, assign, evaluation_setup


@pytest.fixture
def threads(is_postgres) -> int:
    return 20 if is_postgres else 6


@pytest.fixture
def sheet(app, make, client):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    assignment_id = assign(w, w.entries[0], w.reviewers[0]).id
    token = token_for(client, w.reviewers[0])
    db.session.commit()
    db.session.close()  # the test's own session holds no connection or lock while racing
    url = f"/api/v1/assignments/{assignment_id}/score"
    return {"id": assignment_id, "url": url, "token": token}


def values_for(i: int) -> dict:
    """A distinct, complete sheet for thread i."""
    return {code: Decimal(50 + i) + Decimal(n) / 100 for n, code in enumerate(EVALUATION_CODES)}


def as_json(values: dict) -> dict:
    return {code: float(v) for code, v in values.items()}


def stored(assignment_id: int) -> tuple[dict, int, str]:
    db.session.expire_all()
    a = db.session.get(Assignment, assignment_id)
    return {v.criterion_code: v.value for v in a.values}, a.version, a.status


def audit_count(action: str, assignment_id: int) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.action == action, AuditEvent.object == f"assignment:{assignment_id}")
    )


def test_same_version_puts_have_exactly_one_winner(app, sheet, threads):
    requests = [
        ("PUT", sheet["url"], {"values": as_json(values_for(i)), "version": 1})
        for i in range(threads)
    ]
    results = race(app, [(sheet["token"], *r) for r in requests])
    statuses = [s for s, _ in results]
    assert statuses.count(200) == 1, results
    assert statuses.count(409) == threads - 1, results
    assert all(body["code"] == "stale_version" for s, body in results if s == 409)
    winner = statuses.index(200)
    values, version, status = stored(sheet["id"])
    assert values == values_for(winner)  # the winner's sheet, whole: no mixed or lost update
    assert (version, status) == (2, "draft")
    assert results[winner][1]["version"] == 2
    assert audit_count("score.save", sheet["id"]) == 1


def test_unversioned_puts_are_serialised_without_lost_updates(app, sheet, threads):
    """Without a client version every write still goes through the atomic version check:
    each success bumps the version by exactly one, losers get 409 stale_version, and the
    stored sheet is the one of the success with the highest version."""
    requests = [("PUT", sheet["url"], {"values": as_json(values_for(i))}) for i in range(threads)]
    results = race(app, [(sheet["token"], *r) for r in requests])
    wins = {i: body["version"] for i, (s, body) in enumerate(results) if s == 200}
    assert wins, results
    assert all(s == 409 and body["code"] == "stale_version" for s, body in results if s != 200), (
        results
    )
    assert sorted(wins.values()) == list(range(2, 2 + len(wins)))
    values, version, _ = stored(sheet["id"])
    assert version == 1 + len(wins)
    last = max(wins, key=wins.get)
    assert values == values_for(last)
    assert audit_count("score.save", sheet["id"]) == len(wins)


def test_concurrent_submits_submit_once(app, sheet, threads):
    # Fill the sheet first, then let every thread submit it at once.
    client = app.test_client()
    headers = {"Authorization": f"Bearer {sheet['token']}"}
    full = {"values": as_json(values_for(0))}
    assert client.put(sheet["url"], json=full, headers=headers).status_code == 200
    results = race(app, [(sheet["token"], "POST", sheet["url"] + "/submit", None)] * threads)
    statuses = [s for s, _ in results]
    assert statuses.count(200) == 1, results
    assert all(
        s == 409 and body["code"] in ("locked", "stale_version") for s, body in results if s != 200
    ), results
    _, version, status = stored(sheet["id"])
    assert (version, status) == (3, "submitted")
    assert audit_count("score.submit", sheet["id"]) == 1
