"""Scoring uses the criteria of the entry's group in the evaluation round (sheets, totals,
the API's sheet validation, rankings per group, score-sheet PDFs), the round's otherwise."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from pypdf import PdfReader

from kipp.documents.score_sheets import score_sheet_data
from kipp.judging import scoring
from kipp.judging.queries import rank_round
from kipp.judging.ranking import ZSCORE
from tests.group_rules.conftest import GROUPS, REPLIKASI
from tests.helpers import assert_problem
from tests.services.judging_fixtures import EVALUATION_CODES, assign, submit_sheet


def _world(make):
    comp = make.competition("evaluation", groups=GROUPS)
    owner = make.user("agency")
    umum = make.entry(comp, owner, "eligible", group="umum")
    replikasi = make.entry(comp, owner, "eligible", group="replikasi")
    return comp, umum, replikasi


def test_the_criteria_of_an_entry_in_a_round(make):
    comp, umum, replikasi = _world(make)
    assert [c.code for c in comp.criteria_of("umum", "evaluation")] == list(EVALUATION_CODES)
    assert [c.code for c in comp.criteria_of("replikasi", "evaluation")] == [
        c["code"] for c in REPLIKASI
    ]
    # The panel round always scores on the panel criteria.
    assert comp.criteria_of("replikasi", "panel") == comp.round_criteria("panel")
    assert comp.criteria_of("nope", "evaluation") == comp.round_criteria("evaluation")


def test_a_replikasi_sheet_is_scored_and_totalled_on_its_groups_criteria(make, api):
    comp, umum, replikasi = _world(make)
    reviewer = make.user("evaluator")
    a = assign(comp, replikasi, reviewer)
    client = api(reviewer)
    url = f"/api/v1/assignments/{a.id}/score"
    problem = assert_problem(client.put(url, json={"values": {"signifikansi": 80}}), 422)
    assert "signifikansi" in problem["errors"]
    resp = client.put(url, json={"values": {"kesetiaan": 90, "adaptasi": 70}})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["total"] == 64.0  # (90×40 + 70×40 + 0×20) / 100
    assert [c["code"] for c in client.get(url).get_json()["criteria"]] == [
        c["code"] for c in REPLIKASI
    ]
    assert_problem(client.post(f"{url}/submit"), 422, "incomplete")
    client.put(url, json={"values": {"kesetiaan": 90, "adaptasi": 70, "keberlanjutan": 50}})
    assert client.post(f"{url}/submit").get_json()["status"] == "submitted"
    assert scoring.running_total(a) == Decimal("74.00")


def test_ranking_per_group_standardises_within_the_group(make):
    comp, umum, replikasi = _world(make)
    other = make.user("agency")
    umum2 = make.entry(comp, other, "eligible", group="umum")
    rev1, rev2 = make.user("evaluator"), make.user("evaluator")
    for entry, (v1, v2) in ((umum, (90, 80)), (umum2, (70, 60)), (replikasi, (50, 95))):
        submit_sheet(assign(comp, entry, rev1), v1)
        submit_sheet(assign(comp, entry, rev2), v2)
    whole = rank_round(comp, "evaluation")
    assert {s.entry_id for s in whole.ranking.items} == {umum.id, umum2.id, replikasi.id}
    group = rank_round(comp, "evaluation", group="umum")
    assert [s.entry_id for s in group.ranking.items] == [umum.id, umum2.id]
    assert set(group.entries) == {umum.id, umum2.id}
    # z-scores within the group: each reviewer's two umum sheets are ±1 around their mean.
    z = rank_round(comp, "evaluation", ZSCORE, group="umum")
    assert [float(s.score) for s in z.ranking.items] == [1.0, -1.0]
    z_all = rank_round(comp, "evaluation", ZSCORE)
    assert {s.entry_id: s.score for s in z_all.ranking.items}[umum.id] != 1


def test_api_ranking_per_group(make, api):
    comp, umum, replikasi = _world(make)
    rev = make.user("evaluator")
    submit_sheet(assign(comp, umum, rev), 80)
    submit_sheet(assign(comp, replikasi, rev), 60)
    admin = api(make.admin())
    url = f"/api/v1/competitions/{comp.id}/ranking?round=evaluation"
    assert [i["entry_id"] for i in admin.get(url).get_json()["items"]] == [umum.id, replikasi.id]
    body = admin.get(f"{url}&group=replikasi&method=zscore").get_json()
    assert [i["entry_id"] for i in body["items"]] == [replikasi.id]


def test_score_sheet_pdf_shows_the_groups_criteria(make, api):
    comp, umum, replikasi = _world(make)
    rev = make.user("evaluator")
    submit_sheet(assign(comp, replikasi, rev), 80)
    data = score_sheet_data(replikasi)
    assert [c["code"] for c in data["rounds"][0]["criteria"]] == [c["code"] for c in REPLIKASI]
    resp = api(make.admin()).get(f"/api/v1/entries/{replikasi.id}/score-sheet")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(resp.data)).pages)
    assert "Kesetiaan pada inovasi asal" in text
    assert "Signifikansi" not in text
