"""Two drafts of one agency submitted at once, one slot left in the group's quota.

Exactly one submit wins; the other answers 409 `quota_exceeded` (never 500, never both 200).
The agency row lock taken by `submit_entry` is what serialises the two quota checks; the
"overlapping" variant makes each request wait, after counting, until the other request has
either counted too (no lock: both saw a free slot) or is blocked on a lock, so a missing lock
is caught on every run rather than by chance. PostgreSQL only: SQLite serialises writers.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select, text

from kipp.audit import chain
from kipp.entries import services
from kipp.extensions import db
from kipp.models import AuditEvent, Entry
from tests.helpers import token_for

GROUPS_QUOTA_2 = {
    "umum": {"quota": 2, "min_implementation_years": 2},
    "replikasi": {"quota": 1, "min_implementation_years": 1},
}
WAIT_LIMIT = 30.0  # seconds; only reached when something hangs


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")


def lock_waiters() -> int:
    """Backends of this database waiting for a lock another transaction holds."""
    with db.engine.connect() as conn:
        return conn.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )


def make_checks_overlap(monkeypatch, parties: int) -> list[int]:
    """After counting the quota, hold each request until every other one has counted too or
    is waiting for a lock. Returns the list of counts seen, in order."""
    real = services.quota_used
    seen: list[int] = []
    guard = threading.Lock()

    def overlapping(agency_id, comp_id, group):
        used = real(agency_id, comp_id, group)
        with guard:
            seen.append(used)
        deadline = time.monotonic() + WAIT_LIMIT
        while len(seen) < parties and not lock_waiters():
            assert time.monotonic() < deadline, "the other submit neither counted nor waited"
            time.sleep(0.01)
        return used

    monkeypatch.setattr(services, "quota_used", overlapping)
    return seen


def race(app, token: str, urls: list[str]) -> list:
    """POST every url at once, one thread (and so one session and connection) each."""
    barrier = threading.Barrier(len(urls))
    out: list = [None] * len(urls)

    def run(i: int, url: str) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            resp = client.post(url, headers={"Authorization": f"Bearer {token}"})
            out[i] = (resp.status_code, resp.get_json())
        except Exception as exc:  # reported by the assertions
            out[i] = (None, repr(exc))

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT_LIMIT * 2)
    assert not any(t.is_alive() for t in threads), "a submit hung"
    return out


@pytest.mark.parametrize("overlap", [False, True, True])
def test_two_submits_for_the_last_quota_slot(
    app, client, make, postgres_only, monkeypatch, overlap
):
    comp = make.competition(groups=GROUPS_QUOTA_2)
    owner = make.user("agency")
    make.entry(comp, owner, status="submitted")  # quota 2, one slot left
    drafts = [make.entry(comp, owner).id, make.entry(comp, owner).id]
    token = token_for(client, owner)
    comp_id, agency_id = comp.id, owner.agency_id
    db.session.commit()
    db.session.close()  # the test's own session holds no connection or lock while racing
    seen = make_checks_overlap(monkeypatch, parties=2) if overlap else None

    results = race(app, token, [f"/api/v1/entries/{i}/submit" for i in drafts])

    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "quota_exceeded", loser
    if overlap:
        assert sorted(seen) == [1, 2], seen  # the loser counted after the winner's commit
    db.session.expire_all()
    statuses_stored = db.session.execute(
        select(Entry.id, Entry.status).where(Entry.id.in_(drafts))
    ).all()
    assert sorted(s for _, s in statuses_stored) == ["draft", "submitted"]
    submitted = db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(Entry.agency_id == agency_id, Entry.status != "draft")
    )
    assert submitted == 2
    events = db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.competition_id == comp_id, AuditEvent.action == "entry.submit")
    )
    assert events == 1
    assert chain.verify(comp_id)["ok"] is True
