"""Finding 8: who reads a ranking when, and what they see (API contract v1.1 § Ranking
visibility).

The chair and admins read every ranking at any stage; panelists read a round's ranking only
once the competition has left that round's stage (403 before); entries a reader conflicts with
are left out of what that reader sees: ranking API and page, result exports, distributions.
"""

from __future__ import annotations

import csv
import io

import pytest

from kipp.accounts.services import add_conflict
from kipp.extensions import db
from kipp.models import Agency
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    set_stage,
    submit_sheet,
)

API = "/api/v1/competitions/{}/ranking?round={}"
PAGE = "/selection/{}/ranking?round={}"
STAGES = ("evaluation", "shortlist", "panel", "final", "awarded")


@pytest.fixture
def w(make):
    """Entries 0 and 1 score 80, entry 2 scores 70, entry 3 is unscored (shortlist of 1: a tie
    at the cut); the finalised shortlist holds entries 0 and 1, both scored in the panel round.
    Each entry has its own agency."""
    w = evaluation_setup(make, n_entries=4, n_reviewers=1, n_panelists=1, shortlist_size=1)
    reviewer = w.reviewers[0]
    for entry, total in zip(w.entries[:3], (80, 80, 70), strict=True):
        submit_sheet(assign(w, entry, reviewer), total)
    w.shortlist = finalised_shortlist(w.comp, w.entries[:2], w.chair)
    set_stage(w.comp, "panel")
    for entry, total in zip(w.entries[:2], (75, 65), strict=True):
        submit_sheet(assign(w, entry, w.chair, "panel"), total)
    return w


def status_of(client, url: str) -> int:
    resp = client.get(url)
    resp.close()
    return resp.status_code


# ----------------------------------------------------------------- when
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("round_", ["evaluation", "panel"])
def test_panelists_read_a_round_only_after_its_stage(make, api, w, stage, round_):
    set_stage(w.comp, stage)
    panelist = w.panel[0]
    left = STAGES.index(stage) > STAGES.index(round_)
    resp = api(panelist).get(API.format(w.comp.id, round_))
    if left:
        assert resp.status_code == 200
    else:
        assert resp.status_code == 403 and resp.get_json()["code"] == "forbidden"
    for reader in (w.admin, w.chair):
        assert api(reader).get(API.format(w.comp.id, round_)).status_code == 200


@pytest.mark.parametrize(("stage", "round_"), [("evaluation", "evaluation"), ("panel", "panel")])
def test_ranking_page_refuses_panelists_during_the_round(make, client, web_login, w, stage, round_):
    set_stage(w.comp, stage)
    web_login(w.panel[0])
    link = f'href="{PAGE.format(w.comp.id, round_)}"'
    assert status_of(client, PAGE.format(w.comp.id, round_)) == 403
    assert link not in client.get("/selection/").get_data(as_text=True)
    set_stage(w.comp, STAGES[STAGES.index(stage) + 1])
    assert status_of(client, PAGE.format(w.comp.id, round_)) == 200
    assert link in client.get("/selection/").get_data(as_text=True)


@pytest.mark.parametrize("reader", ["admin", "chair"])
def test_ranking_page_open_to_chair_and_admin_during_the_round(make, client, web_login, w, reader):
    set_stage(w.comp, "evaluation")
    web_login(w.admin if reader == "admin" else w.chair)
    assert status_of(client, PAGE.format(w.comp.id, "evaluation")) == 200
    set_stage(w.comp, "panel")
    assert status_of(client, PAGE.format(w.comp.id, "panel")) == 200


# ----------------------------------------------------------------- what
def conflict_chair_with_entry_0(w):
    add_conflict(w.admin, w.chair, w.entries[0].agency_id, "Spouse works there")
    db.session.commit()


def test_ranking_api_leaves_out_the_readers_conflicts(make, api, w):
    set_stage(w.comp, "shortlist")
    e = [x.id for x in w.entries]
    full = api(w.admin).get(API.format(w.comp.id, "evaluation")).get_json()
    assert [(i["entry_id"], i["rank"]) for i in full["items"]] == [(e[0], 1), (e[1], 1), (e[2], 3)]
    assert full["cut"]["tie_at_cut"] == [e[0], e[1]]
    assert [u["entry_id"] for u in full["unscored"]] == [e[3]]

    conflict_chair_with_entry_0(w)
    mine = api(w.chair).get(API.format(w.comp.id, "evaluation")).get_json()
    # Ranks stay those of the whole round; the conflicted entry is nowhere in the body.
    assert [(i["entry_id"], i["rank"]) for i in mine["items"]] == [(e[1], 1), (e[2], 3)]
    assert mine["cut"]["tie_at_cut"] == [e[1]]
    assert str(w.entries[0].title) not in str(mine)

    # A panelist's home agency is a conflict too (here: the unscored entry's agency).
    home = db.session.get(Agency, w.entries[3].agency_id)
    panelist = make.user("panelist", agency=home)
    seen = api(panelist).get(API.format(w.comp.id, "evaluation")).get_json()
    assert seen["unscored"] == [] and len(seen["items"]) == 3
    # The admin still sees everything.
    again = api(w.admin).get(API.format(w.comp.id, "evaluation")).get_json()
    assert len(again["items"]) == 3 and len(again["unscored"]) == 1


def test_panel_ranking_leaves_out_the_readers_conflicts(make, api, w):
    conflict_chair_with_entry_0(w)
    items = api(w.chair).get(API.format(w.comp.id, "panel")).get_json()["items"]
    assert [i["entry_id"] for i in items] == [w.entries[1].id]
    # Their own earlier panel sheet for entry 0 is conflicted now, so it left the ranking.
    admin_items = api(w.admin).get(API.format(w.comp.id, "panel")).get_json()["items"]
    assert [(i["entry_id"], i["sheets"]) for i in admin_items] == [
        (w.entries[1].id, 1),
    ]


def test_ranking_page_leaves_out_the_readers_conflicts(make, client, web_login, w):
    set_stage(w.comp, "shortlist")
    web_login(w.chair)
    html = client.get(PAGE.format(w.comp.id, "evaluation")).get_data(as_text=True)
    assert w.entries[0].title in html
    conflict_chair_with_entry_0(w)
    html = client.get(PAGE.format(w.comp.id, "evaluation")).get_data(as_text=True)
    assert w.entries[0].title not in html
    assert w.entries[1].title in html and w.entries[2].title in html


def export_rows(client, comp_id: int) -> list[dict]:
    resp = client.get(f"/api/v1/competitions/{comp_id}/results.csv")
    assert resp.status_code == 200
    return list(csv.DictReader(io.StringIO(resp.get_data().decode("utf-8-sig"))))


def test_exports_leave_out_the_readers_conflicts(make, api, w):
    set_stage(w.comp, "shortlist")
    before = {r["entry_id"] for r in export_rows(api(w.chair), w.comp.id)}
    assert str(w.entries[0].id) in before
    conflict_chair_with_entry_0(w)
    after = {r["entry_id"] for r in export_rows(api(w.chair), w.comp.id)}
    assert after == before - {str(w.entries[0].id)}
    assert {r["entry_id"] for r in export_rows(api(w.admin), w.comp.id)} == before
    xlsx = api(w.chair).get(f"/api/v1/competitions/{w.comp.id}/results.xlsx")
    assert xlsx.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(xlsx.get_data())).active
    ids = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert w.entries[0].id not in ids and w.entries[1].id in ids


def test_distribution_leaves_out_the_readers_conflicts(make, api, client, web_login, w):
    url = f"/api/v1/selections/{w.shortlist.id}"
    dist = api(w.chair).get(url).get_json()["distribution"]
    assert (dist["selected_total"], dist["eligible_total"]) == (2, 4)
    web_login(w.chair)
    page = f"/selection/proposals/{w.shortlist.id}"
    assert '"dist-selected-total">2<' in client.get(page).get_data(as_text=True)
    conflict_chair_with_entry_0(w)
    dist = api(w.chair).get(url).get_json()["distribution"]
    assert (dist["selected_total"], dist["eligible_total"]) == (1, 3)
    assert '"dist-selected-total">1<' in client.get(page).get_data(as_text=True)
    full = api(w.admin).get(url).get_json()["distribution"]
    assert (full["selected_total"], full["eligible_total"]) == (2, 4)
