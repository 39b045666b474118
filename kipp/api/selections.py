"""/ranking, /selections and result exports (API contract § Ranking and selection, § Exports)."""

from __future__ import annotations

import json

from flask import Response
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, visible_or_404
from kipp.api.competitions import get_competition
from kipp.api.responses_base import BINARY, problems
from kipp.api.responses_judging import RankingOut, SelectionFullOut, SelectionPage, SnapshotOut
from kipp.api.schemas import In, PageArgs, Text
from kipp.api.serializers import iso
from kipp.api.serializers_judging import num, ranking_json
from kipp.competitions.group_rules import ranking_group
from kipp.errors import Forbidden
from kipp.extensions import db
from kipp.judging import exports, selections
from kipp.judging.distribution import distribution
from kipp.judging.queries import (
    for_reader,
    load_infos,
    load_pool,
    rank_round,
)
from kipp.judging.ranking import MEAN, ZSCORE
from kipp.judging.selection_queries import selections_page
from kipp.judging.tiers import tier_group, tier_round
from kipp.models import Competition, Selection
from kipp.permissions import (
    can_export_results,
    can_select,
    can_view_ranking,
    conflicted_agencies,
)

blp = Blueprint(
    "api_selections", __name__, url_prefix="/api/v1", description="Rankings, selections and exports"
)

NUMBERS_NOTE = (
    "`score` and `spread` are JSON numbers: `mean` scores carry 2 decimals (half-up) and "
    "z-scores 4; they are computed exactly with decimals and only rounded for output. "
)


class RankingArgs(In):
    round = fields.String(
        load_default="evaluation", validate=validate.OneOf(("evaluation", "panel"))
    )
    method = fields.String(load_default=MEAN, validate=validate.OneOf((MEAN, ZSCORE)))
    group = Text(
        30, 1, metadata={"description": "Rank only this group's entries (z-scores within it)"}
    )


class SelectionIn(In):
    tier = fields.String(
        required=True,
        validate=validate.Length(1, 20),
        metadata={"description": "shortlist, final or one of the competition's extra award codes"},
    )
    entry_ids = fields.List(fields.Integer(strict=True), allow_none=True)
    justifications = fields.Dict(
        keys=fields.String(),
        values=fields.String(allow_none=True, validate=validate.Length(max=5000)),
    )


def _forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise Forbidden(_("Your role does not allow this action."))


@blp.get("/competitions/<int:competition_id>/ranking")
@blp.arguments(RankingArgs, location="query")
@blp.response(
    200,
    RankingOut,
    description="Every ranked entry of the round in one response (not paged). "
    + NUMBERS_NOTE
    + "Entries without a submitted sheet are listed in `unscored`; `reviewers` (method zscore) "
    "gives each reviewer's mean, sd, sheet count and `deviates` flag.",
)
@blp.doc(responses=problems(403, 422))
def ranking(args, competition_id):
    comp = get_competition(competition_id)
    user = caller()
    _forbid_unless(can_view_ranking(user, comp, args["round"]))
    group = ranking_group(comp, args.get("group"))
    rr = rank_round(comp, args["round"], args["method"], group)
    body = ranking_json(for_reader(rr, conflicted_agencies(user)))
    # Thousands of rows: plain compact json.dumps (no key sorting, no per-value hook) is several
    # times faster than the framework's encoder; every value here is a plain JSON type.
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, mimetype="application/json")


def selection_json(sel: Selection, comp: Competition, infos: dict) -> dict:
    tz = comp.timezone
    return {
        "id": sel.id,
        "competition_id": sel.competition_id,
        "tier": sel.tier,
        "round": tier_round(sel.tier),
        "status": sel.status,
        "size": sel.size,
        "version": sel.version,
        "created_by_id": sel.created_by_id,
        "created_at": iso(sel.created_at, tz),
        "finalized_at": iso(sel.finalized_at, tz),
        "snapshot_sha256": sel.snapshot_sha256,
        "entries": [
            {
                "place": se.place,
                "entry_id": se.entry_id,
                "title": infos[se.entry_id].title,
                "agency": infos[se.entry_id].agency,
                "rank": se.rank,
                "score": num(se.score),
                "justification": se.justification,
            }
            for se in sel.entries
        ],
    }


def _full(sel: Selection, comp: Competition) -> dict:
    """A selection with its distribution next to that of the pool it was chosen from."""
    pool = load_pool(comp, tier_round(sel.tier), tier_group(comp, sel.tier))
    infos = load_infos([se.entry_id for se in sel.entries])
    body = selection_json(sel, comp, infos)
    hidden = conflicted_agencies(caller())  # a reader's distribution leaves out their conflicts
    chosen = [infos[se.entry_id] for se in sel.entries]
    body["distribution"] = distribution(
        [e for e in chosen if e.agency_id not in hidden],
        [e for e in pool.values() if e.agency_id not in hidden],
    )
    return body


def _get_selection(selection_id: int) -> tuple[Selection, Competition]:
    user = caller()
    sel = db.session.get(Selection, selection_id)
    visible_or_404(sel, sel is not None and can_view_ranking(user))
    return sel, get_competition(sel.competition_id)


@blp.post("/competitions/<int:competition_id>/selections")
@blp.arguments(SelectionIn)
@blp.response(
    201,
    SelectionFullOut,
    description="Chair only. Without `entry_ids` the top shortlist_size/final_size by mean; "
    "a split tie answers 409 tie_at_cut with `tied` and `places_left`. `score` values are JSON "
    "numbers (2 decimals). `tier` may also be an extra award's code (stage final): its group's "
    "evaluation ranking, `size` places. Entries below the pass mark need a justification.",
)
@blp.doc(responses=problems(409))
def propose(data, competition_id):
    comp = get_competition(competition_id)
    user = caller()
    _forbid_unless(can_select(user, comp))
    sel = selections.propose(
        user, comp, data["tier"], data.get("entry_ids"), data.get("justifications")
    )
    db.session.commit()
    return _full(sel, comp)


@blp.get("/competitions/<int:competition_id>/selections")
@blp.arguments(PageArgs, location="query")
@blp.response(200, SelectionPage, description="Every proposal and final selection, newest first.")
@blp.doc(responses=problems(403))
def index(args, competition_id):
    comp = get_competition(competition_id)
    _forbid_unless(can_view_ranking(caller(), comp))
    rows, total = selections_page(comp, args["page"], args["per_page"])
    infos = load_infos([se.entry_id for s in rows for se in s.entries])
    return {
        "items": [selection_json(s, comp, infos) for s in rows],
        "total": total,
        "page": args["page"],
        "per_page": args["per_page"],
    }


@blp.get("/selections/<int:selection_id>")
@blp.response(200, SelectionFullOut)
def show(selection_id):
    sel, comp = _get_selection(selection_id)
    return _full(sel, comp)


@blp.get("/selections/<int:selection_id>/snapshot")
@blp.response(
    200,
    SnapshotOut,
    description="The frozen canonical record of a final selection; `snapshot_sha256` is the "
    "SHA-256 of its JSON with sorted keys and compact separators (UTF-8).",
)
def snapshot(selection_id):
    sel, _comp = _get_selection(selection_id)
    return {"snapshot_sha256": sel.snapshot_sha256, "snapshot": sel.snapshot}


@blp.post("/selections/<int:selection_id>/finalize")
@blp.response(200, SelectionFullOut)
@blp.doc(responses=problems(409))
def finalize(selection_id):
    sel, comp = _get_selection(selection_id)
    user = caller()
    _forbid_unless(can_select(user, comp))
    selections.finalize(user, sel)
    db.session.commit()
    return _full(sel, comp)


def _download(comp: Competition, data: bytes, ext: str, mimetype: str) -> Response:
    name = f"kipp-{comp.year}-{comp.id}-results.{ext}"
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blp.get("/competitions/<int:competition_id>/results.csv")
@blp.response(
    200, BINARY, content_type="text/csv", description="UTF-8 with BOM; one row per entry."
)
@blp.doc(responses=problems(403))
def results_csv(competition_id):
    comp = get_competition(competition_id)
    user = caller()
    _forbid_unless(can_export_results(user, comp))
    data = exports.results_csv(comp, conflicted_agencies(user))
    return _download(comp, data, "csv", "text/csv")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@blp.get("/competitions/<int:competition_id>/results.xlsx")
@blp.response(200, BINARY, content_type=XLSX, description="One row per submitted entry.")
@blp.doc(responses=problems(403))
def results_xlsx(competition_id):
    comp = get_competition(competition_id)
    user = caller()
    _forbid_unless(can_export_results(user, comp))
    return _download(comp, exports.results_xlsx(comp, conflicted_agencies(user)), "xlsx", XLSX)
