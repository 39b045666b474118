"""Two chairs finalising at once: the partial unique index picks one winner; the other gets
409 `locked` and nothing of theirs is written."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from kipp.errors import Locked
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import AuditEvent, Selection
from tests.conftest import PASSWORD
from tests.helpers import assert_problem
from tests.services.judging_fixtures import set_stage
from tests.services.test_api_ranking import scored_world

SELECTIONS = "/api/v1/competitions/{}/selections"


def two_chairs_two_proposals(make, api):
    w = scored_world(make, [[90, 90], [80, 80], [70, 70]], shortlist_size=2)
    set_stage(w.comp, "shortlist")
    chairs = [w.chair, make.user("chair")]
    ids = []
    for chair in chairs:
        resp = api(chair).post(SELECTIONS.format(w.comp.id), json={"tier": "shortlist"})
        assert resp.status_code == 201
        ids.append(resp.get_json()["id"])
    return w, chairs, ids


def finals(comp_id) -> list[Selection]:
    db.session.expire_all()
    return db.session.scalars(
        select(Selection).where(Selection.competition_id == comp_id, Selection.status == "final")
    ).all()


def finalize_events(comp_id) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(AuditEvent.competition_id == comp_id, AuditEvent.action == "selection.finalize")
    )


def race(app, requests):
    """Send each (token, url) POST from its own thread at the same moment; return responses."""
    barrier = threading.Barrier(len(requests))
    out: list = [None] * len(requests)

    def run(i, token, url):
        client = app.test_client()  # no app context here: each request gets its own session
        barrier.wait()
        resp = client.post(url, headers={"Authorization": f"Bearer {token}"})
        out[i] = (resp.status_code, resp.get_json())

    threads = [
        threading.Thread(target=run, args=(i, token, url))
        for i, (token, url) in enumerate(requests)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def token(client, user) -> str:
    resp = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": PASSWORD})
    return resp.get_json()["token"]


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")


def widen_window(monkeypatch) -> None:
    """Both requests pass the "already final?" check before either writes, so the partial
    unique index (not the check) has to pick the winner."""
    check = selections._check_tier_stage

    def slow_check(comp, tier):
        time.sleep(0.3)
        return check(comp, tier)

    monkeypatch.setattr(selections, "_check_tier_stage", slow_check)


@pytest.mark.parametrize("widened", [False, True, True])
def test_two_chairs_finalising_two_proposals(
    app, client, make, api, postgres_only, monkeypatch, widened
):
    w, chairs, ids = two_chairs_two_proposals(make, api)
    if widened:
        widen_window(monkeypatch)
    tokens = [token(client, c) for c in chairs]
    comp_id = w.comp.id
    db.session.commit()  # the test's session holds no transaction during the race
    urls = [f"/api/v1/selections/{i}/finalize" for i in ids]
    results = race(app, list(zip(tokens, urls, strict=True)))
    statuses = sorted(r[0] for r in results)
    assert statuses == [200, 409], results
    loser = next(body for status, body in results if status == 409)
    assert loser["code"] == "locked"
    winners = finals(comp_id)
    assert len(winners) == 1
    assert finalize_events(comp_id) == 1
    other = db.session.get(Selection, next(i for i in ids if i != winners[0].id))
    assert (other.status, other.snapshot_sha256) == ("proposed", None)


@pytest.mark.parametrize("widened", [False, True])
def test_two_requests_finalising_the_same_proposal(
    app, client, make, api, postgres_only, monkeypatch, widened
):
    w, chairs, ids = two_chairs_two_proposals(make, api)
    if widened:
        widen_window(monkeypatch)
    tokens = [token(client, c) for c in chairs]
    comp_id = w.comp.id
    db.session.commit()
    results = race(app, [(t, f"/api/v1/selections/{ids[0]}/finalize") for t in tokens])
    assert sorted(r[0] for r in results) == [200, 409], results
    assert [r[1]["code"] for r in results if r[0] == 409] == ["locked"]
    assert [s.id for s in finals(comp_id)] == [ids[0]]
    assert finalize_events(comp_id) == 1


def test_index_decides_when_the_check_is_passed(make, api, monkeypatch):
    """The pre-check can be passed by a concurrent commit; then the unique index answers
    (simulated here on either database by hiding the first final selection)."""
    w, chairs, ids = two_chairs_two_proposals(make, api)
    assert api(chairs[0]).post(f"/api/v1/selections/{ids[0]}/finalize").status_code == 200
    monkeypatch.setattr(selections, "final_selection", lambda comp, tier: None)
    resp = api(chairs[1]).post(f"/api/v1/selections/{ids[1]}/finalize")
    assert_problem(resp, 409, "locked")
    assert [s.id for s in finals(w.comp.id)] == [ids[0]]
    assert db.session.get(Selection, ids[1]).status == "proposed"
    assert finalize_events(w.comp.id) == 1


def test_service_raises_locked_for_the_loser(make, api, monkeypatch):
    w, chairs, ids = two_chairs_two_proposals(make, api)
    selections.finalize(chairs[0], db.session.get(Selection, ids[0]))
    db.session.commit()
    monkeypatch.setattr(selections, "final_selection", lambda comp, tier: None)
    with pytest.raises(Locked):
        selections.finalize(chairs[1], db.session.get(Selection, ids[1]))
    # The service rolled its own failed flush back: the session is usable again.
    assert db.session.get(Selection, ids[1]).status == "proposed"
    assert len(finals(w.comp.id)) == 1
