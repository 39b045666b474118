"""Public data without login (API v1.1 § Public data): competitions, published selections,
objections, open data.

Guarantees: no operation here needs a token (a bad bearer token still answers 401); nothing
unpublished is visible (a competition in `draft`, an unknown or unpublished selection → 404,
exactly like a missing one); no scores or ranks. Every 200 answer is the same for every caller
and carries `Cache-Control: public, max-age=…` and an `ETag`; `If-None-Match` with the current
ETag → 304 (`kipp.caching`), so a proxy in front can serve announcement-day crowds.
"""

from __future__ import annotations

from flask import Response, current_app, url_for
from flask_babel import gettext as _
from flask_smorest import Blueprint

from kipp.api.responses_base import BINARY, CSV, problems
from kipp.api.responses_public import (
    NOT_MODIFIED,
    PublicCompetitionsOut,
    PublicSelectionOut,
)
from kipp.api.schemas import Id, In
from kipp.caching import cacheable
from kipp.clock import now
from kipp.errors import NotFound
from kipp.public import queries

blp = Blueprint(
    "api_public", __name__, url_prefix="/api/v1", description="Public data without login"
)

# Seconds a cache may keep an answer: a published list changes rarely (an upheld objection,
# a decree), and a minute of delay is nothing against an announcement-day crowd.
MAX_AGE = 60


class ResultsArgs(In):
    competition_id = Id()


def decree_url(selection_id: int) -> str:
    """The public address of a selection's signed decree (the results pages serve it)."""
    base = current_app.config["KIPP_PUBLIC_BASE_URL"].rstrip("/")
    return base + url_for("public.decree_pdf", selection_id=selection_id)


@blp.get("/public/competitions")
@cacheable(MAX_AGE)
@blp.response(
    200,
    PublicCompetitionsOut,
    description="Every competition past `draft`, newest year first, with its published "
    "selections. Not paged (a handful per year).",
)
@blp.doc(responses=NOT_MODIFIED)
def competitions():
    at = now()
    items = [queries.competition_item(c, at) for c in queries.public_competitions()]
    return {"items": items, "total": len(items)}


@blp.get("/public/selections/<int:selection_id>")
@cacheable(MAX_AGE)
@blp.response(
    200,
    PublicSelectionOut,
    description="A published selection with its entries (`listed` or `disqualified`) and its "
    "decree once recorded. Unpublished → 404.",
)
@blp.doc(responses=NOT_MODIFIED)
def selection(selection_id):
    sel = queries.published_selection(selection_id)
    if sel is None:
        raise NotFound(_("Not found."))
    return queries.selection_item(queries.public_list(sel), decree_url(sel.id))


@blp.get("/public/results.csv")
@cacheable(MAX_AGE)
@blp.arguments(ResultsArgs, location="query")
@blp.response(
    200,
    BINARY,
    content_type=CSV,
    description="Open data: one row per place of every published selection (of "
    "`competition_id`, or of every public competition), UTF-8 with BOM. Columns: "
    + ", ".join(queries.CSV_COLUMNS)
    + ". Cells starting with = + - @ are prefixed with an apostrophe. A competition in draft "
    "or unknown → 404.",
)
@blp.doc(responses=NOT_MODIFIED | problems(404))
def results_csv(args):
    competition_id = args.get("competition_id")
    if competition_id is not None and queries.public_competition(competition_id) is None:
        raise NotFound(_("Not found."))
    name = f"kipp-{competition_id}-results.csv" if competition_id else "kipp-results.csv"
    return Response(
        queries.results_csv(competition_id),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
