"""Documented bodies of the public data API (`kipp.api.public`, API v1.1 § Public data).

Like every schema of `kipp.api.responses*`, these describe what `kipp.public.queries` builds
and never change it. A public answer may also be `304 Not Modified` (no body) when the
request's `If-None-Match` names its current `ETag`.
"""

from __future__ import annotations

from marshmallow import fields, validate

from kipp.api.responses_base import Int, Items, Listed, Out, Str, Time, req
from kipp.models import AGENCY_KINDS, STAGES
from kipp.publication.queries import DISQUALIFIED, LISTED, PUBLIC_STATUSES

PUBLIC_STATUS = validate.OneOf(PUBLIC_STATUSES)
# The answer every cacheable public operation may give besides its body.
NOT_MODIFIED = {
    "304": {"description": "Not Modified: `If-None-Match` named the current `ETag` (no body)."}
}


class PublicSelectionRefOut(Out):
    id = Int()
    tier = Str()
    public_status = Str(validate=PUBLIC_STATUS)


class PublicCompetitionOut(Out):
    id = Int()
    name = Str()
    year = Int()
    stage = Str(validate=validate.OneOf(STAGES))
    submission_opens_at = Time()
    submission_closes_at = Time()
    selections = Items(PublicSelectionRefOut)


class PublicCompetitionsOut(Listed):
    items = Items(PublicCompetitionOut)


class PublicDecreeOut(Out):
    number = Str()
    signed_on = req(fields.Date(allow_none=True))
    file_url = Str(allow_none=True)


class PublicEntryOut(Out):
    entry_id = Int()
    title = Str()
    agency = Str()
    province = Str()
    kind = Str(validate=validate.OneOf(AGENCY_KINDS))
    group = Str()
    status = Str(validate=validate.OneOf((LISTED, DISQUALIFIED)))


class PublicSelectionOut(Out):
    id = Int()
    competition_id = Int()
    tier = Str()
    award_label = Str()
    public_status = Str(validate=PUBLIC_STATUS)
    published_at = Time()
    objection_closes_at = Time()
    decree = req(fields.Nested(PublicDecreeOut, allow_none=True))
    entries = Items(PublicEntryOut)
