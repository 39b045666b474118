"""Publication, objections, amendments and decrees (API v1.1 § Publication and objections).

Thin views: the rules live in `kipp.publication.services` and `kipp.publication.objections`.
The public operations (under /api/v1/public/) answer 404 for anything unpublished and never
show an objector's name, e-mail or statement.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, require, visible_or_404
from kipp.api.responses_base import problems
from kipp.api.responses_publication import (
    DECREE_UPLOAD_BODY,
    OBJECTION_409,
    ObjectionFullList,
    ObjectionFullOut,
    ObjectionReceivedOut,
    ObjectionRegisterList,
    PublicationOut,
)
from kipp.api.schemas import Id, In, Text
from kipp.api.serializers import iso
from kipp.caching import cacheable
from kipp.errors import NotFound, ValidationFailed
from kipp.extensions import db
from kipp.limits import COMMENT_MAX, LIST_MAX, TEXT_MAX
from kipp.models import Competition, Selection
from kipp.models.publication import Objection
from kipp.permissions import can_amend, can_publish, can_read_objections, can_view_ranking
from kipp.publication import objections, services
from kipp.publication.queries import (
    amendments,
    objection_register,
    public_status,
    published_selection,
    selection_entries,
)

blp = Blueprint(
    "api_publication",
    __name__,
    url_prefix="/api/v1",
    description="Publication, objections, amendments and decrees",
)


class PublishIn(In):
    objection_closes_at = fields.DateTime(allow_none=True)


class ObjectionIn(In):
    entry_id = fields.Integer(required=True, strict=True, validate=validate.Range(1, 2**31 - 1))
    name = Text(1_000, required=True)
    email = Text(1_000, required=True)
    statement = Text(TEXT_MAX, required=True)


class DecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(("uphold", "dismiss")))
    answer = Text(TEXT_MAX, required=True)


class AmendIn(In):
    add = fields.List(Id(strict=True), allow_none=True, validate=validate.Length(max=LIST_MAX))
    justifications = fields.Dict(
        keys=fields.String(validate=validate.Length(max=20)),
        values=fields.String(allow_none=True, validate=validate.Length(max=COMMENT_MAX)),
        validate=validate.Length(max=LIST_MAX),
    )


class DecreeIn(In):
    number = Text(1_000, required=True)
    signed_on = fields.Date(required=True)


# ----------------------------------------------------------------- bodies
def publication_json(sel: Selection) -> dict:
    tz = db.session.get(Competition, sel.competition_id).timezone
    placed = selection_entries(sel)
    decree = None
    if sel.decree_number is not None:
        decree = {
            "number": sel.decree_number,
            "signed_on": sel.decree_signed_on.isoformat(),
            "file_sha256": sel.decree_sha256,
        }
    return {
        "id": sel.id,
        "competition_id": sel.competition_id,
        "tier": sel.tier,
        "status": sel.status,
        "published_at": iso(sel.published_at, tz),
        "objection_closes_at": iso(sel.objection_closes_at, tz),
        "public_status": public_status(sel),
        "snapshot_sha256": sel.snapshot_sha256,
        "listed": [p.entry_id for p in placed if p.status == "listed"],
        "disqualified": [p.entry_id for p in placed if p.status == "disqualified"],
        "amendments": [
            {
                "removed": a.removed,
                "added": a.added,
                "at": iso(a.at, tz),
                "snapshot_sha256": a.snapshot_sha256,
            }
            for a in amendments(sel)
        ],
        "decree": decree,
    }


def objection_json(obj: Objection, tz: str) -> dict:
    return {
        "id": obj.id,
        "reference": obj.reference,
        "entry_id": obj.entry_id,
        "name": obj.name,
        "email": obj.email,
        "statement": obj.statement,
        "status": obj.status,
        "answer": obj.answer,
        "decided_at": iso(obj.decided_at, tz),
    }


def public_objection_json(obj: Objection, tz: str) -> dict:
    return {
        "reference": obj.reference,
        "entry_id": obj.entry_id,
        "status": obj.status,
        "answer": obj.answer,
        "decided_at": iso(obj.decided_at, tz),
    }


def _selection(selection_id: int) -> Selection:
    """The selection if the caller may read selections (else 404)."""
    sel = db.session.get(Selection, selection_id)
    return visible_or_404(sel, sel is not None and can_view_ranking(caller()))


def _tz(sel: Selection) -> str:
    return db.session.get(Competition, sel.competition_id).timezone


# ----------------------------------------------------------------- secretariat and chair
@blp.post("/selections/<int:selection_id>/publish")
@blp.arguments(PublishIn)
@blp.response(
    200,
    PublicationOut,
    description="Admin. Default window end: 23:59:59 on the fifth day after publishing, in "
    "the competition's timezone. Each agency in the list is mailed.",
)
@blp.doc(responses=problems(409))
def publish(data, selection_id):
    sel = _selection(selection_id)
    user = require(can_publish)
    services.publish(user, sel, data.get("objection_closes_at"))
    db.session.commit()
    return publication_json(sel)


@blp.get("/selections/<int:selection_id>/objections")
@blp.response(200, ObjectionFullList, description="Admin and chair; oldest first.")
@blp.doc(responses=problems(403))
def objection_index(selection_id):
    sel = _selection(selection_id)
    require(can_read_objections)
    tz = _tz(sel)
    items = [objection_json(o, tz) for o in objection_register(sel)]
    return {"items": items, "total": len(items)}


@blp.post("/objections/<int:objection_id>/decision")
@blp.arguments(DecisionIn)
@blp.response(
    200,
    ObjectionFullOut,
    description="Admin. Upholding disqualifies the entry (status, later rounds, certificate "
    "revoked with the answer as reason). The objector is mailed.",
)
@blp.doc(responses=problems(409))
def decide(data, objection_id):
    obj = db.session.get(Objection, objection_id)
    visible_or_404(obj, obj is not None and can_read_objections(caller()))
    user = require(can_publish)
    objections.decide(user, obj, data["decision"], data["answer"])
    db.session.commit()
    return objection_json(obj, _tz(obj.selection))


@blp.post("/selections/<int:selection_id>/amend")
@blp.arguments(AmendIn)
@blp.response(
    200,
    PublicationOut,
    description="Chair. Replaces disqualified entries; without `add` the next places of the "
    "ranking are taken (a split tie answers 409 tie_at_cut).",
)
@blp.doc(responses=problems(409))
def amend(data, selection_id):
    sel = _selection(selection_id)
    user = require(can_amend)
    services.amend(user, sel, data.get("add"), data.get("justifications"))
    db.session.commit()
    return publication_json(sel)


@blp.post("/selections/<int:selection_id>/decree")
@blp.arguments(DecreeIn)
@blp.response(200, PublicationOut, description="Admin; the selection becomes `fixed`.")
@blp.doc(responses=problems(409))
def decree(data, selection_id):
    sel = _selection(selection_id)
    user = require(can_publish)
    services.record_decree(user, sel, data["number"], data["signed_on"])
    db.session.commit()
    return publication_json(sel)


@blp.post("/selections/<int:selection_id>/decree/file")
@blp.response(200, PublicationOut, description="Admin. Multipart `file`: the signed PDF.")
@blp.doc(requestBody=DECREE_UPLOAD_BODY, responses=problems(409, 413, 415, 422))
def decree_file(selection_id):
    sel = _selection(selection_id)
    user = require(can_publish)
    upload = request.files.get("file")
    if upload is None:
        msg = _("Choose a file.")
        raise ValidationFailed(msg, errors={"file": [msg]})
    limit = current_app.config["KIPP_MAX_UPLOAD_BYTES"]
    services.attach_decree_file(user, sel, upload.read(limit + 1), limit)
    db.session.commit()
    return publication_json(sel)


# ----------------------------------------------------------------- public
def _published(selection_id: int) -> Selection:
    sel = published_selection(selection_id)
    if sel is None:
        raise NotFound(_("Not found."))
    return sel


@blp.post("/public/selections/<int:selection_id>/objections")
@blp.arguments(ObjectionIn)
@blp.response(
    201,
    ObjectionReceivedOut,
    description="No login. The objector is mailed the reference. At most 5 per IP address "
    "per hour (429 rate_limited).",
)
@blp.doc(responses={**problems(429), **OBJECTION_409})
def object_to(data, selection_id):
    sel = _published(selection_id)
    obj = objections.submit(
        sel,
        entry_id=data["entry_id"],
        name=data["name"],
        email=data["email"],
        statement=data["statement"],
        ip=request.remote_addr,
    )
    db.session.commit()
    return {"reference": obj.reference, "status": obj.status}


@blp.get("/public/selections/<int:selection_id>/objections")
@cacheable()
@blp.response(
    200,
    ObjectionRegisterList,
    description="No login. The register: reference, entry, status and answer only.",
)
@blp.doc(responses={"304": {"description": "Not modified (If-None-Match matched the ETag)."}})
def public_objections(selection_id):
    sel = _published(selection_id)
    tz = _tz(sel)
    items = [public_objection_json(o, tz) for o in objection_register(sel)]
    return {"items": items, "total": len(items)}
