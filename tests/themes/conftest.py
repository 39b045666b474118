"""Themes present whatever the database (PostgreSQL tests truncate the migration's seed) and a
small directory: `pub` (awarded, eligible, public: a directory innovation) and `hidden`
(eligible, not public) of the same agency, `other` of another agency (public)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kipp.extensions import db
from kipp.models.themes import Theme

SEED = {
    "health": ("Kesehatan", "Health"),
    "education": ("Pendidikan", "Education"),
    "poverty": ("Penanggulangan kemiskinan", "Poverty alleviation"),
}


@pytest.fixture
def themes(app):
    for code, (label_id, label_en) in SEED.items():
        if db.session.get(Theme, code) is None:
            db.session.add(Theme(code=code, label_id=label_id, label_en=label_en))
    db.session.commit()
    return SEED


@pytest.fixture
def w(make, themes):
    comp = make.competition("awarded", year=2024)
    draft_comp = make.competition("submission", year=2026)
    owner = make.user("agency")
    stranger = make.user("agency")
    pub = make.entry(comp, owner, "eligible", title="Puskesmas Keliling", public=True)
    pub.theme = "health"
    hidden = make.entry(comp, owner, "eligible", title="Rahasia", public=False)
    other = make.entry(comp, stranger, "eligible", title="Sekolah Rakyat", public=True)
    other.theme = "education"
    db.session.commit()
    return SimpleNamespace(
        comp=comp,
        draft_comp=draft_comp,
        owner=owner,
        stranger=stranger,
        admin=make.admin(),
        evaluator=make.user("evaluator"),
        pub=pub,
        hidden=hidden,
        other=other,
    )
