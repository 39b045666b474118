"""The agency's copy of its score sheet: reviewers unnamed, shared round by round as results
are published, linked from the agency dashboard (kipp.documents.agency_sheets)."""

from __future__ import annotations

import pytest

from kipp.clock import now
from kipp.documents import agency_sheets
from kipp.extensions import db
from kipp.publication.services import publish
from tests.workers.test_render_world import add_sheet, build_world, every, flat, pdf_text

PANEL_ROUND = "Putaran panel"  # the documents are printed in Indonesian
REVIEWER_NAMES = ("Dr. Sri Wahyuni", "Prof. Bambang Hartono", "Ir. Draft Reviewer", "Ketua Panel")


@pytest.fixture
def world(make, app):
    """Before the award: A1 (agency A) is in the finalised shortlist and final tier, with two
    submitted evaluation sheets and one panel sheet of the chair; B2 has no sheet."""
    w = build_world(make, stage="final")
    add_sheet(
        w.a1,
        w.chair,
        every(w.comp, 90, round_="panel"),
        round_="panel",
        comment="Presentasi meyakinkan, dampak terukur.",
    )
    return w


def sheet_url(entry) -> str:
    return f"/api/v1/entries/{entry.id}/agency-score-sheet"


def pdf_of(api, user, entry) -> str:
    resp = api(user).get(sheet_url(entry))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.mimetype == "application/pdf"
    return flat(pdf_text(resp.data))


def test_nothing_is_shared_before_a_result_is_published(world, api):
    resp = api(world.owner_a).get(sheet_url(world.a1))
    assert resp.status_code == 409
    assert resp.get_json()["code"] == "invalid_stage"
    assert agency_sheets.entries_with_copy([world.a1, world.a2]) == set()


def test_the_shortlist_publication_shares_the_evaluation_round_unnamed(world, api):
    publish(world.admin, world.shortlist)
    db.session.commit()
    text = pdf_of(api, world.owner_a, world.a1)
    assert "Smart Kampung Banyuwangi" in text
    assert "Penilai 1" in text and "Penilai 2" in text
    assert "80.00" in text and "70.25" in text and "75.13" in text  # values, totals, mean
    assert "Inovasi yang baik." in text  # the comment, without its author
    assert not any(name in text for name in REVIEWER_NAMES)
    assert "Presentasi meyakinkan" not in text  # the panel round waits for the final tier
    assert PANEL_ROUND not in text
    # the not-shortlisted entry of the other agency learns its scores now too
    assert agency_sheets.entries_with_copy([world.b1, world.b2]) == {world.b1.id}


def test_the_final_tier_publication_adds_the_panel_round(world, api):
    publish(world.admin, world.shortlist)
    publish(world.admin, world.final)
    db.session.commit()
    text = pdf_of(api, world.owner_a, world.a1)
    assert PANEL_ROUND in text and "Presentasi meyakinkan, dampak terukur." in text
    assert not any(name in text for name in REVIEWER_NAMES)


def test_the_award_shares_every_round_in_the_documents_language(world, api):
    world.comp.stage = "awarded"
    world.owner_a.locale = "en"  # the reader's language does not change an official document
    db.session.commit()
    text = pdf_of(api, world.owner_a, world.a1)
    assert PANEL_ROUND in text and "Penilai 1" in text and "Reviewer 1" not in text


def test_only_the_entrys_agency_and_the_admins_read_it(world, api, make):
    world.comp.stage = "awarded"
    db.session.commit()
    assert api(world.admin).get(sheet_url(world.a1)).status_code == 200
    drafter = make.user("drafter", agency=world.owner_a.agency)
    for user in (world.owner_b, world.chair, world.panelist, world.evaluators[0], drafter):
        resp = api(user).get(sheet_url(world.a1))
        assert resp.status_code == 404, user.role
    assert api().get(sheet_url(world.a1)).status_code == 401
    # an entry without a submitted sheet has no copy, even once everything is shared
    resp = api(world.owner_b).get(sheet_url(world.b2))
    assert resp.status_code == 409 and resp.get_json()["code"] == "invalid_stage"


def test_a_reviewer_who_declared_a_conflict_is_left_out(world, api):
    from tests.workers.test_render_score_sheets import sheet_of

    sheet = sheet_of(world.a1, world.evaluators[1])
    sheet.conflicted, sheet.conflicted_at = True, now()
    world.comp.stage = "awarded"
    db.session.commit()
    text = pdf_of(api, world.owner_a, world.a1)
    assert "Penilai 1" in text and "Penilai 2" not in text and "70.25" not in text


def dashboard_row(client, web_login, owner, entry) -> str:
    web_login(owner)
    page = client.get("/agency/").get_data(as_text=True)
    start = page.index(f'id="entry-{entry.id}"')
    return page[start : page.index("</tr>", start)]


def test_the_dashboard_links_to_the_copy_once_shared(world, client, web_login):
    assert "agency-score-sheet" not in dashboard_row(client, web_login, world.owner_a, world.a1)
    publish(world.admin, world.shortlist)
    db.session.commit()
    row = dashboard_row(client, web_login, world.owner_a, world.a1)
    assert sheet_url(world.a1) in row and "reviewers unnamed" in row
    assert sheet_url(world.a2) in dashboard_row(client, web_login, world.owner_a, world.a2)
    assert "agency-score-sheet" not in dashboard_row(client, web_login, world.owner_b, world.b2)
