"""A small directory world: two awarded years and one year still being judged."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from kipp.extensions import db
from kipp.models import Selection, SelectionEntry


def publish(make, comp, tier, entries, *, published=True):
    """A finalised `tier` selection of `entries`, published unless told otherwise."""
    admin = make.admin()
    sel = Selection(
        competition_id=comp.id,
        tier=tier,
        status="final",
        size=len(entries),
        created_by_id=admin.id,
        finalized_at=datetime.now(UTC),
        published_at=datetime.now(UTC) if published else None,
    )
    db.session.add(sel)
    db.session.flush()
    for place, e in enumerate(entries, 1):
        db.session.add(SelectionEntry(selection_id=sel.id, entry_id=e.id, place=place))
    db.session.commit()
    return sel


@dataclass
class World:
    e: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    comps: dict = field(default_factory=dict)


@pytest.fixture
def world(make):
    """2024 (awarded): `final` in the published final and shortlist; `short` in the published
    shortlist only; `consented` eligible + public; `private` eligible, not public; `dq`
    disqualified though listed. 2025 (awarded): `replica` (replikasi, replicates `final`,
    public) and `replica2`. 2026 (shortlist): `pending` in an unpublished shortlist and
    `early` eligible + public (not awarded yet)."""
    w = World()
    jkt = make.agency("Dinas Kesehatan DKI Jakarta", "provinsi", "DKI Jakarta")
    pap = make.agency("Kabupaten Jayapura", "kabupaten", "Papua", is_3t=True)
    sby = make.agency("Kota Surabaya", "kota", "Jawa Timur")
    u = {a: make.user("agency", agency=a) for a in (jkt, pap, sby)}
    w.users = {"jkt": u[jkt], "pap": u[pap], "sby": u[sby]}
    c24 = make.competition("awarded", year=2024)
    c25 = make.competition("awarded", year=2025)
    c26 = make.competition("shortlist", year=2026)
    w.comps = {2024: c24, 2025: c25, 2026: c26}
    mk = make.entry
    w.e["final"] = mk(
        c24,
        u[jkt],
        "eligible",
        title="Pelayanan Kesehatan Keliling",
        summary="Mobile health services that reach villages every week.",
    )
    w.e["short"] = mk(
        c24, u[pap], "eligible", title="Antrean Daring Puskesmas", summary="Online queue."
    )
    w.e["consented"] = mk(
        c24, u[sby], "eligible", title="Sampah Jadi Berkah", summary="Bank sampah.", public=True
    )
    w.e["private"] = mk(c24, u[sby], "eligible", title="Rahasia Kota", summary="Tidak publik.")
    w.e["dq"] = mk(c24, u[sby], "disqualified", title="Didiskualifikasi", summary="Keluar.")
    publish(make, c24, "shortlist", [w.e["final"], w.e["short"], w.e["dq"]])
    publish(make, c24, "final", [w.e["final"], w.e["dq"]])
    w.e["replica"] = mk(
        c25,
        u[pap],
        "eligible",
        group="replikasi",
        title="Layanan Kesehatan Bergerak",
        summary="Replikasi layanan keliling.",
        replicates_entry_id=w.e["final"].id,
        public=True,
    )
    w.e["replica2"] = mk(
        c25,
        u[sby],
        "eligible",
        group="replikasi",
        title="Klinik Keliling Surabaya",
        summary="Melayani warga.",
        replicates_entry_id=w.e["final"].id,
        public=True,
    )
    w.e["pending"] = mk(c26, u[jkt], "eligible", title="Belum Diumumkan", summary="Rahasia.")
    w.e["early"] = mk(c26, u[sby], "eligible", title="Terlalu Dini", summary="x", public=True)
    publish(make, c26, "shortlist", [w.e["pending"]], published=False)
    return w


VISIBLE = {"final", "short", "consented", "replica", "replica2"}
