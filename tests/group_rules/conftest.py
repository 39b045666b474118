"""A competition with groups of their own rules: `umum` (the competition's criteria),
`replikasi` (its own criteria: fidelity to and adaptation of the source) and `khusus`
(invitation only, for former winners). `invited` holds an invitation to `khusus`; `outsider`
does not."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kipp.extensions import db
from kipp.models.group_rules import Invitation

REPLIKASI = [
    {"code": "kesetiaan", "name": "Kesetiaan pada inovasi asal", "weight": 40},
    {"code": "adaptasi", "name": "Adaptasi pada konteks lokal", "weight": 40},
    {"code": "keberlanjutan", "name": "Keberlanjutan", "weight": 20},
]
GROUPS = {
    "umum": {"quota": 10, "min_implementation_years": 2},
    "replikasi": {"quota": 5, "min_implementation_years": 1, "criteria": REPLIKASI},
    "khusus": {"quota": 2, "min_implementation_years": 2, "invitation_only": True},
}


@pytest.fixture
def w(make):
    comp = make.competition("submission", groups=GROUPS)
    invited = make.user("agency")
    outsider = make.user("agency")
    db.session.add(Invitation(competition_id=comp.id, group="khusus", agency_id=invited.agency_id))
    db.session.commit()
    return SimpleNamespace(
        comp=comp,
        admin=make.admin(),
        invited=invited,
        outsider=outsider,
        evaluator=make.user("evaluator"),
    )


def entry_body(comp, make, group="khusus", **extra) -> dict:
    return {
        "title": f"Inovasi {group}",
        "group": group,
        "summary": "Ringkasan.",
        "answers": make.full_answers(comp),
        "started_on": "2020-01-01",
        **extra,
    }
