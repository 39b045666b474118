"""Who reads blind (kipp/judging/blind.py) and what they miss: entry bodies, attachment
downloads, the reviewers' pages and the score-sheet PDF."""

from __future__ import annotations

from html import unescape

import pytest

from kipp.extensions import db
from kipp.judging.blind import HIDDEN_KINDS, is_blind_for, visible_attachments
from tests.blind.conftest import build
from tests.helpers import assert_problem
from tests.services.judging_fixtures import assign, set_stage, submit_sheet


def test_only_evaluators_of_a_blind_competition_read_blind(world, make):
    entry = world.entries[0]
    assert is_blind_for(world.evaluator, entry)
    for reader in (world.admin, world.chair, world.panelist, world.owners[0], None):
        assert not is_blind_for(reader, entry)
    open_world = build(make, blind=False)
    assert not is_blind_for(open_world.evaluator, open_world.entries[0])


def test_hidden_kinds_are_the_decree_and_the_replication_statement(world):
    assert {"decree", "replication_statement"} == HIDDEN_KINDS
    kinds = {a.kind for a in visible_attachments(world.evaluator, world.entries[0])}
    assert kinds == {"evidence", "other"}
    assert len(visible_attachments(world.chair, world.entries[0])) == 4


def test_the_api_gives_a_blind_evaluator_no_agency_and_no_hidden_attachment(world, api):
    entry = world.entries[0]
    body = api(world.evaluator).get(f"/api/v1/entries/{entry.id}").get_json()
    assert body["agency"] is None and body["agency_id"] is None
    assert body["title"] == entry.title
    assert {a["kind"] for a in body["attachments"]} == {"evidence", "other"}
    for reader in (world.admin, world.chair):
        full = api(reader).get(f"/api/v1/entries/{entry.id}").get_json()
        assert full["agency"] == entry.agency.name and full["agency_id"] == entry.agency_id
        assert len(full["attachments"]) == 4


def test_a_blind_evaluator_cannot_download_a_hidden_attachment(world, api):
    ev, chair = api(world.evaluator), api(world.chair)
    for att in world.hidden():
        assert_problem(ev.get(f"/api/v1/attachments/{att.id}"), 404, "not_found")
        assert chair.get(f"/api/v1/attachments/{att.id}").status_code == 200
    for att in world.shown():
        assert ev.get(f"/api/v1/attachments/{att.id}").data.startswith(b"%PDF")


def test_without_blind_review_the_evaluator_reads_everything(make, api):
    w = build(make, blind=False)
    ev = api(w.evaluator)
    body = ev.get(f"/api/v1/entries/{w.entries[0].id}").get_json()
    assert body["agency"] == w.entries[0].agency.name and len(body["attachments"]) == 4
    for att in w.hidden():
        assert ev.get(f"/api/v1/attachments/{att.id}").status_code == 200


def test_the_assignments_page_says_proposal_instead_of_the_agency(world, web_login):
    page = unescape(web_login(world.evaluator).get("/panel/").get_data(as_text=True))
    for a in world.assignments:
        assert f"Proposal #{a.entry_id}" in page and a.entry.title in page
        assert a.entry.agency.name not in page


def test_the_scoring_page_hides_the_agency_and_the_hidden_attachments(world, web_login):
    client = web_login(world.evaluator)
    a = world.assignments[0]
    page = unescape(client.get(f"/panel/assignments/{a.id}").get_data(as_text=True))
    agency = a.entry.agency
    assert f"Proposal #{a.entry_id}" in page
    for secret in (agency.name, agency.province, "Regional-owned", "City government", "3T"):
        assert secret not in page
    for att in world.hidden():
        assert att.filename not in page and f'/api/v1/attachments/{att.id}"' not in page
    for att in world.shown():
        if att.entry_id == a.entry_id:
            assert f'<a href="/api/v1/attachments/{att.id}">{att.filename}</a>' in page
    # After submitting, the read-only sheet is as blind.
    submit_sheet(a, 80)
    page = unescape(client.get(f"/panel/assignments/{a.id}").get_data(as_text=True))
    assert 'id="sheet-values"' in page and f"Proposal #{a.entry_id}" in page
    assert agency.name not in page and agency.province not in page


@pytest.mark.parametrize("lang", ["id", "en"])
def test_blind_in_both_languages(world, web_login, lang):
    client = web_login(world.evaluator)
    page = unescape(client.get(f"/panel/?lang={lang}").get_data(as_text=True))
    label = "Proposal #" if lang == "en" else "Usulan #"
    assert f"{label}{world.entries[0].id}" in page and world.entries[0].agency.name not in page


def test_the_panel_round_is_never_blind(world, make, web_login, api):
    set_stage(world.comp, "panel")
    pa = assign(world.comp, world.entries[0], world.panelist, "panel")
    page = unescape(web_login(world.panelist).get(f"/panel/assignments/{pa.id}").get_data(True))
    agency = world.entries[0].agency
    assert agency.name in page and agency.province in page
    for att in world.hidden():
        if att.entry_id == world.entries[0].id:
            assert att.filename in page


def test_evaluators_never_get_a_score_sheet_pdf(world, api):
    """can_read_score_sheet refuses evaluators outright, so the PDF needs no blind variant."""
    a = world.assignments[0]
    submit_sheet(a, 80)
    resp = api(world.evaluator).get(f"/api/v1/entries/{a.entry_id}/score-sheet")
    assert resp.status_code in (403, 404)
    db.session.rollback()
