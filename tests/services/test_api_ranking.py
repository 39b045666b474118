"""API contract § Ranking: shape, shared ranks, flags, ties at the cut, z-scores, rounds,
permissions, and a statement count that does not grow with the number of entries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import event

from kipp.extensions import db
from kipp.models import Assignment, Entry, ScoreValue
from tests.helpers import assert_problem
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    set_stage,
    submit_sheet,
)

URL = "/api/v1/competitions/{}/ranking"


# ----------------------------------------------------------------- helpers (shared)
def add_sheet(comp, entry, reviewer, total, round_="evaluation", status="submitted"):
    """An assignment row with its sheet, written directly: every criterion gets `total`, so
    the sheet's weighted total is exactly `total` (weights sum to 100). `total=None` → pending."""
    if total is None:
        status = "pending"
    value = None if total is None else Decimal(str(total))
    a = Assignment(
        competition_id=comp.id,
        entry_id=entry.id,
        user_id=reviewer.id,
        round=round_,
        status=status,
        total=value,
        submitted_at=datetime.now(UTC) if status == "submitted" else None,
    )
    if value is not None:
        a.values = [
            ScoreValue(criterion_code=c.code, value=value) for c in comp.round_criteria(round_)
        ]
    db.session.add(a)
    return a


def scored_world(make, totals, *, round_="evaluation", n_reviewers=None, **kw):
    """`totals[i]` lists entry i's sheet totals by reviewer (None = assigned, not submitted)."""
    n_reviewers = n_reviewers or max((len(t) for t in totals), default=1) or 1
    world = evaluation_setup(
        make, n_entries=len(totals), n_reviewers=n_reviewers, n_panelists=1, **kw
    )
    for entry, row in zip(world.entries, totals, strict=True):
        for reviewer, total in zip(world.reviewers, row, strict=False):
            add_sheet(world.comp, entry, reviewer, total, round_)
    db.session.commit()
    return world


@contextmanager
def count_statements():
    """Count SQL statements sent on the app's engine inside the block."""
    seen: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


# ----------------------------------------------------------------- shape and rules
def test_shape_ranks_flags_and_unscored(make, api):
    w = scored_world(
        make,
        [[90, 88], [80, 70], [85, 65], [60, None], [None, None]],
        shortlist_size=3,
    )
    e = [x.id for x in w.entries]
    resp = api(w.chair).get(URL.format(w.comp.id))
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["round"], body["method"]) == ("evaluation", "mean")
    rows = {r["entry_id"]: r for r in body["items"]}
    assert [r["entry_id"] for r in body["items"]] == [e[0], e[1], e[2], e[3]]
    assert [r["rank"] for r in body["items"]] == [1, 2, 2, 4]
    assert [r["score"] for r in body["items"]] == [89.0, 75.0, 75.0, 60.0]
    assert [r["sheets"] for r in body["items"]] == [2, 2, 2, 1]
    assert [r["spread"] for r in body["items"]] == [2.0, 10.0, 20.0, 0.0]
    assert rows[e[0]]["flags"] == []
    assert rows[e[2]]["flags"] == ["high_disagreement"]
    assert rows[e[3]]["flags"] == ["missing_sheets"]
    first = body["items"][0]
    assert first["title"] == w.entries[0].title
    assert first["agency"] == w.entries[0].agency.name
    assert {"entry_id", "title", "agency", "rank", "score", "sheets", "spread", "flags"} <= set(
        first
    )
    assert body["cut"] == {"size": 3, "tie_at_cut": [], "places_left": 0}
    assert [u["entry_id"] for u in body["unscored"]] == [e[4]]
    assert body["reviewers"] == []


def test_tie_across_the_cut_is_flagged(make, api):
    w = scored_world(make, [[90, 90], [80, 80], [79, 81], [70, 70]], shortlist_size=2)
    e = [x.id for x in w.entries]
    body = api(w.admin).get(URL.format(w.comp.id)).get_json()
    assert body["cut"] == {"size": 2, "tie_at_cut": [e[1], e[2]], "places_left": 1}
    flags = {r["entry_id"]: r["flags"] for r in body["items"]}
    assert flags[e[1]] == flags[e[2]] == ["tie_at_cut"]
    assert flags[e[0]] == flags[e[3]] == []


def test_exact_half_up_means(make, api):
    # (85.01 + 85.02) / 2 = 85.015 → 85.02 half-up (a float mean would give 85.01 or 85.02).
    w = scored_world(make, [[85.01, 85.02], [85.02, 85.01], [85.00, 85.03]])
    body = api(w.admin).get(URL.format(w.comp.id)).get_json()
    assert [r["score"] for r in body["items"]] == [85.02, 85.02, 85.02]
    assert [r["rank"] for r in body["items"]] == [1, 1, 1]


def test_only_submitted_sheets_of_eligible_entries_count(make, api):
    w = scored_world(make, [[90, 70], [80, 80]])
    # A draft sheet is ignored; so is an entry that is no longer eligible.
    draft = add_sheet(w.comp, w.entries[0], make.user("evaluator"), 10, status="draft")
    other = make.entry(w.comp, w.owners[0], status="ineligible")
    add_sheet(w.comp, other, w.reviewers[0], 99)
    db.session.commit()
    body = api(w.admin).get(URL.format(w.comp.id)).get_json()
    rows = {r["entry_id"]: r for r in body["items"]}
    assert set(rows) == {w.entries[0].id, w.entries[1].id}
    assert rows[w.entries[0].id]["score"] == 80.0 and rows[w.entries[0].id]["sheets"] == 2
    # The draft's assignment is expected to be submitted: the entry misses a sheet.
    assert rows[w.entries[0].id]["flags"] == ["high_disagreement", "missing_sheets"]
    assert draft.id is not None


def test_zscore_normalises_harsh_and_lenient_reviewers(make, api):
    w = evaluation_setup(make, n_entries=4, n_reviewers=3, n_panelists=1, evaluators_per_entry=1)
    r1, r2, r3 = w.reviewers
    e = w.entries
    for entry, reviewer, total in [
        (e[0], r1, 95),
        (e[1], r1, 85),
        (e[2], r2, 70),
        (e[3], r2, 60),
        (e[0], r3, 80),
        (e[2], r3, 78),
    ]:
        add_sheet(w.comp, entry, reviewer, total)
    db.session.commit()
    client = api(w.chair)  # panelists read the evaluation ranking only after its stage
    mean = client.get(URL.format(w.comp.id) + "?method=mean").get_json()
    z = client.get(URL.format(w.comp.id) + "?method=zscore").get_json()
    assert [r["entry_id"] for r in mean["items"]] == [e[0].id, e[1].id, e[2].id, e[3].id]
    assert z["method"] == "zscore"
    assert [(r["entry_id"], r["score"], r["rank"]) for r in z["items"]] == [
        (e[0].id, 1.0, 1),
        (e[2].id, 0.0, 2),
        (e[1].id, -1.0, 3),
        (e[3].id, -1.0, 3),
    ]
    stats = {s["reviewer_id"]: s for s in z["reviewers"]}
    assert stats[r1.id] == {
        "reviewer_id": r1.id,
        "name": r1.name,
        "sheets": 2,
        "mean": 90.0,
        "sd": 5.0,
        "flags": ["deviates"],
    }
    assert stats[r2.id]["flags"] == ["deviates"] and stats[r3.id]["flags"] == []
    assert (z["overall_mean"], z["overall_sd"]) == (78.0, 11.03)
    # Spreads stay in raw totals.
    assert {r["entry_id"]: r["spread"] for r in z["items"]}[e[0].id] == 15.0


def test_panel_round_ranks_the_finalised_shortlist_only(make, api):
    w = scored_world(make, [[90], [80], [70]], final_size=1, shortlist_size=2)
    panelist, chair = w.panel
    url = URL.format(w.comp.id) + "?round=panel"
    body = api(chair).get(url).get_json()
    assert body["items"] == [] and body["unscored"] == []  # no finalised shortlist yet
    finalised_shortlist(w.comp, w.entries[:2], chair)
    set_stage(w.comp, "panel")
    for entry, scores in ((w.entries[0], (70, 72)), (w.entries[1], (88, 86))):
        for member, total in zip((panelist, chair), scores, strict=True):
            add_sheet(w.comp, entry, member, total, "panel")
    add_sheet(w.comp, w.entries[2], panelist, 99, "panel")  # outside the shortlist: ignored
    db.session.commit()
    set_stage(w.comp, "final")  # panelists read the panel ranking once its stage is over
    body = api(panelist).get(url).get_json()
    assert body["round"] == "panel"
    assert [(r["entry_id"], r["score"]) for r in body["items"]] == [
        (w.entries[1].id, 87.0),
        (w.entries[0].id, 71.0),
    ]
    assert body["cut"]["size"] == 1


def test_sheets_submitted_through_the_scoring_service(make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=2, n_panelists=1)
    values = {
        "ringkasan": 0,
        "latar_belakang": 80,
        "kebaruan": 90,
        "implementasi": 70,
        "signifikansi": 85.5,
        "adaptabilitas": 75,
        "sumber_daya": 60,
        "keberlanjutan": 65.25,
    }
    # 8 + 13.5 + 3.5 + 25.65 + 15 + 3 + 9.7875 = 78.4375 → 78.44
    for entry in w.entries:
        for reviewer in w.reviewers:
            submit_sheet(assign(w, entry, reviewer), values if entry is w.entries[0] else 50)
    body = api(w.chair).get(URL.format(w.comp.id)).get_json()
    assert [(r["entry_id"], r["score"], r["sheets"]) for r in body["items"]] == [
        (w.entries[0].id, 78.44, 2),
        (w.entries[1].id, 50.0, 2),
    ]


# ----------------------------------------------------------------- permissions and input
@pytest.mark.parametrize(
    "role, status", [("admin", 200), ("chair", 200), ("panelist", 200), ("evaluator", 403)]
)
def test_who_reads_the_ranking(make, api, role, status):
    w = scored_world(make, [[80, 80]])
    set_stage(w.comp, "shortlist")  # panelists read a round's ranking once its stage is over
    resp = api(make.user(role)).get(URL.format(w.comp.id))
    if status == 200:
        assert resp.status_code == 200 and len(resp.get_json()["items"]) == 1
    else:
        assert_problem(resp, 403, "forbidden")


def test_agency_and_anonymous_cannot_read_the_ranking(make, api):
    w = scored_world(make, [[80, 80]])
    assert_problem(api(w.owners[0]).get(URL.format(w.comp.id)), 403, "forbidden")
    assert_problem(api().get(URL.format(w.comp.id)), 401, "unauthenticated")
    assert_problem(api(w.chair).get(URL.format(w.comp.id + 999)), 404, "not_found")


@pytest.mark.parametrize("query", ["round=final", "method=median", "round="])
def test_bad_round_or_method(make, api, query):
    w = scored_world(make, [[80, 80]])
    body = assert_problem(
        api(w.admin).get(URL.format(w.comp.id) + "?" + query), 422, "validation_error"
    )
    assert set(body["errors"]) & {"round", "method"}


# ----------------------------------------------------------------- constant statements
def _statements(make, api, n_entries, method):
    totals = [[50 + (i * 7) % 50, 40 + (i * 3) % 60] for i in range(n_entries)]
    w = scored_world(make, totals, n_agencies=5)
    client = api(w.chair)
    db.session.expire_all()
    with count_statements() as seen:
        resp = client.get(URL.format(w.comp.id) + f"?method={method}")
    assert resp.status_code == 200
    assert len(resp.get_json()["items"]) == n_entries
    return len(seen)


@pytest.mark.parametrize("method", ["mean", "zscore"])
def test_statement_count_does_not_grow_with_entries(make, api, method):
    small = _statements(make, api, 10, method)
    large = _statements(make, api, 60, method)
    assert small == large
    # token + user lookups, the competition, then two statements for the ranking itself
    assert large <= 6


def test_unknown_entry_rows_are_not_leaked_between_competitions(make, api):
    w1 = scored_world(make, [[80, 80]])
    w2 = scored_world(make, [[70, 70], [60, 60]])
    body = api(w1.admin).get(URL.format(w1.comp.id)).get_json()
    assert [r["entry_id"] for r in body["items"]] == [w1.entries[0].id]
    assert db.session.get(Entry, w2.entries[0].id).competition_id == w2.comp.id
