"""The public innovation directory: search, facets, innovation pages (API v1.1 § Public data).

Anonymous (under /api/v1/public/). Every 200 is cacheable (`kipp.caching`: public max-age,
ETag, 304 on `If-None-Match`); an entry that is not a directory innovation is a 404, the same
as one that does not exist. `q` longer than `Q_MAX` characters, an unknown tier, island or kind
→ 422 naming the parameter.
"""

from __future__ import annotations

import csv
import io

from flask import Response
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp import pagecache
from kipp.api.responses_base import CSV, problems
from kipp.api.responses_directory import InnovationFullOut, InnovationPage
from kipp.api.schemas import In, Page, Text
from kipp.caching import cacheable
from kipp.directory import queries
from kipp.directory.items import detail
from kipp.directory.search import Q_MAX
from kipp.errors import NotFound
from kipp.judging.distribution import ISLAND_GROUPS
from kipp.limits import CODE_MAX, PER_PAGE_MAX
from kipp.models import AGENCY_KINDS

blp = Blueprint(
    "api_directory", __name__, url_prefix="/api/v1", description="The public innovation directory"
)

MAX_AGE = 60
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_MODIFIED = {"304": {"description": "Not modified (the `If-None-Match` ETag is current)."}}
CSV_COLUMNS = (
    "id", "title", "agency", "province", "island", "kind", "group", "year", "tier", "is_3t",
    "summary", "replicates_id", "replicates_title", "replicated_by",
)  # fmt: skip


class FilterArgs(In):
    q = Text(Q_MAX)
    year = fields.Integer(validate=validate.Range(1900, 9999))
    tier = fields.String(validate=validate.OneOf(queries.TIERS))
    province = Text(80)
    island = fields.String(validate=validate.OneOf(ISLAND_GROUPS))
    kind = fields.String(validate=validate.OneOf(AGENCY_KINDS))
    group = Text(CODE_MAX)
    is_3t = fields.Boolean()
    theme = Text(CODE_MAX, metadata={"description": "A theme code (GET /public/themes)"})
    stale = fields.Boolean(
        metadata={"description": "true: not validated for more than 365 days (or never)"}
    )


class DirectoryArgs(FilterArgs):
    page = Page()
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, PER_PAGE_MAX))


def _cell(value) -> str:
    """A CSV cell; text a spreadsheet would run as a formula gets a leading "'"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def filters_of(args: dict) -> queries.Filters:
    names = queries.Filters.__dataclass_fields__
    return queries.Filters(**{k: v for k, v in args.items() if k in names})


@blp.get("/public/innovations")
@cacheable(MAX_AGE)
@blp.arguments(DirectoryArgs, location="query")
@blp.response(
    200,
    InnovationPage,
    description="Public, no login. With `q` best match first; without, newest year first, "
    "then title.",
)
@blp.doc(responses=NOT_MODIFIED)
def index(args):
    return pagecache.cached(lambda: _index(args), MAX_AGE)


def _index(args):
    found = queries.search(filters_of(args), args["page"], args["per_page"])
    return {
        "items": found.items,
        "total": found.total,
        "page": args["page"],
        "per_page": args["per_page"],
        "facets": found.facets,
    }


@blp.get("/public/innovations.csv")
@cacheable(MAX_AGE)
@blp.arguments(FilterArgs, location="query")
@blp.response(
    200,
    {"type": "string"},
    content_type=CSV,
    description="text/csv (UTF-8 with a byte-order mark): every innovation the same filters "
    "list, in the same order; a cell a spreadsheet would run as a formula starts with '.",
)
@blp.doc(responses=NOT_MODIFIED)
def index_csv(args):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in queries.all_rows(filters_of(args)):
        rep = item["replicates"] or {}
        cells = [item[c] for c in CSV_COLUMNS[:11]]
        cells += [rep.get("id"), rep.get("title"), item["replicated_by"]]
        writer.writerow([_cell(c) for c in cells])
    return Response(
        "\ufeff" + out.getvalue(),
        mimetype=CSV,
        headers={"Content-Disposition": 'attachment; filename="innovations.csv"'},
    )


@blp.get("/public/innovations/<int:innovation_id>")
@cacheable(MAX_AGE)
@blp.response(200, InnovationFullOut, description="Public, no login.")
@blp.doc(responses=NOT_MODIFIED | problems())
def show(innovation_id):
    found = detail(innovation_id)
    if found is None:
        raise NotFound(_("Not found."))
    return found
