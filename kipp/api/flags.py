"""Entry flags for the secretariat (API v1.1 § Competition rules: flags).

`GET /entries/{id}/flags` (admin): an entry the caller may not read answers 404; one the caller
may read (its agency, an assigned reviewer) but whose flags are the secretariat's answers 403.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import require
from kipp.api.entries import get_entry
from kipp.api.responses_base import Int, Items, Listed, Num, Out, problems, req
from kipp.permissions import can_read_flags
from kipp.screening.flag_queries import entry_flags
from kipp.screening.flags import CODES

blp = Blueprint(
    "api_flags", __name__, url_prefix="/api/v1", description="Entry flags for the secretariat"
)


class FlagOut(Out):
    code = req(fields.String(validate=validate.OneOf(CODES)))
    other_entry_id = Int()
    other_year = Int()
    similarity = Num()


class FlagList(Listed):
    items = Items(FlagOut)


@blp.get("/entries/<int:entry_id>/flags")
@blp.response(200, FlagList)
@blp.doc(responses=problems(403))
def entry_flag_list(entry_id):
    entry = get_entry(entry_id)
    require(can_read_flags, entry)
    items = [flag.as_dict() for flag in entry_flags(entry)]
    return {"items": items, "total": len(items)}
