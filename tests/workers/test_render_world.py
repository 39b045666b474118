"""Builders for the document tests (imported by test_render_*, test_certificates_*,
test_verify_*): an awarded competition with finalised selections and submitted sheets, written
directly with the models (the judging rules have their own tests).

`build_world(make)` gives two agencies, four entries: A1 and A2 (agency A) in the shortlist,
A1 also in the final tier; B1 (agency B) in the shortlist; B2 in no selection. Every entry
but B2 has two submitted evaluation sheets and a draft.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from pypdf import PdfReader

from kipp.extensions import db
from kipp.judging.totals import sheet_total
from kipp.models import Assignment, Competition, Entry, ScoreValue, Selection, User
from tests.services import judging_fixtures


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    """Extracted text with line breaks and runs of blanks folded to one space."""
    return " ".join(text.split())


@dataclass
class World:
    comp: Competition
    admin: User
    owner_a: User
    owner_b: User
    chair: User
    panelist: User
    evaluators: list[User]
    a1: Entry
    a2: Entry
    b1: Entry
    b2: Entry
    shortlist: Selection
    final: Selection


def add_sheet(
    entry: Entry,
    reviewer: User,
    values: dict,
    round_: str = "evaluation",
    status: str = "submitted",
    comment: str | None = None,
) -> Assignment:
    comp = entry.competition
    weights = {c.code: c.weight for c in comp.round_criteria(round_)}
    parsed = {k: Decimal(str(v)) for k, v in values.items()}
    a = Assignment(
        competition_id=comp.id,
        entry_id=entry.id,
        user_id=reviewer.id,
        round=round_,
        status=status,
        comment=comment,
        total=sheet_total(parsed, weights) if status == "submitted" else None,
        submitted_at=datetime(2026, 8, 1, 3, 0, tzinfo=UTC) if status == "submitted" else None,
    )
    a.values = [ScoreValue(criterion_code=k, value=v) for k, v in parsed.items()]
    db.session.add(a)
    db.session.commit()
    return a


def every(comp: Competition, value, round_: str = "evaluation") -> dict:
    return {c.code: value for c in comp.round_criteria(round_)}


def selection(comp: Competition, tier: str, entries: list[Entry], chair: User, **extra):
    finalised = {
        "snapshot_sha256": "ab" * 32,
        "finalized_at": datetime(2026, 9, 1, 2, 0, tzinfo=UTC),
    }
    return judging_fixtures.selection(comp, tier, entries, chair, **(finalised | extra))


def build_world(make, stage: str = "awarded", tag: str = "", **competition) -> World:
    comp = make.competition(stage=stage, **competition)
    admin = make.admin()
    agency_a = make.agency(name="Pemerintah Kabupaten Banyuwangi" + tag)
    agency_b = make.agency(
        name="Pemerintah Kota Surabaya" + tag, kind="kota", province="Jawa Timur"
    )
    owner_a = make.user("agency", agency=agency_a)
    owner_b = make.user("agency", agency=agency_b)
    chair = make.user("chair", name="Ketua Panel")
    panelist = make.user("panelist", name="Anggota Panel")
    evaluators = [
        make.user("evaluator", name="Dr. Sri Wahyuni"),
        make.user("evaluator", name="Prof. Bambang Hartono"),
        make.user("evaluator", name="Ir. Draft Reviewer"),
    ]
    a1 = make.entry(comp, owner_a, status="eligible", title="Smart Kampung Banyuwangi")
    a2 = make.entry(comp, owner_a, status="eligible", title="Mal Pelayanan Publik Terpadu")
    b1 = make.entry(comp, owner_b, status="eligible", title="Surabaya Single Window")
    b2 = make.entry(comp, owner_b, status="eligible", title="Tidak Terpilih")
    for n, entry in enumerate((a1, a2, b1)):
        add_sheet(entry, evaluators[0], every(comp, 80 + n), comment="Inovasi yang baik.")
        add_sheet(entry, evaluators[1], every(comp, "70.25"))
        add_sheet(entry, evaluators[2], every(comp, 10), status="draft")
    shortlist = selection(comp, "shortlist", [a1, a2, b1], chair, size=99)
    final = selection(comp, "final", [a1], chair, size=45)
    return World(
        comp, admin, owner_a, owner_b, chair, panelist, evaluators, a1, a2, b1, b2, shortlist, final
    )


def test_world_is_consistent(make):
    w = build_world(make)
    assert w.comp.stage == "awarded"
    assert {se.entry_id for se in w.shortlist.entries} == {w.a1.id, w.a2.id, w.b1.id}
    assert [se.entry_id for se in w.final.entries] == [w.a1.id]
