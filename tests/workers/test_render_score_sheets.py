"""Score-sheet PDFs and selection recaps: content, cache by content hash, API access."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from kipp.documents import render, score_sheets, storage
from kipp.errors import InvalidStage
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Assignment, RenderedDocument, ScoreValue
from tests.workers.test_render_world import (
    add_sheet,
    build_world,
    every,
    flat,
    pdf_text,
)


@pytest.fixture
def world(make, app):
    return build_world(make)


def sheet_of(entry, reviewer) -> Assignment:
    return db.session.scalar(
        select(Assignment).where(Assignment.entry_id == entry.id, Assignment.user_id == reviewer.id)
    )


def count_renders(monkeypatch) -> list:
    calls = []
    original = render.render_pdf

    def counting(template, **context):
        calls.append(template)
        return original(template, **context)

    monkeypatch.setattr(render, "render_pdf", counting)
    return calls


def test_subjects_are_entries_with_a_submitted_sheet(world):
    assert score_sheets.score_sheet_subjects(world.comp.id) == sorted(
        [world.a1.id, world.a2.id, world.b1.id]
    )
    add_sheet(world.b2, world.evaluators[0], every(world.comp, 50), status="draft")
    assert world.b2.id not in score_sheets.score_sheet_subjects(world.comp.id)


def test_score_sheet_shows_every_submitted_sheet_with_values_weights_and_summary(world):
    add_sheet(
        world.a1,
        world.chair,
        {"substansi": 90, "dampak": "85.50", "presentasi": 70},
        round_="panel",
        comment="Presentasi meyakinkan, dampak terukur.",
    )
    doc = score_sheets.render_score_sheet(world.a1.id)
    db.session.commit()
    data = storage.read(doc.stored_name)
    assert doc.sha256 == hashlib.sha256(data).hexdigest() and doc.size == len(data)
    text = flat(pdf_text(data))
    for expected in (
        "Smart Kampung Banyuwangi",
        "Pemerintah Kabupaten Banyuwangi",
        "Dr. Sri Wahyuni",
        "Prof. Bambang Hartono",
        "Signifikansi",
        "Adaptabilitas",
        "80.00",  # a value of the first sheet
        "70.25",  # every value of the second sheet
        "Inovasi yang baik.",
        "75.13",  # mean of 80.00 and 70.25, half-up
        "9.75",  # spread
        "2 / 3",  # submitted of assigned (the third is a draft)
        "Ketua Panel",  # the panel round
        "Presentasi meyakinkan, dampak terukur.",
        "85.50",
        "83.43",  # (90×40 + 85.5×35 + 70×25) / 100 = 83.425 → 83.43 (half-up)
    ):
        assert expected in text, expected
    assert "Ir. Draft Reviewer" not in text  # drafts are not score sheets yet
    assert "Signifikansi (30)" in text and "Adaptabilitas (20)" in text  # weights
    assert "Substansi Inovasi (40)" in text


def test_cached_until_the_content_changes(world, monkeypatch):
    calls = count_renders(monkeypatch)
    first = score_sheets.render_score_sheet(world.b1.id)
    db.session.commit()
    kept = (first.id, first.content_hash, first.stored_name, first.sha256)
    db.session.expire_all()
    again = score_sheets.render_score_sheet(world.b1.id)
    db.session.commit()
    assert (again.id, again.content_hash, again.stored_name, again.sha256) == kept
    assert calls == ["score_sheet.html"]

    # A sheet reopened and changed: the content hash moves and the PDF is rendered again.
    a = sheet_of(world.b1, world.evaluators[1])
    value = db.session.scalar(
        select(ScoreValue).where(
            ScoreValue.assignment_id == a.id, ScoreValue.criterion_code == "signifikansi"
        )
    )
    value.value = Decimal("99.75")
    a.total = Decimal("79.10")
    db.session.commit()
    changed = score_sheets.render_score_sheet(world.b1.id)
    db.session.commit()
    assert changed.id == first.id and changed.content_hash != kept[1]
    assert changed.stored_name != kept[2]
    assert calls == ["score_sheet.html"] * 2
    assert "99.75" in pdf_text(storage.read(changed.stored_name))
    assert db.session.scalar(select(func.count()).select_from(RenderedDocument)) == 1


def test_a_lost_file_is_rendered_again(world, monkeypatch):
    doc = score_sheets.render_score_sheet(world.a2.id)
    db.session.commit()
    storage.path_of(doc.stored_name).unlink()
    calls = count_renders(monkeypatch)
    again = score_sheets.render_score_sheet(world.a2.id)
    db.session.commit()
    assert calls == ["score_sheet.html"] and storage.exists(again.stored_name)


def test_no_score_sheet_without_a_submitted_sheet(world):
    with pytest.raises(InvalidStage):
        score_sheets.render_score_sheet(world.b2.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RenderedDocument)) == 0


def test_score_sheet_api_permissions(world, api, make):
    url = f"/api/v1/entries/{world.a1.id}/score-sheet"
    for user in (world.admin, world.chair, world.panelist):
        resp = api(user).get(url)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        assert resp.mimetype == "application/pdf"
        assert "Dr. Sri Wahyuni" in pdf_text(resp.data)
    for user in (world.owner_a, world.owner_b, world.evaluators[0]):
        assert api(user).get(url).status_code == 404
    assert api().get(url).status_code == 401
    assert api(world.admin).get("/api/v1/entries/999999/score-sheet").status_code == 404
    resp = api(world.admin).get(f"/api/v1/entries/{world.b2.id}/score-sheet")
    assert resp.status_code == 409 and resp.get_json()["code"] == "invalid_stage"


def test_recap_of_a_finalised_selection(make, app, api):
    w = build_world(make, stage="shortlist", shortlist_size=2)
    db.session.delete(w.final)
    db.session.delete(w.shortlist)
    db.session.commit()
    # Ranking: b1 76.13, a2 75.63, a1 75.13; choosing a1 over a2 needs a written reason.
    reason = "Keseimbangan wilayah: inovasi dari daerah 3T perlu diwakili."
    sel = selections.propose(
        w.chair, w.comp, "shortlist", [w.b1.id, w.a1.id], {str(w.a1.id): reason}
    )
    selections.finalize(w.chair, sel)
    db.session.commit()
    doc = score_sheets.render_selection_recap(sel.id)
    db.session.commit()
    text = flat(pdf_text(storage.read(doc.stored_name)))
    assert sel.snapshot_sha256 in text.replace(" ", "")
    for expected in (reason, "Smart Kampung Banyuwangi", "Surabaya Single Window", "76.13"):
        assert expected in text, expected
    assert "Mal Pelayanan Publik Terpadu" in text  # ranked, not chosen: still listed
    assert "Signifikansi" in text

    resp = api(w.admin).get(f"/api/v1/selections/{sel.id}/recap")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert api(w.owner_a).get(f"/api/v1/selections/{sel.id}/recap").status_code == 404


def test_recap_refused_for_a_proposed_selection(make, app, api):
    w = build_world(make, stage="shortlist", shortlist_size=3)
    db.session.delete(w.final)
    db.session.delete(w.shortlist)
    db.session.commit()
    sel = selections.propose(w.chair, w.comp, "shortlist")
    db.session.commit()
    with pytest.raises(InvalidStage):
        score_sheets.render_selection_recap(sel.id)
    db.session.rollback()
    resp = api(w.chair).get(f"/api/v1/selections/{sel.id}/recap")
    assert resp.status_code == 409
    assert db.session.scalar(select(func.count()).select_from(RenderedDocument)) == 0
