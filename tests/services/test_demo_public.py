"""The demo's public side (`kipp.demo.finished`, `kipp.demo.directory.fix_by_decree`): KIPP 2025
played through publication, objections, an amendment, decrees and certificates; the earlier
years fixed by decree; all of it read back through the public API and pages."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from kipp import clock
from kipp.audit.chain import verify
from kipp.demo import seed
from kipp.demo.decree_pdf import text_pdf
from kipp.demo.replay import MODULES, Replay, replayed
from kipp.documents.codes import public_code
from kipp.entries.storage import looks_like_pdf
from kipp.extensions import db
from kipp.judging.queries import rank_round
from kipp.judging.ranking import MEAN
from kipp.models import (
    Assignment,
    AuditEvent,
    Certificate,
    Competition,
    Entry,
    Selection,
    SelectionEntry,
)
from kipp.models.publication import Objection, SelectionAmendment
from kipp.publication.queries import amendments
from tests.services.test_demo import login

A = "/api/v1"
PERSONAL = {"name", "email", "statement"}


@pytest.fixture
def seeded(app):
    out = seed()
    db.session.commit()
    return out


def competition(name: str) -> Competition:
    return db.session.scalar(select(Competition).where(Competition.name == name))


def tiers(comp: Competition) -> dict[str, Selection]:
    rows = db.session.scalars(
        select(Selection).where(Selection.competition_id == comp.id, Selection.status == "final")
    )
    return {s.tier: s for s in rows}


def public_selection(client, sel: Selection) -> dict:
    resp = client.get(f"{A}/public/selections/{sel.id}")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def counts() -> dict[str, int]:
    models = (Competition, Entry, Selection, SelectionEntry, SelectionAmendment, Objection,
              Assignment, Certificate, AuditEvent)  # fmt: skip
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in models}


def test_seeding_twice_changes_nothing(seeded):
    assert "KIPP 2025 awarded" in seeded and "8 decrees of KIPP 2021–2024 recorded" in seeded
    before = counts()
    hashes = {s.id: (s.snapshot_sha256, s.decree_sha256) for s in db.session.scalars(
        select(Selection))}  # fmt: skip
    assert before["Objection"] == 4 and before["SelectionAmendment"] == 1
    again = seed()
    db.session.commit()
    assert again.startswith("KIPP demo data: already loaded, nothing created.")
    assert counts() == before
    db.session.expire_all()
    assert {s.id: (s.snapshot_sha256, s.decree_sha256) for s in db.session.scalars(
        select(Selection))} == hashes  # fmt: skip
    # the replayed clock is put back everywhere
    for name in MODULES:
        assert __import__(name, fromlist=["now"]).now is clock.now, name


def test_the_finished_year_is_published_answered_and_fixed(seeded, client):
    comp = competition("KIPP 2025")
    assert comp.stage == "awarded"
    shortlist, final = tiers(comp)["shortlist"], tiers(comp)["final"]
    listing = client.get(f"{A}/public/competitions").get_json()["items"]
    by_name = {c["name"]: c for c in listing}
    for year in range(2021, 2026):
        statuses = {s["tier"]: s["public_status"] for s in by_name[f"KIPP {year}"]["selections"]}
        award = {"top5_replikasi": "fixed"} if year == 2025 else {}  # kipp.demo.awards
        assert statuses == {"shortlist": "fixed", "final": "fixed"} | award, year

    body = public_selection(client, shortlist)
    assert body["public_status"] == "fixed" and body["decree"]["number"] == "318/KEP/M.PANRB/2025"
    assert body["published_at"].startswith("2025-08-04")
    assert body["objection_closes_at"].startswith("2025-08-09T23:59:59")
    status = [e["status"] for e in body["entries"]]
    assert len(status) == 21 and status.count("listed") == 20 and status.count("disqualified") == 1
    out = next(e["entry_id"] for e in body["entries"] if e["status"] == "disqualified")
    assert db.session.get(Entry, out).status == "disqualified"

    register = client.get(f"{A}/public/selections/{shortlist.id}/objections").get_json()
    assert sorted(o["status"] for o in register["items"]) == ["dismissed", "dismissed", "upheld"]
    assert all(not PERSONAL & set(o) and len(o["answer"]) >= 20 for o in register["items"])
    upheld = next(o for o in register["items"] if o["status"] == "upheld")
    assert upheld["entry_id"] == out and upheld["decided_at"].startswith("2025-08-12")
    assert upheld["reference"].startswith("SGH-2025-")

    finals = public_selection(client, final)
    assert finals["decree"]["number"] == "527/KEP/M.PANRB/2025"
    assert [e["status"] for e in finals["entries"]] == ["listed"] * 9
    assert out not in {e["entry_id"] for e in finals["entries"]}
    objections = client.get(f"{A}/public/selections/{final.id}/objections").get_json()
    assert [o["status"] for o in objections["items"]] == ["dismissed"]

    # the secretariat reads the objectors' statements; the public pages show the fixed lists
    admin = login(client, "admin@kipp.demo")
    full = client.get(f"{A}/selections/{shortlist.id}/objections", headers=admin).get_json()
    assert all(set(o) >= PERSONAL for o in full["items"]) and full["total"] == 3
    html = client.get(f"/results/{comp.id}").get_data(as_text=True)
    assert "318/KEP/M.PANRB/2025" in html and "Fixed by decree" in html


def test_the_upheld_place_was_refilled_from_the_ranking(seeded):
    comp = competition("KIPP 2025")
    shortlist = tiers(comp)["shortlist"]
    (amendment,) = amendments(shortlist)
    out = db.session.scalar(
        select(Objection.entry_id).where(
            Objection.selection_id == shortlist.id, Objection.status == "upheld"
        )
    )
    assert amendment.removed == [out] and len(amendment.added) == 1
    chosen_first = {se.entry_id for se in shortlist.entries if se.place <= 20}
    ranked = [s.entry_id for s in rank_round(comp, "evaluation", MEAN).ranking.items]
    assert amendment.added == [next(e for e in ranked if e not in chosen_first)]
    assert shortlist.snapshot_sha256 == amendment.snapshot_sha256
    assert shortlist.snapshot["previous_snapshot_sha256"] not in (None, amendment.snapshot_sha256)
    assert amendment.at.astimezone(UTC).date().isoformat() == "2025-08-13"
    places = sorted((se.place, se.entry_id) for se in shortlist.entries)
    assert places[-1] == (21, amendment.added[0])


def test_decree_pdfs_download_and_certificates_verify(seeded, client):
    comp = competition("KIPP 2025")
    for sel in tiers(comp).values():
        url = public_selection(client, sel)["decree"]["file_url"]
        assert urlsplit(url).path == f"/results/selections/{sel.id}/decree.pdf"
        resp = client.get(urlsplit(url).path)
        assert resp.status_code == 200 and resp.mimetype == "application/pdf"
        data = resp.get_data()
        assert looks_like_pdf(data) and hashlib.sha256(data).hexdigest() == sel.decree_sha256
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert sel.decree_number in text

    final = tiers(comp)["final"]
    certs = list(
        db.session.scalars(select(Certificate).where(Certificate.competition_id == comp.id))
    )
    finals = [c for c in certs if c.award == "final"]
    assert sorted(c.entry_id for c in finals) == sorted(se.entry_id for se in final.entries)
    award = tiers(comp)["top5_replikasi"]  # kipp.demo.awards: one more certificate per holder
    holders = sorted(c.entry_id for c in certs if c.award == "top5_replikasi")
    assert holders == sorted(se.entry_id for se in award.entries) and len(holders) == 5
    # A holder outside the final tier also gets its shortlist certificate: one per award held.
    others = [c for c in certs if c.award not in ("final", "top5_replikasi")]
    assert {c.award for c in others} <= {"shortlist"}
    assert {c.entry_id for c in others} <= set(holders) - {c.entry_id for c in finals}
    for cert in certs:
        body = client.get(f"{A}/certificates/{public_code(cert.serial)}").get_json()
        assert body["valid"] is True and body["award"] == cert.award, body
        if cert.award == "top5_replikasi":
            assert body["award_label"] == "Top 5 Replikasi"
        assert body["issued_at"].startswith("2025-11-10")
    disqualified = db.session.scalars(
        select(Entry.id).where(Entry.competition_id == comp.id, Entry.status == "disqualified")
    ).all()
    assert len(disqualified) == 1 and disqualified[0] not in {c.entry_id for c in certs}


def test_every_audit_chain_verifies_and_the_year_reads_in_time_order(seeded, client):
    assert verify(None)["ok"] is True
    for comp in db.session.scalars(select(Competition)):
        assert verify(comp.id)["ok"] is True, comp.name
    admin = login(client, "admin@kipp.demo")
    assert client.get(f"{A}/audit/verify", headers=admin).get_json()["ok"] is True
    comp = competition("KIPP 2025")
    resp = client.get(f"{A}/competitions/{comp.id}/audit/verify", headers=admin)
    assert resp.get_json()["ok"] is True
    events = list(db.session.scalars(
        select(AuditEvent).where(AuditEvent.competition_id == comp.id).order_by(AuditEvent.seq)
    ))  # fmt: skip
    actions = [e.action for e in events]
    # Three lists: the shortlist, the final tier and the extra award (kipp.demo.awards).
    for action, n in (("selection.publish", 3), ("objection.submit", 4),
                      ("objection.decide", 4), ("entry.disqualify", 1), ("selection.amend", 1),
                      ("selection.decree", 3), ("selection.decree_file", 3)):  # fmt: skip
        assert actions.count(action) == n, action
    times = [e.at for e in events]
    assert times == sorted(times) and all(t.year == 2025 for t in times)
    earlier = competition("KIPP 2021")
    decrees = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.competition_id == earlier.id)
    ).all()
    assert decrees.count("selection.decree") == 2


def test_the_replayed_clock_only_moves_forward_and_is_always_put_back(app):
    start = datetime(2025, 8, 4, 3, 0, tzinfo=UTC)
    with pytest.raises(RuntimeError), replayed(start) as replay:
        from kipp.publication import queries

        assert queries.now() == start
        assert replay.set(datetime(2025, 8, 5, tzinfo=UTC)) == queries.now()
        with pytest.raises(ValueError):
            replay.set(start)
        raise RuntimeError("boom")
    assert queries.now is clock.now
    assert Replay(start)() == start


def test_the_stand_in_decree_is_a_readable_pdf():
    data = text_pdf(["NOMOR 1/KEP (uji) \\ coba", "Pelayanan Publik – ĀB", "x" * 200])
    assert looks_like_pdf(data) and data == text_pdf(
        ["NOMOR 1/KEP (uji) \\ coba", "Pelayanan Publik – ĀB", "x" * 200]
    )
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert (
        "NOMOR 1/KEP (uji) \\ coba" in text and "Pelayanan Publik – ?B" in text
    )  # en dash kept, Ā replaced
    assert "x" * 95 in text and "x" * 96 not in text
