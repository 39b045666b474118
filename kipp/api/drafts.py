"""Drafting units (API v1.1 § Competition rules, role `drafter`): the agency's drafters.

- `GET /agency/drafters` (an agency account) → `{"items": [...], "total"}`: the drafters of its
  agency with how many of their entries are drafts and submitted, and whether they still have
  to accept their invitation.
- `POST /agency/drafters {"email","name","locale"?}` (an agency account) → 201: a `drafter` of
  the caller's agency, mailed an invitation (`invitation`, 72 h) to set its password; an e-mail
  already registered → 409 `conflict`.
- `PATCH /agency/drafters/{id} {"active","version"?}` → 200: switch a drafter off (its sessions
  and tokens die; its drafts stay with the agency) or on again. A drafter of another agency, or
  any other account → 404; a stale `version` → 409 `stale_version`.

Every other role gets 403 `forbidden` (the secretariat manages every account at `/users`).
What drafters may do with entries is decided by `kipp.permissions` (`drafted_entry`,
`can_submit_entry`) in the entries API itself.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import require, visible_or_404
from kipp.api.responses_base import problems
from kipp.api.responses_drafters import DrafterList, DrafterOut
from kipp.api.schemas import In, Text, Version
from kipp.competitions.services import check_version
from kipp.drafters import queries, services
from kipp.drafters.queries import DrafterRow
from kipp.extensions import db
from kipp.limits import EMAIL_MAX, NAME_MAX
from kipp.permissions import can_manage_drafters

blp = Blueprint("drafts_api", __name__, url_prefix="/api/v1", description="Drafting units")


class DrafterIn(In):
    email = Text(EMAIL_MAX, 3, required=True)
    name = Text(NAME_MAX, 1, required=True)
    locale = fields.String(validate=validate.OneOf(("id", "en")))


class DrafterPatch(In):
    active = fields.Boolean(required=True)
    version = Version()


def dump(row: DrafterRow) -> dict:
    u = row.user
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "active": u.active,
        "invited": row.invited,
        "drafts": row.drafts,
        "submitted": row.submitted,
        "version": u.version,
    }


def row_of(user_id: int, agency_id: int) -> DrafterRow:
    return next(r for r in queries.drafters(agency_id) if r.user.id == user_id)


@blp.get("/agency/drafters")
@blp.response(200, DrafterList)
@blp.doc(responses=problems(403))
def index():
    actor = require(can_manage_drafters)
    items = [dump(r) for r in queries.drafters(actor.agency_id)]
    return {"items": items, "total": len(items)}


@blp.post("/agency/drafters")
@blp.arguments(DrafterIn)
@blp.response(201, DrafterOut)
@blp.doc(responses=problems(409))
def invite(data):
    """Invite a drafter of the caller's agency; it is mailed a link to set its password."""
    actor = require(can_manage_drafters)
    user = services.invite_drafter(actor, data["email"], data["name"], data.get("locale"))
    db.session.commit()
    return dump(row_of(user.id, actor.agency_id))


@blp.patch("/agency/drafters/<int:user_id>")
@blp.arguments(DrafterPatch)
@blp.response(200, DrafterOut)
@blp.doc(responses=problems(409))
def patch(data, user_id):
    actor = require(can_manage_drafters)
    drafter = visible_or_404(services.drafter_of(actor, user_id), True)
    check_version(drafter, data.get("version"))
    services.set_active(actor, drafter, data["active"])
    db.session.commit()
    return dump(row_of(drafter.id, actor.agency_id))
