"""/competitions: create, read, change, move stage; audit chain per competition."""

from __future__ import annotations

from flask_smorest import Blueprint

from kipp.api import serializers as out
from kipp.api.auth import caller, require, visible_or_404
from kipp.api.responses import (
    AuditPage,
    AuditVerifyOut,
    CompetitionOut,
    CompetitionPage,
    CompetitionShowOut,
)
from kipp.api.responses_base import problems
from kipp.api.schemas import CompetitionIn, CompetitionPatch, PageArgs, StageIn
from kipp.audit import chain
from kipp.audit.queries import events_query
from kipp.competitions import queries, services, stages
from kipp.extensions import db
from kipp.models import Competition
from kipp.permissions import can_manage_competition, can_read_audit, can_read_competition

blp = Blueprint(
    "api_competitions",
    __name__,
    url_prefix="/api/v1",
    description="Competitions, stages and their audit chains",
)


def get_competition(competition_id: int) -> Competition:
    user = caller()
    comp = db.session.get(Competition, competition_id)
    return visible_or_404(comp, comp is not None and can_read_competition(user, comp))


@blp.post("/competitions")
@blp.arguments(CompetitionIn)
@blp.response(201, CompetitionOut)
def create(data):
    actor = require(can_manage_competition)
    comp = services.create_competition(actor, data)
    db.session.commit()
    return out.competition(comp)


@blp.get("/competitions")
@blp.arguments(PageArgs, location="query")
@blp.response(200, CompetitionPage)
def index(args):
    caller()
    return out.page(
        queries.competitions_query(),
        args["page"],
        args["per_page"],
        out.competition,
    )


@blp.get("/competitions/<int:competition_id>")
@blp.response(200, CompetitionShowOut)
def show(competition_id):
    comp = get_competition(competition_id)
    return out.competition(comp) | {"next_stage": stages.next_stage(comp.stage)}


@blp.patch("/competitions/<int:competition_id>")
@blp.arguments(CompetitionPatch)
@blp.response(200, CompetitionOut)
@blp.doc(responses=problems(409))
def patch(data, competition_id):
    comp = get_competition(competition_id)
    actor = require(can_manage_competition, comp)
    services.update_competition(actor, comp, data)
    db.session.commit()
    return out.competition(comp)


@blp.post("/competitions/<int:competition_id>/stage")
@blp.arguments(StageIn)
@blp.response(
    200,
    CompetitionOut,
    description="Admin only. Leaving `evaluation` or `panel` closes that round: a "
    "`score_sheets` document job for the entries with a submitted sheet of the round is "
    "created with the move and sent to the workers after it (a broker failure does not undo "
    "the move; the job's items are sent later).",
)
@blp.doc(responses=problems(409))
def move(data, competition_id):
    comp = get_competition(competition_id)
    actor = require(can_manage_competition, comp)
    stages.move_stage(actor, comp, data["to"], data["force"], data.get("reason"))
    db.session.commit()  # a closed round's score sheets go to the workers after it
    return out.competition(comp)


def _audit_competition(competition_id: int) -> Competition:
    comp = get_competition(competition_id)
    require(can_read_audit, comp)
    return comp


@blp.get("/competitions/<int:competition_id>/audit")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditPage)
@blp.doc(responses=problems(403))
def audit(args, competition_id):
    comp = _audit_competition(competition_id)
    query = events_query(comp.id)
    return out.page(
        query, args["page"], args["per_page"], lambda e: chain.serialize(e, comp.timezone)
    )


@blp.get("/competitions/<int:competition_id>/audit/verify")
@blp.response(200, AuditVerifyOut)
@blp.doc(responses=problems(403))
def audit_verify(competition_id):
    comp = _audit_competition(competition_id)
    return chain.verify(comp.id)


@blp.get("/audit")
@blp.arguments(PageArgs, location="query")
@blp.response(200, AuditPage)
@blp.doc(responses=problems(403))
def global_audit(args):
    require(can_read_audit, None)
    return out.page(events_query(None), args["page"], args["per_page"], chain.serialize)


@blp.get("/audit/verify")
@blp.response(200, AuditVerifyOut)
@blp.doc(responses=problems(403))
def global_audit_verify():
    require(can_read_audit, None)
    return chain.verify(None)
