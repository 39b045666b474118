"""Invitations to invitation-only groups (API v1.1 § Competition rules).

- `POST /competitions/{id}/invitations {"agency_id","group"}` (admin) → 201; a group that is not
  invitation-only or an unknown agency → 422, a second invitation of the same agency into the
  same group → 409 `conflict`, from stage `screening` on → 409 `invalid_stage`.
- `GET /competitions/{id}/invitations?group=` (admin) → `{"items","total","page","per_page"}`.
- `DELETE /invitations/{id}` (admin; others 404) → 204. Every change is audited.
"""

from __future__ import annotations

from flask_smorest import Blueprint

from kipp.api.auth import caller, require, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses_base import Int, Items, Out, Paged, Str, Time, problems
from kipp.api.schemas import Id, In, PageArgs, Text
from kipp.api.serializers import iso, page
from kipp.competitions import invitations as services
from kipp.competitions.queries_invitations import invitations_query
from kipp.extensions import db
from kipp.models.group_rules import Invitation
from kipp.permissions import can_manage_invitations

blp = Blueprint("invitations_api", __name__, url_prefix="/api/v1", description="Invitations")

GROUP_MAX = 30


class InvitationIn(In):
    agency_id = Id(required=True)
    group = Text(GROUP_MAX, 1, required=True)


class InvitationArgs(PageArgs):
    group = Text(GROUP_MAX)


class InvitationOut(Out):
    id = Int()
    competition_id = Int()
    group = Str()
    agency_id = Int()
    agency = Str()
    created_at = Time()


class InvitationPage(Paged):
    items = Items(InvitationOut)


def dump(inv: Invitation, tz: str) -> dict:
    return {
        "id": inv.id,
        "competition_id": inv.competition_id,
        "group": inv.group,
        "agency_id": inv.agency_id,
        "agency": inv.agency.name,
        "created_at": iso(inv.created_at, tz),
    }


@blp.post("/competitions/<int:competition_id>/invitations")
@blp.arguments(InvitationIn)
@blp.response(201, InvitationOut)
@blp.doc(responses=problems(409))
def create(data, competition_id):
    comp = get_competition(competition_id)
    actor = require(can_manage_invitations, comp)
    inv = services.invite(actor, comp, data["agency_id"], data["group"])
    db.session.commit()
    return dump(inv, comp.timezone)


@blp.get("/competitions/<int:competition_id>/invitations")
@blp.arguments(InvitationArgs, location="query")
@blp.response(200, InvitationPage)
@blp.doc(responses=problems(403))
def index(args, competition_id):
    comp = get_competition(competition_id)
    require(can_manage_invitations, comp)
    query = invitations_query(comp.id, args.get("group"))
    return page(query, args["page"], args["per_page"], lambda i: dump(i, comp.timezone))


@blp.delete("/invitations/<int:invitation_id>")
@blp.response(204)
@blp.doc(responses=problems(409))
def delete(invitation_id):
    user = caller()
    inv = visible_or_404(db.session.get(Invitation, invitation_id), can_manage_invitations(user))
    services.withdraw(user, inv)
    db.session.commit()
    return ""
