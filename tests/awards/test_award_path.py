"""An extra award from definition to verified certificate: ranked within its group, with ties,
justifications, finalise, publish, objections, decree, and a certificate naming the award."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import time_machine
from pypdf import PdfReader

from kipp.documents import certificates, codes, storage
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import AuditEvent, Certificate, Selection
from kipp.publication import objections
from tests.awards.fixtures import AWARD, REASON, A, award_world
from tests.helpers import assert_problem, count
from tests.services.judging_fixtures import reload, set_stage

TIER = AWARD["code"]


def propose(api, w, **body):
    return api(w.chair).post(f"{A}/competitions/{w.comp.id}/selections", json={"tier": TIER} | body)


def test_award_ranking_is_its_group_alone_with_tie_and_justification(make, api):
    w = award_world(make)
    e = [x.id for x in w.entries]
    set_stage(w.comp, "shortlist")
    assert_problem(propose(api, w), 409, "invalid_stage")  # awards are chosen in stage final
    set_stage(w.comp, "final")
    tie = assert_problem(propose(api, w), 409, "tie_at_cut")
    assert sorted(tie["tied"]) == [e[3], e[4]] and tie["places_left"] == 1
    outside = propose(api, w, entry_ids=[e[0], e[1]])  # entry 0 is umum: not in this ranking
    assert str(e[0]) in assert_problem(outside, 422, "validation_error")["detail"]
    over = assert_problem(propose(api, w, entry_ids=[e[1], e[5]]), 422, "justification_required")
    assert f"justifications.{e[5]}" in over["errors"]
    assert count(Selection) == 0  # every refusal changed nothing
    ok = propose(api, w, entry_ids=[e[1], e[3]])  # choosing within the tie needs no reason
    assert ok.status_code == 201, ok.get_json()
    body = ok.get_json()
    assert body["tier"] == TIER and body["round"] == "evaluation" and body["size"] == 2
    assert [p["entry_id"] for p in body["entries"]] == [e[1], e[3]]
    assert [p["rank"] for p in body["entries"]] == [1, 2]  # ranks within the group
    other = propose(api, w, entry_ids=[e[1], e[5]], justifications={str(e[5]): REASON})
    assert other.status_code == 201, other.get_json()
    bogus = api(w.chair).post(f"{A}/competitions/{w.comp.id}/selections", json={"tier": "top9"})
    assert "tier" in assert_problem(bogus, 422, "validation_error")["errors"]


def test_award_finalise_publish_object_decree_and_certificates(make, api, web_login):
    start = datetime(2026, 3, 10, 3, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        w = award_world(make)
        e = [x.id for x in w.entries]
        set_stage(w.comp, "final")
        sel_id = propose(api, w, entry_ids=[e[1], e[4]]).get_json()["id"]
        done = api(w.chair).post(f"{A}/selections/{sel_id}/finalize")
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["status"] == "final" and done.get_json()["snapshot_sha256"]
        again = propose(api, w, entry_ids=[e[1], e[3]])
        assert_problem(again, 409, "locked")
        sel = reload(Selection, sel_id)
        assert sel.snapshot["tier"] == TIER and sel.snapshot["size"] == 2
        pub = api(w.admin).post(f"{A}/selections/{sel_id}/publish", json={})
        assert pub.status_code == 200, pub.get_json()
        obj = objections.submit(
            reload(Selection, sel_id),
            entry_id=e[4],
            name="Warga Peduli",
            email="warga@example.id",
            statement="Inovasi ini sudah pernah menang pada tahun sebelumnya dengan nama lain.",
            ip="203.0.113.9",
        )
        db.session.commit()
    later = datetime(2026, 3, 20, 3, 0, tzinfo=UTC)
    with time_machine.travel(later, tick=False):
        objections.decide(
            w.admin,
            reload(type(obj), obj.id),
            "uphold",
            "Bukti benar; inovasi didiskualifikasi dari daftar.",
        )
        db.session.commit()
        # The disqualified place is refilled from the award's own ranking: entry 3 (replikasi).
        amended = api(w.chair).post(f"{A}/selections/{sel_id}/amend", json={})
        assert amended.status_code == 200, amended.get_json()
        assert amended.get_json()["amendments"][0]["added"] == [e[3]]
        decree = {"number": "Kepmen PANRB 99/2026", "signed_on": "2026-03-19"}
        fixed = api(w.admin).post(f"{A}/selections/{sel_id}/decree", json=decree)
        assert fixed.status_code == 200, fixed.get_json()
        # The shortlist too, so entry 1 holds two awards.
        set_stage(w.comp, "shortlist")
        short = selections.propose(w.chair, reload(type(w.comp), w.comp.id), "shortlist")
        selections.finalize(w.chair, short)
        set_stage(w.comp, "awarded")
        db.session.commit()
        subjects = certificates.certificate_subjects(w.comp.id)
        assert (e[1], "shortlist") in subjects and (e[1], TIER) in subjects
        assert (e[3], TIER) in subjects and all(s[0] != e[4] for s in subjects)
        main = certificates.issue_certificate(e[1])
        db.session.commit()
    assert main.award == "shortlist"
    held = {c.award: c for c in count_certs(e[1])}
    assert set(held) == {"shortlist", TIER}
    cert = held[TIER]
    assert cert.label == AWARD["label"] and cert.serial.endswith("-TOP2_REP")
    text = PdfReader(io.BytesIO(storage.read(cert.stored_name))).pages[0].extract_text()
    assert "Top 2 Replikasi" in text
    code = codes.public_code(cert.serial)
    verified = api().get(f"{A}/certificates/{code}")
    assert verified.status_code == 200, verified.get_json()
    assert verified.get_json()["award"] == TIER
    assert verified.get_json()["award_label"] == "Top 2 Replikasi"
    page = api().get(f"/verify/{code}")
    assert page.status_code == 200 and "Top 2 Replikasi" in page.get_data(as_text=True)
    # Issuing again re-issues nothing: one certificate per award held.
    certificates.issue_certificate(e[1])
    db.session.commit()
    assert len(count_certs(e[1])) == 2
    assert count(AuditEvent, AuditEvent.action == "selection.finalize") == 2
    # The agency's certificates page lists both, each with its award.
    owner = w.owners[1]
    page = web_login(owner).get("/agency/certificates").get_data(as_text=True)
    assert held["shortlist"].serial in page and cert.serial in page
    assert "Top 2 Replikasi" in page
    pdf = web_login(owner).get(f"/agency/certificates/{cert.serial}/download")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # Revoking the award's certificate leaves the entry's other certificate valid.
    revoked = api(w.admin).post(f"{A}/certificates/{cert.serial}/revoke", json={"reason": "Data"})
    assert revoked.status_code == 200, revoked.get_json()
    assert api().get(f"{A}/certificates/{code}").get_json()["valid"] is False
    main_code = codes.public_code(held["shortlist"].serial)
    assert api().get(f"{A}/certificates/{main_code}").get_json()["valid"] is True


def count_certs(entry_id):
    db.session.expire_all()
    return db.session.scalars(db.select(Certificate).where(Certificate.entry_id == entry_id)).all()
