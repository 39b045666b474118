"""Themes and innovation profiles (API v1.1 § Themes and data that stays true).

- `GET /themes` (anyone logged in) and `GET /public/themes` (anonymous, cacheable: public
  max-age, ETag, 304): `{"items": [{"code","label"}]}`, labels in the caller's language.
- `POST /themes {code,label_id,label_en}` (admin) → 201; a used code → 409 `conflict`.
- `GET /entries/{id}/profile` (whoever may read the entry; anyone logged in for a directory
  innovation) and `PUT /entries/{id}/profile {status, impact?, links?, version?}` (the entry's
  agency; only for a directory innovation, else 409 `invalid_stage`) → 200 with `validated_at`
  and the new `version`; a stale `version` → 409 `stale_version`.
"""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.api.auth import caller, require, visible_or_404
from kipp.api.responses_base import Bool, Int, Items, Out, Str, Time, problems, req
from kipp.api.schemas import In, Text, Version
from kipp.api.serializers import iso
from kipp.caching import cacheable
from kipp.extensions import db
from kipp.limits import URL_MAX
from kipp.models import Entry
from kipp.models.themes import CODE_MAX, LABEL_MAX, PROFILE_STATUSES
from kipp.permissions import can_keep_profile, can_manage_themes, can_read_profile
from kipp.themes import queries, services

blp = Blueprint(
    "api_themes", __name__, url_prefix="/api/v1", description="Themes and innovation profiles"
)

MAX_AGE = 300
NOT_MODIFIED = {"304": {"description": "Not modified (the `If-None-Match` ETag is current)."}}


class ThemeIn(In):
    code = Text(CODE_MAX, 1, required=True)
    label_id = Text(LABEL_MAX, 1, required=True)
    label_en = Text(LABEL_MAX, 1, required=True)


class ProfileIn(In):
    status = fields.String(required=True, validate=validate.OneOf(PROFILE_STATUSES))
    impact = Text(services.IMPACT_MAX, allow_none=True)
    links = fields.List(
        Text(URL_MAX), allow_none=True, validate=validate.Length(max=services.LINKS_MAX)
    )
    version = Version(allow_none=True)


class ThemeOut(Out):
    code = Str()
    label = Str(metadata={"description": "In the caller's language (id or en)."})


class ThemeList(Out):
    items = Items(ThemeOut)


class ProfileOut(Out):
    """An innovation's profile; never validated: version 0, status null, no links."""

    entry_id = Int()
    status = Str(allow_none=True, metadata={"enum": [*PROFILE_STATUSES, None]})
    impact = Str(allow_none=True)
    links = req(fields.List(fields.String()))
    version = Int()
    validated_at = Time()
    stale = Bool(metadata={"description": "Not validated for more than 365 days (or never)."})


def _profile(entry_id: int) -> dict:
    body = queries.profile_of(entry_id)
    return body | {"validated_at": iso(body["validated_at"])}


@blp.get("/themes")
@blp.response(200, ThemeList)
def index():
    caller()
    return {"items": queries.themes()}


@blp.get("/public/themes")
@cacheable(MAX_AGE)
@blp.response(200, ThemeList, description="Public, no login.")
@blp.doc(responses=NOT_MODIFIED)
def public_index():
    return {"items": queries.themes()}


@blp.post("/themes")
@blp.arguments(ThemeIn)
@blp.response(201, ThemeOut)
@blp.doc(responses=problems(409))
def create(data):
    theme = services.create_theme(require(can_manage_themes), data)
    db.session.commit()
    return {"code": theme.code, "label": queries.label(theme)}


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    return visible_or_404(entry, can_read_profile(caller(), entry))


@blp.get("/entries/<int:entry_id>/profile")
@blp.response(200, ProfileOut)
def show_profile(entry_id):
    return _profile(_entry(entry_id).id)


@blp.put("/entries/<int:entry_id>/profile")
@blp.arguments(ProfileIn)
@blp.response(200, ProfileOut)
@blp.doc(responses=problems(409))
def put_profile(data, entry_id):
    entry = _entry(entry_id)
    services.save_profile(require(can_keep_profile, entry), entry, data)
    db.session.commit()
    return _profile(entry.id)
