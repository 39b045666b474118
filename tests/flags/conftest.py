"""Worlds of the flag tests: earlier years with finalised tiers, a year being screened."""

from __future__ import annotations

import pytest

from kipp.extensions import db
from kipp.models.judging import Selection, SelectionEntry


def tier(comp, name, entries, created_by, status="final"):
    """A selection of `comp` holding `entries` (finalised unless `status` says otherwise)."""
    sel = Selection(
        competition_id=comp.id, tier=name, size=len(entries), created_by_id=created_by.id
    )
    sel.status = status
    sel.entries = [SelectionEntry(entry_id=e.id, place=n) for n, e in enumerate(entries, 1)]
    db.session.add(sel)
    db.session.commit()
    return sel


@pytest.fixture
def history(make):
    """Agency A won in 2023 ("Mal Pelayanan Publik Terpadu"), was shortlisted in 2022 and 2024
    with "Sistem Antrian Online Puskesmas"; agency B was shortlisted once (2024) with a title
    like A's. In 2026 (screening): A resubmits both titles (re-spelt), B the same, two other
    agencies send near-identical titles, one draft copies A's winner."""
    admin = make.admin()
    a, b, c, d = (make.user("agency") for _ in range(4))
    years = {y: make.competition(stage="awarded", year=y) for y in (2022, 2023, 2024)}
    won = make.entry(years[2023], a, status="eligible", title="Mal Pelayanan Publik Terpadu")
    s22 = make.entry(years[2022], a, status="eligible", title="Sistem Antrian Online Puskesmas")
    s24 = make.entry(years[2024], a, status="eligible", title="Sistem Antrian Online Puskesmas 2.0")
    b24 = make.entry(years[2024], b, status="eligible", title="Sistem Antrian Online Puskesmas")
    lost = make.entry(years[2022], a, status="eligible", title="Mal Pelayanan Publik Terpadu")
    tier(years[2023], "shortlist", [won], admin)
    tier(years[2023], "final", [won], admin)
    tier(years[2022], "shortlist", [s22], admin)
    tier(years[2022], "final", [lost], admin, status="proposed")  # never finalised
    tier(years[2024], "shortlist", [s24, b24], admin)
    # C's 2024 winner was disqualified after an upheld objection: it counts for nothing.
    dq = make.entry(years[2024], c, status="disqualified", title="Bank Sampah Digital Kelurahan")
    tier(years[2024], "final", [dq], admin)
    now = make.competition(stage="screening", year=2026)
    entries = {
        "winner_again": make.entry(
            now, a, status="submitted", title="MAL PELAYANAN PUBLIK TERPADU"
        ),
        "twice": make.entry(now, a, status="submitted", title="Sistem Antrian Onlíne Puskesmas"),
        "b_once": make.entry(now, b, status="submitted", title="Sistem Antrian Online Puskesmas"),
        "dup1": make.entry(now, c, status="submitted", title="Aplikasi Lapor Cepat Warga Desa"),
        "dup2": make.entry(now, d, status="eligible", title="Aplikasi Lapor Cepat Warga Desa!"),
        "plain": make.entry(now, c, status="submitted", title="Bank Sampah Digital Kelurahan"),
        "draft": make.entry(now, d, status="draft", title="Bank Sampah Digital Kelurahan"),
    }
    return {
        "admin": admin,
        "users": {"a": a, "b": b, "c": c, "d": d},
        "comp": now,
        "won": won,
        "s22": s22,
        "s24": s24,
        "b24": b24,
        "lost": lost,
        **entries,
    }
