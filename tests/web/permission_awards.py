"""The extra awards' row of the page permission matrix (tests/web/matrix_extensions.py).

`GET /selection/{competition_id}/award/{code}`: an extra award's ranking, read like the
evaluation ranking it is drawn from (admin, panelists once the evaluation is over, the chair;
403 for the other roles, the login page for anonymous visitors). The world gives the base
world's ranked competition (stage shortlist) an extra award `top5_rep` of group umum. The route
only reads, so no state snapshot is added; its proposals go through the existing propose row.
"""

from __future__ import annotations

import pytest

from kipp.extensions import db
from kipp.models.awards import ExtraAward
from tests.web.matrix_extensions import web_expect

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/selection/<int:competition_id>/award/<code>",
        "expected": web_expect(403, admin=200, panelist=200, chair=200),
        "params": {"competition_id": "ranked_comp_id", "code": "=top5_rep"},
        "world": "awards_world",
    },
]


@pytest.fixture
def awards_world(world, make):
    award = ExtraAward(
        competition_id=world["ranked_comp_id"],
        code="top5_rep",
        label="Top 5 Replikasi",
        group="umum",
        size=5,
        position=0,
    )
    db.session.add(award)
    db.session.commit()
    return world
