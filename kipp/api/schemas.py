"""Request schemas (shape only; business rules live in the services)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from kipp.models import AGENCY_KINDS, ATTACHMENT_KINDS, REPLICATION_TYPES, ROLES, STAGES


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class TokenIn(In):
    email = fields.String(required=True)
    password = fields.String(required=True)


class AgencyIn(In):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    kind = fields.String(required=True, validate=validate.OneOf(AGENCY_KINDS))
    province = fields.String(required=True, validate=validate.Length(1, 80))
    is_3t = fields.Boolean(load_default=False)


class UserIn(In):
    email = fields.String(required=True, validate=validate.Length(3, 254))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True)
    agency_id = fields.Integer(allow_none=True)


class UserPatch(In):
    name = fields.String(validate=validate.Length(1, 200))
    role = fields.String(validate=validate.OneOf(ROLES))
    agency_id = fields.Integer(allow_none=True)
    active = fields.Boolean()
    password = fields.String()
    locale = fields.String(validate=validate.OneOf(("id", "en")))
    version = fields.Integer()


class ConflictIn(In):
    agency_id = fields.Integer(required=True)
    reason = fields.String(required=True, validate=validate.Length(1, 500))


class GroupIn(In):
    quota = fields.Integer(required=True, validate=validate.Range(min=0))
    min_implementation_years = fields.Integer(required=True, validate=validate.Range(min=0))


class CriterionIn(In):
    code = fields.String(required=True)
    name = fields.String(required=True)
    weight = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100))
    word_limit = fields.Integer(allow_none=True, validate=validate.Range(min=1))
    guidance = fields.String(allow_none=True)


class CompetitionIn(In):
    name = fields.String(required=True, validate=validate.Length(1, 200))
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    timezone = fields.String(load_default="Asia/Jakarta")
    submission_opens_at = fields.DateTime(required=True)
    submission_closes_at = fields.DateTime(required=True)
    groups = fields.Dict(keys=fields.String(), values=fields.Nested(GroupIn))
    shortlist_size = fields.Integer(validate=validate.Range(min=1))
    final_size = fields.Integer(validate=validate.Range(min=1))
    evaluators_per_entry = fields.Integer(validate=validate.Range(min=1))
    criteria = fields.List(fields.Nested(CriterionIn), required=True)
    panel_criteria = fields.List(fields.Nested(CriterionIn))


class CompetitionPatch(In):
    name = fields.String(validate=validate.Length(1, 200))
    year = fields.Integer(validate=validate.Range(2000, 2100))
    timezone = fields.String()
    submission_opens_at = fields.DateTime()
    submission_closes_at = fields.DateTime()
    groups = fields.Dict(keys=fields.String(), values=fields.Nested(GroupIn))
    shortlist_size = fields.Integer(validate=validate.Range(min=1))
    final_size = fields.Integer(validate=validate.Range(min=1))
    evaluators_per_entry = fields.Integer(validate=validate.Range(min=1))
    criteria = fields.List(fields.Nested(CriterionIn))
    panel_criteria = fields.List(fields.Nested(CriterionIn))
    version = fields.Integer()


class StageIn(In):
    to = fields.String(required=True, validate=validate.OneOf(STAGES))
    force = fields.Boolean(load_default=False)
    reason = fields.String(allow_none=True)


class EntryFields(In):
    title = fields.String(validate=validate.Length(1, 300))
    group = fields.String()
    category = fields.String(allow_none=True, validate=validate.Length(max=100))
    summary = fields.String()
    answers = fields.Dict(keys=fields.String(), values=fields.String())
    started_on = fields.Date(allow_none=True)
    video_url = fields.String(allow_none=True, validate=validate.Length(max=500))
    replicates = fields.String(allow_none=True, validate=validate.Length(max=500))
    replication_type = fields.String(
        allow_none=True, validate=validate.OneOf((*REPLICATION_TYPES, ""))
    )


class EntryIn(EntryFields):
    title = fields.String(required=True, validate=validate.Length(1, 300))
    group = fields.String(required=True)


class EntryPatch(EntryFields):
    version = fields.Integer()


class EntryListArgs(In):
    status = fields.String()
    group = fields.String()
    agency_id = fields.Integer()
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class PageArgs(In):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ScreeningIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(("pass", "fail")))
    reason_codes = fields.List(fields.String(), load_default=list)
    note = fields.String(allow_none=True, validate=validate.Length(max=2000))


class BulkScreeningIn(ScreeningIn):
    entry_ids = fields.List(fields.Integer(), required=True, validate=validate.Length(1, 500))


class AttachmentKind(In):
    kind = fields.String(required=True, validate=validate.OneOf(ATTACHMENT_KINDS))
