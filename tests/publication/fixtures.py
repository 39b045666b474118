"""Builders for the publication tests: a scored competition whose shortlist is finalised
through the services (so amendments rank against a real ranking), optionally published."""

from __future__ import annotations

from dataclasses import dataclass

from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Selection
from kipp.publication import objections, services
from tests.services.judging_fixtures import JudgingWorld, set_stage
from tests.services.test_api_ranking import scored_world

STATEMENT = "Inovasi ini sudah pernah menang pada tahun sebelumnya dengan nama yang berbeda."
ANSWER = "Setelah diperiksa, bukti yang diajukan benar dan inovasi didiskualifikasi."
A = "/api/v1"
# One reviewer's total per entry: entries 0..2 make the Top 3; 3 and 4 tie at 75.
TOTALS = [[90], [85], [80], [75], [75], [70]]


@dataclass
class PubWorld:
    w: JudgingWorld
    sel: Selection

    @property
    def comp(self):
        return self.w.comp

    @property
    def admin(self):
        return self.w.admin

    @property
    def chair(self):
        return self.w.chair

    @property
    def entries(self):
        return self.w.entries


def shortlist_world(make, totals=None, size=3, publish=True, closes_at=None) -> PubWorld:
    w = scored_world(make, totals or TOTALS, shortlist_size=size, final_size=1)
    set_stage(w.comp, "shortlist")
    sel = selections.propose(w.chair, w.comp, "shortlist")
    selections.finalize(w.chair, sel)
    db.session.commit()
    if publish:
        services.publish(w.admin, sel, closes_at)
        db.session.commit()
    return PubWorld(w, sel)


def submit(pw: PubWorld, entry=None, ip="203.0.113.7", **kw):
    """An objection through the service, committed."""
    obj = objections.submit(
        pw.sel,
        entry_id=(entry or pw.entries[0]).id,
        name=kw.get("name", "Warga Peduli"),
        email=kw.get("email", "warga@example.id"),
        statement=kw.get("statement", STATEMENT),
        ip=ip,
    )
    db.session.commit()
    return obj


def body(entry_id, **kw) -> dict:
    return {
        "entry_id": entry_id,
        "name": "Warga Peduli",
        "email": "warga@example.id",
        "statement": STATEMENT,
    } | kw
