"""/assignments, /me/assignments and score sheets (API contract § Assignments and scores).

Visibility: an assignment and its sheet are visible to the assigned reviewer and to admins;
anyone else gets 404, and so does a reviewer who conflicts with the entry (a conflict declared
after assignment: the sheet is deleted, or kept and marked `conflicted` once submitted).
Only the assigned reviewer writes the sheet (admins get 404 on PUT/submit, as the contract
says "others → 404"); only admins create, delete and reopen (a reviewer who can see the
assignment gets 403).

JSON numbers: score values and totals are computed as exact Decimals and sent as JSON
numbers (the float of the 2-decimal value, e.g. 85.5). A draft's `total` is its running
total with missing values counted as 0; a pending sheet's `total` is null.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api import serializers as out
from kipp.api.auth import caller, require, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses_base import problems
from kipp.api.responses_judging import (
    AssignmentOut,
    AssignmentPage,
    AutoAssignOut,
    LoadList,
    MyAssignmentPage,
    SheetOut,
)
from kipp.api.schemas import In
from kipp.api.serializers_judging import dump_assignment, dump_mine, dump_sheet
from kipp.errors import Forbidden, ValidationFailed
from kipp.extensions import db
from kipp.judging import assignments as service
from kipp.judging import scoring
from kipp.judging.coverage import assignment_listing
from kipp.models import ROUNDS, Assignment, Entry, User
from kipp.permissions import can_assign, can_read_sheet, can_score, is_admin, is_reviewer

blp = Blueprint(
    "api_judging", __name__, url_prefix="/api/v1", description="Assignments and score sheets"
)


# ----------------------------------------------------------------- schemas
class AutoAssignIn(In):
    round = fields.String(required=True, validate=validate.OneOf(ROUNDS))
    per_entry = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=1))
    max_load = fields.Integer(strict=True, allow_none=True, validate=validate.Range(min=0))


class AssignmentIn(In):
    entry_id = fields.Integer(required=True, strict=True)
    user_id = fields.Integer(required=True, strict=True)
    round = fields.String(required=True, validate=validate.OneOf(ROUNDS))


class AssignmentRoundArgs(In):
    round = fields.String(validate=validate.OneOf(ROUNDS))


class AssignmentListArgs(AssignmentRoundArgs):
    status = fields.String(validate=validate.OneOf(("pending", "draft", "submitted")))
    user_id = fields.Integer()
    entry_id = fields.Integer()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class MyAssignmentArgs(AssignmentListArgs):
    competition_id = fields.Integer()


class ScoreSheetIn(In):
    # Values stay raw here: the service validates each one and reports errors per code.
    values = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)
    comment = fields.String(allow_none=True)
    version = fields.Integer(strict=True)


class ScoreVersionIn(In):
    version = fields.Integer(strict=True)


class ScoreReopenIn(In):
    reason = fields.String(required=True)


def get_assignment(assignment_id: int) -> Assignment:
    """The assignment if the caller may read its sheet (assigned reviewer, admin), else 404."""
    user = caller()
    a = db.session.get(Assignment, assignment_id)
    return visible_or_404(a, a is not None and can_read_sheet(user, a))


def get_own_assignment(assignment_id: int) -> Assignment:
    """The assignment if the caller is its reviewer; anyone else (admins too) gets 404."""
    user = caller()
    a = db.session.get(Assignment, assignment_id)
    return visible_or_404(a, a is not None and can_score(user, a))


# ----------------------------------------------------------------- assignments
@blp.post("/competitions/<int:competition_id>/assignments/auto")
@blp.arguments(AutoAssignIn)
@blp.response(200, AutoAssignOut)
@blp.doc(responses=problems(409))
def auto(data, competition_id):
    """Complete the round's assignments; 409 capacity_insufficient creates nothing."""
    comp = get_competition(competition_id)
    actor = require(can_assign)
    result = service.auto_assign(
        actor, comp, data["round"], data.get("per_entry"), data.get("max_load")
    )
    db.session.commit()
    return {
        "created": result["created"],
        "per_reviewer": {str(k): v for k, v in result["per_reviewer"].items()},
        "round": result["round"],
        "per_entry": result["per_entry"],
        "max_load": result["max_load"],
    }


@blp.get("/competitions/<int:competition_id>/assignments")
@blp.arguments(AssignmentListArgs, location="query")
@blp.response(200, AssignmentPage)
@blp.doc(responses=problems(403))
def index(args, competition_id):
    """Every assignment of the competition (paged) with each reviewer's load and progress."""
    comp = get_competition(competition_id)
    require(can_assign)
    body = out.page(
        assignment_listing([Assignment.competition_id == comp.id], args),
        args["page"],
        args["per_page"],
        dump_assignment,
    )
    where = [Assignment.competition_id == comp.id]
    if args.get("round"):
        where.append(Assignment.round == args["round"])
    body["progress"] = scoring.progress_counts(where)
    body["loads"] = scoring.reviewer_loads(comp, args.get("round"))
    return body


@blp.get("/competitions/<int:competition_id>/assignments/loads")
@blp.arguments(AssignmentRoundArgs, location="query")
@blp.response(200, LoadList)
@blp.doc(responses=problems(403))
def loads(args, competition_id):
    comp = get_competition(competition_id)
    require(can_assign)
    items = scoring.reviewer_loads(comp, args.get("round"))
    return {"items": items, "total": len(items)}


@blp.post("/assignments")
@blp.arguments(AssignmentIn)
@blp.response(201, AssignmentOut)
@blp.doc(responses=problems(409))
def create(data):
    actor = require(can_assign)
    entry = db.session.get(Entry, data["entry_id"])
    reviewer = db.session.get(User, data["user_id"])
    comp = entry.competition if entry else None
    if comp is None:
        raise ValidationFailed(
            _("Check the highlighted fields."), errors={"entry_id": [_("Unknown entry.")]}
        )
    a = service.create_assignment(actor, comp, entry, reviewer, data["round"])
    db.session.commit()
    return dump_assignment(a)


@blp.get("/assignments/<int:assignment_id>")
@blp.response(200, AssignmentOut)
def show(assignment_id):
    return dump_assignment(get_assignment(assignment_id))


@blp.delete("/assignments/<int:assignment_id>")
@blp.response(204)
@blp.doc(responses=problems(409))
def delete(assignment_id):
    a = get_assignment(assignment_id)
    actor = require(can_assign)
    service.delete_assignment(actor, a)
    db.session.commit()
    return ""


@blp.get("/me/assignments")
@blp.arguments(MyAssignmentArgs, location="query")
@blp.response(200, MyAssignmentPage)
@blp.doc(responses=problems(403))
def mine(args):
    """The caller's own assignments (reviewers only) with progress counts; a sheet marked
    conflicted (a conflict declared after submitting it) is no longer theirs to see."""
    user = caller()
    if not is_reviewer(user):
        raise Forbidden(_("Only reviewers have assignments."))
    where = [Assignment.user_id == user.id, Assignment.conflicted.is_(False)]
    body = out.page(assignment_listing(where, args), args["page"], args["per_page"], dump_mine)
    for key in ("round", "competition_id"):
        if args.get(key) is not None:
            where.append(getattr(Assignment, key) == args[key])
    body["progress"] = scoring.progress_counts(where)
    return body


# ----------------------------------------------------------------- score sheets
@blp.get("/assignments/<int:assignment_id>/score")
@blp.response(200, SheetOut)
def sheet(assignment_id):
    return dump_sheet(get_assignment(assignment_id))


@blp.put("/assignments/<int:assignment_id>/score")
@blp.arguments(ScoreSheetIn)
@blp.response(200, SheetOut)
@blp.doc(responses=problems(409))
def save(data, assignment_id):
    a = get_own_assignment(assignment_id)
    kwargs = {"comment": data["comment"]} if "comment" in data else {}
    scoring.save_sheet(caller(), a, data["values"], version=data.get("version"), **kwargs)
    db.session.commit()
    return dump_sheet(a)


@blp.post("/assignments/<int:assignment_id>/score/submit")
@blp.arguments(ScoreVersionIn)
@blp.response(200, SheetOut)
@blp.doc(responses=problems(409, 422))
def submit(data, assignment_id):
    a = get_own_assignment(assignment_id)
    scoring.submit_sheet(caller(), a, version=data.get("version"))
    db.session.commit()
    return dump_sheet(a)


@blp.post("/assignments/<int:assignment_id>/score/reopen")
@blp.arguments(ScoreReopenIn)
@blp.response(200, SheetOut)
@blp.doc(responses=problems(409))
def reopen(data, assignment_id):
    a = get_assignment(assignment_id)
    if not is_admin(caller()):
        raise Forbidden(_("Only the secretariat can reopen a submitted sheet."))
    scoring.reopen_sheet(caller(), a, data["reason"])
    db.session.commit()
    return dump_sheet(a)
