"""The group rules' rows of the permission matrices (tests/web/matrix_extensions.py).

`group_rules_world`: the base world plus a competition in `submission` whose `khusus` group is
invitation only, with the owner's agency invited. Invitations are the secretariat's: every
other role may read the competition but not its invitations (403 on the competition's routes)
and may not even see an invitation (404 on the invitation's own route). The admin's invitation
goes to the other agency.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.competitions.invitations import invite
from kipp.extensions import db
from kipp.models.group_rules import Invitation
from kipp.models.mail import Mail
from tests.web.matrix_extensions import LOGIN, api_expect, web_expect

A = "/api/v1"
W = "group_rules_world"
COMP = {"competition_id": "gr_comp_id"}
INV = {"invitation_id": "gr_invitation_id"}
GROUPS = {
    "umum": {"quota": 10, "min_implementation_years": 2},
    "khusus": {"quota": 2, "min_implementation_years": 2, "invitation_only": True},
}

API_ROWS = [
    {
        "method": "POST",
        "rule": f"{A}/competitions/<int:competition_id>/invitations",
        "expected": api_expect(403, admin=201),
        "body": "gr_invite",
        "params": COMP,
        "world": W,
    },
    {
        "method": "GET",
        "rule": f"{A}/competitions/<int:competition_id>/invitations",
        "expected": api_expect(403, admin=200),
        "params": COMP,
        "world": W,
    },
    {
        "method": "DELETE",
        "rule": f"{A}/invitations/<int:invitation_id>",
        "expected": api_expect(404, admin=204),
        "params": INV,
        "world": W,
    },
]

WEB_ROWS = [
    {
        "method": "GET",
        "rule": "/admin/competitions/<int:competition_id>/invitations",
        "expected": web_expect(403, admin=200),
        "params": COMP,
        "world": W,
    },
    {
        "method": "POST",
        "rule": "/admin/competitions/<int:competition_id>/invitations",
        "expected": web_expect(403, admin=302),
        "form": "gr_invite",
        "params": COMP,
        "world": W,
    },
    {
        "method": "POST",
        "rule": "/admin/invitations/<int:invitation_id>/delete",
        "expected": web_expect(403, admin=302),
        "params": INV,
        "world": W,
    },
]
assert all(row["expected"]["anonymous"] == LOGIN for row in WEB_ROWS)


@pytest.fixture
def group_rules_world(world, make):
    users = world["users"]
    comp = make.competition("draft", groups=GROUPS)
    inv = invite(users["admin"], comp, users["owner"].agency_id, "khusus")
    comp.stage = "submission"
    db.session.commit()
    return world | {
        "gr_comp_id": comp.id,
        "gr_invitation_id": inv.id,
        "gr_other_agency_id": users["other"].agency_id,
    }


def api_body(name: str, world: dict, role: str) -> dict | None:
    if name == "gr_invite":
        return {"agency_id": world["gr_other_agency_id"], "group": "khusus"}
    return None


def web_form(name: str, ids: dict) -> dict | None:
    if name == "gr_invite":
        return {"group": "khusus", "agency_id": str(ids["gr_other_agency_id"])}
    return None


def state() -> tuple:
    """Invitations and the mails they queue: a refused request changes neither."""
    rows = db.session.execute(
        select(Invitation.id, Invitation.competition_id, Invitation.group, Invitation.agency_id)
    ).all()
    mails = db.session.scalars(select(Mail.id).where(Mail.kind == "group_invitation")).all()
    return sorted(rows), sorted(mails)
