"""API contract § Ranking and selection: proposals, ties, overrides and justifications,
finalising with a recomputable SHA-256, immutability, stage rules and permissions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.judging.distribution import ISLAND_GROUPS, PROVINCES, canonical_province, island_group
from kipp.judging.snapshot import snapshot_sha256
from kipp.models import AuditEvent, Competition, Selection, SelectionEntry
from tests.helpers import assert_problem
from tests.services.judging_fixtures import finalised_shortlist, set_stage
from tests.services.test_api_ranking import add_sheet, scored_world

REASON = "Keterwakilan wilayah 3T dan replikasi yang kuat di Papua."
SELECTIONS = "/api/v1/competitions/{}/selections"


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Selection)),
        db.session.scalar(select(func.count()).select_from(SelectionEntry)),
        db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("selection%"))
        ),
    )


def shortlist_world(make, totals, size):
    w = scored_world(make, totals, shortlist_size=size, final_size=1)
    set_stage(w.comp, "shortlist")
    return w


def propose(api, w, **body):
    return api(w.chair).post(SELECTIONS.format(w.comp.id), json={"tier": "shortlist", **body})


# ----------------------------------------------------------------- proposing
def test_top_n_proposal(make, api):
    w = shortlist_world(make, [[90, 90], [70, 70], [80, 80], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    resp = propose(api, w)
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["tier"], body["status"], body["size"], body["round"]) == (
        "shortlist",
        "proposed",
        2,
        "evaluation",
    )
    assert [
        (x["entry_id"], x["rank"], x["score"], x["justification"]) for x in body["entries"]
    ] == [
        (e[0], 1, 90.0, None),
        (e[2], 2, 80.0, None),
    ]
    assert body["entries"][0]["title"] == w.entries[0].title
    dist = body["distribution"]
    assert (dist["selected_total"], dist["eligible_total"]) == (2, 4)
    assert dist["island_group"] == [
        {
            "key": "jawa",
            "label": "Jawa",
            "selected": 2,
            "eligible": 4,
            "selected_share": 100.0,
            "eligible_share": 100.0,
        }
    ]
    row = db.session.get(Selection, body["id"])
    assert (row.status, row.created_by_id, row.snapshot_sha256) == ("proposed", w.chair.id, None)
    assert [(se.entry_id, se.place, se.score) for se in row.entries] == [
        (e[0], 1, Decimal("90")),
        (e[2], 2, Decimal("80")),
    ]
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.propose"))
    assert ev.competition_id == w.comp.id and ev.object == f"selection:{row.id}"
    assert ev.after["entries"] == [e[0], e[2]] and ev.after["overrides"] == []


def test_tie_at_the_cut_is_refused_and_changes_nothing(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [79, 81], [82, 78], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    before = counts()
    body = assert_problem(propose(api, w), 409, "tie_at_cut")
    assert body["tied"] == [e[1], e[2], e[3]]
    assert body["places_left"] == 1
    assert counts() == before


def test_choosing_among_tied_entries_needs_no_justification(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [79, 81], [60, 60]], size=2)
    e = [x.id for x in w.entries]
    resp = propose(api, w, entry_ids=[e[2], e[0]], justifications={str(e[2]): "  Lebih inovatif. "})
    assert resp.status_code == 201, resp.get_json()
    entries = resp.get_json()["entries"]
    assert [(x["entry_id"], x["place"]) for x in entries] == [(e[0], 1), (e[2], 2)]
    assert entries[1]["justification"] == "Lebih inovatif."  # short, but recorded as given


def test_override_without_justification_is_refused(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    before = counts()
    body = assert_problem(propose(api, w, entry_ids=[e[0], e[2]]), 422, "justification_required")
    assert list(body["errors"]) == [f"justifications.{e[2]}"]
    assert "20" in body["errors"][f"justifications.{e[2]}"][0]
    assert body["entries"] == [e[2]]
    short = propose(api, w, entry_ids=[e[0], e[2]], justifications={str(e[2]): "x" * 19})
    assert_problem(short, 422, "justification_required")
    assert counts() == before


def test_override_with_justification_is_stored_and_audited(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    resp = propose(api, w, entry_ids=[e[0], e[2]], justifications={str(e[2]): REASON})
    assert resp.status_code == 201, resp.get_json()
    sel = db.session.get(Selection, resp.get_json()["id"])
    assert {se.entry_id: se.justification for se in sel.entries} == {e[0]: None, e[2]: REASON}
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.propose"))
    assert ev.after["overrides"] == [e[2]]
    assert ev.after["justifications"] == {str(e[2]): REASON}


@pytest.mark.parametrize(
    "picks, field",
    [
        ("one", "entry_ids"),  # too few
        ("three", "entry_ids"),  # too many
        ("dup", "entry_ids"),
        ("unknown", "entry_ids"),
        ("unscored", "entry_ids"),
        ("stray_reason", "justifications"),
    ],
)
def test_bad_choices_are_refused(make, api, picks, field):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70], [None, None]], size=2)
    e = [x.id for x in w.entries]
    body = {
        "one": {"entry_ids": [e[0]]},
        "three": {"entry_ids": e[:3]},
        "dup": {"entry_ids": [e[0], e[0]]},
        "unknown": {"entry_ids": [e[0], 999999]},
        "unscored": {"entry_ids": [e[0], e[3]]},
        "stray_reason": {"entry_ids": [e[0], e[1]], "justifications": {str(e[2]): REASON}},
    }[picks]
    before = counts()
    problem = assert_problem(propose(api, w, **body), 422, "validation_error")
    assert field in problem["errors"]
    assert counts() == before


def test_fewer_ranked_entries_than_places(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [None, None]], size=5)
    e = [x.id for x in w.entries]
    resp = propose(api, w)
    assert resp.status_code == 201
    assert [x["entry_id"] for x in resp.get_json()["entries"]] == [e[0], e[1]]
    assert resp.get_json()["size"] == 5
    assert propose(api, w, entry_ids=[e[1], e[0]]).status_code == 201
    assert_problem(propose(api, w, entry_ids=[e[0]]), 422, "validation_error")


def test_nothing_ranked_yet(make, api):
    w = shortlist_world(make, [[None, None]], size=2)
    assert_problem(propose(api, w), 422, "validation_error")


def test_every_proposal_is_kept(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    first = propose(api, w).get_json()["id"]
    second = propose(api, w, entry_ids=[e[0], e[2]], justifications={str(e[2]): REASON})
    listing = api(w.panel[0]).get(SELECTIONS.format(w.comp.id)).get_json()
    assert listing["total"] == 2
    assert [s["id"] for s in listing["items"]] == [second.get_json()["id"], first]
    assert all(s["status"] == "proposed" for s in listing["items"])
    assert listing["items"][0]["entries"][1]["justification"] == REASON


# ----------------------------------------------------------------- stage and permissions
@pytest.mark.parametrize("stage, tier", [("evaluation", "shortlist"), ("shortlist", "final")])
def test_wrong_stage_for_tier(make, api, stage, tier):
    w = scored_world(make, [[90, 90], [80, 80]], shortlist_size=1, final_size=1)
    set_stage(w.comp, stage)
    resp = api(w.chair).post(SELECTIONS.format(w.comp.id), json={"tier": tier})
    assert_problem(resp, 409, "invalid_stage")
    assert counts()[0] == 0


def test_unknown_tier_is_a_validation_error(make, api):
    w = shortlist_world(make, [[90, 90]], size=1)
    resp = api(w.chair).post(SELECTIONS.format(w.comp.id), json={"tier": "top5"})
    assert_problem(resp, 422, "validation_error")


@pytest.mark.parametrize("role", ["admin", "panelist", "evaluator", "agency"])
def test_only_the_chair_proposes(make, api, role):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    resp = api(make.user(role)).post(SELECTIONS.format(w.comp.id), json={"tier": "shortlist"})
    assert_problem(resp, 403, "forbidden")
    assert counts()[0] == 0


def test_who_reads_selections(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    sel_id = propose(api, w).get_json()["id"]
    for user in (w.admin, w.chair, w.panel[0]):
        assert api(user).get(f"/api/v1/selections/{sel_id}").status_code == 200
        assert api(user).get(SELECTIONS.format(w.comp.id)).status_code == 200
    for user in (make.user("evaluator"), w.owners[0]):
        assert_problem(api(user).get(f"/api/v1/selections/{sel_id}"), 404, "not_found")
        assert_problem(api(user).get(SELECTIONS.format(w.comp.id)), 403, "forbidden")
    assert_problem(api().get(f"/api/v1/selections/{sel_id}"), 401, "unauthenticated")


# ----------------------------------------------------------------- finalising
def test_finalize_freezes_a_recomputable_snapshot(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    e = [x.id for x in w.entries]
    sel_id = propose(api, w, entry_ids=[e[0], e[2]], justifications={str(e[2]): REASON}).get_json()[
        "id"
    ]
    resp = api(w.chair).post(f"/api/v1/selections/{sel_id}/finalize")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "final" and len(body["snapshot_sha256"]) == 64
    db.session.expire_all()
    row = db.session.get(Selection, sel_id)
    assert row.status == "final" and row.finalized_at is not None
    assert snapshot_sha256(row.snapshot) == row.snapshot_sha256 == body["snapshot_sha256"]
    snap = row.snapshot
    assert (snap["tier"], snap["size"], snap["competition_id"], snap["round"]) == (
        "shortlist",
        2,
        w.comp.id,
        "evaluation",
    )
    assert snap["chosen"] == sorted([e[0], e[2]])
    assert snap["justifications"] == {str(e[2]): REASON}
    assert {c["code"]: c["weight"] for c in snap["criteria"]}["signifikansi"] == 30
    assert [(i["entry_id"], i["score"], i["rank"]) for i in snap["items"]] == [
        (e[0], "90.00", 1),
        (e[1], "80.00", 2),
        (e[2], "70.00", 3),
    ]
    # Outside tools recompute the hash from the published snapshot.
    published = api(w.admin).get(f"/api/v1/selections/{sel_id}/snapshot").get_json()
    assert snapshot_sha256(published["snapshot"]) == published["snapshot_sha256"]
    ev = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "selection.finalize"))
    assert ev.after["snapshot_sha256"] == row.snapshot_sha256
    assert ev.competition_id == w.comp.id


def test_final_selection_is_locked(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    first = propose(api, w).get_json()["id"]
    other = propose(api, w).get_json()["id"]
    assert api(w.chair).post(f"/api/v1/selections/{first}/finalize").status_code == 200
    frozen = db.session.get(Selection, first)
    digest, version = frozen.snapshot_sha256, frozen.version
    before = counts()
    assert_problem(api(w.chair).post(f"/api/v1/selections/{first}/finalize"), 409, "locked")
    assert_problem(api(w.chair).post(f"/api/v1/selections/{other}/finalize"), 409, "locked")
    assert_problem(propose(api, w), 409, "locked")
    assert counts() == before
    db.session.expire_all()
    assert (db.session.get(Selection, first).snapshot_sha256, frozen.version) == (digest, version)
    assert db.session.get(Selection, other).status == "proposed"


@pytest.mark.parametrize("role", ["admin", "panelist"])
def test_only_the_chair_finalizes(make, api, role):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    sel_id = propose(api, w).get_json()["id"]
    assert_problem(
        api(make.user(role)).post(f"/api/v1/selections/{sel_id}/finalize"), 403, "forbidden"
    )
    assert db.session.get(Selection, sel_id).status == "proposed"


def test_finalize_refuses_when_the_ranking_moved(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80], [70, 70]], size=2)
    sel_id = propose(api, w).get_json()["id"]
    # A third sheet lifts entry 3 to 80.00: now tied with the chosen entry 2, a decision the
    # chair never made; the proposal must be made again.
    sheet = add_sheet(w.comp, w.entries[2], make.user("evaluator"), 100)
    db.session.commit()
    assert sheet.id
    assert_problem(api(w.chair).post(f"/api/v1/selections/{sel_id}/finalize"), 409, "stale_version")
    assert db.session.get(Selection, sel_id).status == "proposed"


def test_cannot_leave_shortlist_until_finalised(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    stage = f"/api/v1/competitions/{w.comp.id}/stage"
    sel_id = propose(api, w).get_json()["id"]
    assert_problem(api(w.admin).post(stage, json={"to": "panel"}), 409, "invalid_stage")
    assert db.session.get(Competition, w.comp.id).stage == "shortlist"
    assert api(w.chair).post(f"/api/v1/selections/{sel_id}/finalize").status_code == 200
    resp = api(w.admin).post(stage, json={"to": "panel"})
    assert resp.status_code == 200 and resp.get_json()["stage"] == "panel"


def test_final_tier_draws_from_the_finalised_shortlist_by_panel_scores(make, api):
    w = scored_world(make, [[95, 95], [90, 90], [85, 85], [50, 50]], shortlist_size=3, final_size=1)
    panelist, chair = w.panel
    e = [x.id for x in w.entries]
    finalised_shortlist(w.comp, w.entries[:3], chair)
    set_stage(w.comp, "panel")
    for entry, total in ((w.entries[0], 70), (w.entries[1], 75), (w.entries[2], 88)):
        add_sheet(w.comp, entry, panelist, total, "panel")
    add_sheet(w.comp, w.entries[3], panelist, 100, "panel")  # not shortlisted: never chosen
    db.session.commit()
    set_stage(w.comp, "final")
    url = SELECTIONS.format(w.comp.id)
    resp = api(chair).post(url, json={"tier": "final"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert (body["round"], body["size"]) == ("panel", 1)
    assert [(x["entry_id"], x["score"]) for x in body["entries"]] == [(e[2], 88.0)]
    assert body["distribution"]["eligible_total"] == 3
    outsider = api(chair).post(url, json={"tier": "final", "entry_ids": [e[3]]})
    assert_problem(outsider, 422, "validation_error")
    override = api(chair).post(url, json={"tier": "final", "entry_ids": [e[0]]})
    assert_problem(override, 422, "justification_required")
    fin = api(chair).post(f"/api/v1/selections/{body['id']}/finalize")
    assert fin.status_code == 200
    assert db.session.get(Selection, body["id"]).snapshot["round"] == "panel"


def test_distribution_by_region_kind_and_3t(make, api):
    w = shortlist_world(make, [[90, 90], [80, 80]], size=1)
    papua = make.agency(
        "Kabupaten Nduga", kind="kabupaten", province="Papua Pegunungan", is_3t=True
    )
    owner = make.user("agency", agency=papua)
    extra = make.entry(w.comp, owner, status="eligible")
    add_sheet(w.comp, extra, w.reviewers[0], 95)
    add_sheet(w.comp, extra, w.reviewers[1], 95)
    db.session.commit()
    dist = propose(api, w).get_json()["distribution"]
    islands = {d["key"]: d for d in dist["island_group"]}
    assert islands["papua"]["selected"] == 1 and islands["papua"]["eligible"] == 1
    assert islands["jawa"]["selected"] == 0 and islands["jawa"]["eligible"] == 2
    assert islands["papua"]["eligible_share"] == 33.3
    assert {d["key"]: d["selected"] for d in dist["is_3t"]} == {"3t": 1, "non_3t": 0}
    assert {d["key"]: d["eligible"] for d in dist["province"]} == {
        "Jawa Tengah": 2,
        "Papua Pegunungan": 1,
    }
    assert {d["key"] for d in dist["agency_kind"]} == {"kabupaten"}
    assert {d["key"]: d["eligible"] for d in dist["group"]} == {"umum": 3}


def test_unknown_selection_is_not_found(make, api):
    w = shortlist_world(make, [[90, 90]], size=1)
    assert_problem(api(w.chair).get("/api/v1/selections/424242"), 404, "not_found")
    assert_problem(api(w.chair).post("/api/v1/selections/424242/finalize"), 404, "not_found")


# ----------------------------------------------------------------- island groups
def test_every_province_has_an_island_group():
    provinces = [p for group in PROVINCES.values() for p in group]
    assert len(provinces) == len(set(provinces)) == 38
    assert {island_group(p) for p in provinces} == set(ISLAND_GROUPS) - {"other"}
    for new in ("Papua Pegunungan", "Papua Selatan", "Papua Tengah", "Papua Barat Daya"):
        assert island_group(new) == "papua"


@pytest.mark.parametrize(
    "spelling, province, group",
    [
        ("D.I. Yogyakarta", "DI Yogyakarta", "jawa"),
        ("Daerah Istimewa Yogyakarta", "DI Yogyakarta", "jawa"),
        ("dki jakarta", "DKI Jakarta", "jawa"),
        ("Provinsi Nusa Tenggara Timur", "Nusa Tenggara Timur", "bali_nusa_tenggara"),
        ("NTB", "Nusa Tenggara Barat", "bali_nusa_tenggara"),
        ("Kepri", "Kepulauan Riau", "sumatera"),
        ("Bangka Belitung", "Kepulauan Bangka Belitung", "sumatera"),
        ("  Maluku Utara ", "Maluku Utara", "maluku"),
        ("Gorontalo", "Gorontalo", "sulawesi"),
        ("Kalimantan  Utara", "Kalimantan Utara", "kalimantan"),
        ("Atlantis", "Atlantis", "other"),
    ],
)
def test_province_spellings(spelling, province, group):
    assert canonical_province(spelling) == province
    assert island_group(spelling) == group
