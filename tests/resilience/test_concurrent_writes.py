"""Finding 10: writers racing on one versioned row get 409, never 500.

Each thread sends its request through its own test client, so it has its own app context,
session and database connection; a barrier releases them together. The races are real only
on PostgreSQL (SQLite serialises writers with a file lock), so these tests need it.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import AuditEvent, Competition, Entry
from tests.conftest import PASSWORD, PG_URL
from tests.helpers import race, token_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL: SQLite serialises writers"),
]

THREADS = 10


def one_winner(results, *codes: str) -> int:
    """Assert exactly one 2xx and that every other answer is 409 with one of `codes`."""
    statuses = [s for s, _ in results]
    assert all(s is not None and s < 500 for s in statuses), results
    winners = [i for i, s in enumerate(statuses) if 200 <= s < 300]
    assert len(winners) == 1, results
    losers = [body for s, body in results if not 200 <= s < 300]
    assert all(b["status"] == 409 and b["code"] in codes for b in losers), results
    return winners[0]


def events(action: str) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def settle() -> None:
    """The test's own session holds no connection or lock while threads race."""
    db.session.commit()
    db.session.close()


def test_double_clicked_entry_submit_submits_once(app, make, client):
    comp = make.competition()
    owner = make.user("agency")
    entry_id = make.entry(comp, owner).id
    token = token_for(client, owner)
    settle()
    url = f"/api/v1/entries/{entry_id}/submit"
    results = race(app, [(token, "POST", url, None)] * THREADS)
    one_winner(results, "locked", "stale_version", "invalid_stage")
    entry = db.session.get(Entry, entry_id)
    assert (entry.status, entry.version) == ("submitted", 2)
    assert events("entry.submit") == 1


def test_entry_patches_under_one_version_have_one_winner(app, make, client):
    comp = make.competition()
    owner = make.user("agency")
    entry_id = make.entry(comp, owner).id
    token = token_for(client, owner)
    settle()
    url = f"/api/v1/entries/{entry_id}"
    requests = [
        (token, "PATCH", url, {"title": f"Judul {i}", "version": 1}) for i in range(THREADS)
    ]
    results = race(app, requests)
    winner = one_winner(results, "stale_version")
    entry = db.session.get(Entry, entry_id)
    assert (entry.title, entry.version) == (f"Judul {winner}", 2)


def test_racing_stage_moves_move_one_step(app, make, client):
    comp_id = make.competition(stage="draft").id
    token = token_for(client, make.admin())
    settle()
    url = f"/api/v1/competitions/{comp_id}/stage"
    results = race(app, [(token, "POST", url, {"to": "submission"})] * THREADS)
    one_winner(results, "stale_version", "invalid_stage")
    comp = db.session.get(Competition, comp_id)
    assert (comp.stage, comp.version) == ("submission", 2)
    assert events("competition.stage") == 1


def test_competition_patches_under_one_version_have_one_winner(app, make, client):
    comp_id = make.competition(stage="draft").id
    token = token_for(client, make.admin())
    settle()
    url = f"/api/v1/competitions/{comp_id}"
    requests = [(token, "PATCH", url, {"name": f"KIPP {i}", "version": 1}) for i in range(THREADS)]
    results = race(app, requests)
    winner = one_winner(results, "stale_version")
    comp = db.session.get(Competition, comp_id)
    assert (comp.name, comp.version) == (f"KIPP {winner}", 2)


def test_double_clicked_web_submit_never_answers_500(app, make):
    comp = make.competition()
    owner = make.user("agency")
    entry_id = make.entry(comp, owner).id
    clients = []
    for _ in range(THREADS):
        c = app.test_client()
        c.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        assert (
            c.post("/login", data={"email": owner.email, "password": PASSWORD}).status_code == 302
        )
        clients.append(c)
    settle()
    barrier = threading.Barrier(THREADS)
    statuses: list = [None] * THREADS

    def worker(i: int) -> None:
        barrier.wait()
        statuses[i] = clients[i].post(f"/agency/entries/{entry_id}/submit").status_code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert all(s is not None and s < 500 for s in statuses), statuses
    assert statuses.count(302) >= 1, statuses
    assert db.session.get(Entry, entry_id).status == "submitted"
    assert events("entry.submit") == 1
