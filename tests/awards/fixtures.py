"""Builders for the extra-award tests: a scored competition with entries in two groups and an
award drawn from the replikasi group."""

from __future__ import annotations

from kipp.extensions import db
from kipp.models import Entry
from tests.services.test_api_ranking import scored_world

A = "/api/v1"
REASON = "Inovasi ini direplikasi di banyak daerah dan dampaknya terukur dengan baik."
AWARD = {"code": "top2_rep", "label": "Top 2 Replikasi", "group": "replikasi", "size": 2}
# One reviewer's total per entry. Replikasi (entries 1, 3, 4, 5) ranks 85, 75, 75, 70: the
# award's cut at 2 splits the tie of entries 3 and 4.
TOTALS = [[90], [85], [80], [75], [75], [70]]
REPLIKASI = (1, 3, 4, 5)


def award_world(make, totals=None, replikasi=REPLIKASI, awards=None, **kw):
    """A competition in stage `evaluation` scored by `totals`, entries `replikasi` moved to
    group replikasi, with the extra award(s) `awards` (default AWARD)."""
    w = scored_world(
        make,
        totals or TOTALS,
        shortlist_size=kw.pop("shortlist_size", 3),
        final_size=1,
        extra_awards=awards if awards is not None else [AWARD],
        **kw,
    )
    for i in replikasi:
        db.session.execute(
            db.update(Entry).where(Entry.id == w.entries[i].id).values(group="replikasi")
        )
    db.session.commit()
    db.session.refresh(w.comp)
    return w
