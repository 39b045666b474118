"""`screening_result`: one mail per agency account when a competition leaves `screening`."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from kipp.competitions import stages
from kipp.extensions import db
from kipp.mail import notices
from kipp.screening.services import screen
from tests.helpers import assert_problem
from tests.notices.mails import BASE, mails, set_locale


@pytest.fixture
def world(make):
    """A competition in screening: agency A (an English account, a default one, a disabled
    one) with a passed entry, a failed one and a draft; agency B with a failed entry; agency C
    with a draft only."""
    comp = make.competition(stage="screening")
    admin = make.admin()
    a1 = set_locale(make.user("agency"), "en")
    a2 = make.user("agency", agency=a1.agency)
    off = make.user("agency", agency=a1.agency)
    off.active = False
    b1 = make.user("agency")
    c1 = make.user("agency")
    passed = make.entry(comp, a1, status="submitted", title="Inovasi Lolos")
    failed = make.entry(comp, a1, status="submitted", title="Inovasi Gagal")
    draft = make.entry(comp, a1, title="Inovasi Draf")
    other = make.entry(comp, b1, status="submitted", title="Inovasi Lain")
    make.entry(comp, c1)
    screen(admin, passed, "pass")
    screen(admin, failed, "fail", ["missing_documents", "off_theme"], "SK tidak ditandatangani.")
    screen(admin, other, "fail", ["duplicate_title"])
    db.session.commit()
    return locals()


def move(api, w, to="evaluation"):
    return api(w["admin"]).post(f"/api/v1/competitions/{w['comp'].id}/stage", json={"to": to})


def test_leaving_screening_mails_every_active_agency_account_its_decisions(api, world):
    w = world
    assert not mails("screening_result")
    resp = move(api, w)
    assert resp.status_code == 200, resp.get_json()
    got = {m.user_id: m for m in mails("screening_result")}
    assert set(got) == {w["a1"].id, w["a2"].id, w["b1"].id}

    english = got[w["a1"].id]
    assert (english.to, english.language) == (w["a1"].email, "en")
    assert english.subject == f"KIPP: screening results of {w['comp'].name}"
    text = english.text_body
    assert "Passed: 1; did not pass: 1." in text
    assert f"Proposal #{w['passed'].id}: Inovasi Lolos" in text
    assert f"Proposal #{w['failed'].id}: Inovasi Gagal" in text
    assert "Missing documents (decree on the innovator, video of at most 5 minutes)" in text
    assert "Off the competition's theme" in text
    assert "SK tidak ditandatangani." in text
    assert "Inovasi Draf" not in text and "Inovasi Lain" not in text
    assert f"{BASE}/agency/#competition-{w['comp'].id}" in text
    assert f'href="{BASE}/agency/#competition-{w["comp"].id}"' in english.html_body
    assert "Off the competition&#39;s theme" in english.html_body  # escaped in HTML

    indonesian = got[w["a2"].id]
    assert indonesian.language == "id"
    assert "Tidak sesuai tema/kategori kompetisi" in indonesian.text_body
    other = got[w["b1"].id]
    assert "Inovasi Lain" in other.text_body and "Inovasi Gagal" not in other.text_body
    assert "Judul inovasi sama dengan proposal lain" in other.text_body


def test_the_mails_are_sent_once_per_competition_and_account(world):
    w = world
    with force_locale("en"):  # the move's notices are in the mover's language
        found = stages.move_stage(w["admin"], w["comp"], "evaluation")
    assert "Screening results: 3 mails queued to the agencies." in found
    db.session.commit()
    assert notices.screening_results(w["comp"]) == 0  # a retried hook adds nothing
    assert notices.screening_notice(w["admin"], w["comp"], "screening") is None
    db.session.commit()
    assert len(mails("screening_result")) == 3
    assert {m.key for m in mails("screening_result")} == {
        f"screening_result:{w['comp'].id}:{u.id}" for u in (w["a1"], w["a2"], w["b1"])
    }


def test_a_refused_move_mails_nobody(api, make, world):
    w = world
    make.entry(w["comp"], w["c1"], status="submitted")  # unscreened: the move is refused
    assert_problem(move(api, w), 409, "invalid_stage")
    assert not mails("screening_result")


def test_other_stage_moves_send_no_screening_result(make):
    comp = make.competition(stage="submission")
    owner = make.user("agency")
    make.entry(comp, owner, status="eligible")
    assert notices.screening_notice(None, comp, "submission") is None
    assert not mails("screening_result")
