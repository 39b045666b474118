"""Request schemas (shape only; business rules live in the services).

Every value is bounded here (limits in `kipp.limits`), so nothing a schema passes can fail in
the database: ids lie in 1..2**31 - 1, pages and sizes have a maximum, texts a length. A schema
that names no bound still gets one from `In`: every integer stays within PostgreSQL's
`integer`, every free text within `TEXT_MAX` characters.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from kipp.competitions.awards import AWARDS_MAX
from kipp.limits import (
    ANSWER_MAX,
    CODE_MAX,
    EMAIL_MAX,
    INT32_MAX,
    INT32_MIN,
    NAME_MAX,
    NOTE_MAX,
    PAGE_MAX,
    PASSWORD_MAX,
    PER_ENTRY_MAX,
    PER_PAGE_MAX,
    SIZE_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    WEIGHT_MAX,
    WORD_LIMIT_MAX,
    YEARS_MAX,
)
from kipp.models import AGENCY_KINDS, ATTACHMENT_KINDS, REPLICATION_TYPES, ROLES, STAGES
from kipp.models.awards import AWARD_CODE_MAX, AWARD_LABEL_MAX
from kipp.screening.flags import CODES as FLAG_CODES


def _bounded(field: fields.Field) -> bool:
    return any(
        isinstance(v, validate.OneOf)
        or (isinstance(v, validate.Range | validate.Length) and v.max is not None)
        for v in field.validators
    )


def _add_default_bounds(field: fields.Field) -> None:
    """Give an integer or text field without a bound of its own the default one, and the same
    to the items of lists and the keys and values of mappings."""
    if isinstance(field, fields.Integer) and not _bounded(field):
        field.validators.append(validate.Range(INT32_MIN, INT32_MAX))
    elif isinstance(field, fields.String) and not _bounded(field):
        field.validators.append(validate.Length(max=TEXT_MAX))
    elif isinstance(field, fields.List):
        _add_default_bounds(field.inner)
    elif isinstance(field, fields.Dict):
        for part in (field.key_field, field.value_field):
            if part is not None:
                _add_default_bounds(part)


def Id(**kwargs) -> fields.Integer:  # noqa: N802  (reads like the field classes)
    """A row id: 1..2**31 - 1 (an id beyond that is refused, never looked up)."""
    return fields.Integer(validate=validate.Range(1, INT32_MAX), **kwargs)


def Version(**kwargs) -> fields.Integer:  # noqa: N802
    """An optimistic-lock version; any value in range that is not current answers 409."""
    return fields.Integer(validate=validate.Range(INT32_MIN, INT32_MAX), **kwargs)


def Page() -> fields.Integer:  # noqa: N802
    return fields.Integer(load_default=1, validate=validate.Range(1, PAGE_MAX))


def PerPage() -> fields.Integer:  # noqa: N802
    return fields.Integer(load_default=50, validate=validate.Range(1, PER_PAGE_MAX))


def Text(max_length: int, min_length: int | None = None, **kwargs) -> fields.String:  # noqa: N802
    return fields.String(validate=validate.Length(min_length, max_length), **kwargs)


class In(Schema):
    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        _add_default_bounds(field_obj)


class TokenIn(In):
    email = Text(EMAIL_MAX, required=True)
    password = Text(PASSWORD_MAX, required=True)


class AgencyIn(In):
    name = Text(NAME_MAX, 1, required=True)
    kind = fields.String(required=True, validate=validate.OneOf(AGENCY_KINDS))
    province = fields.String(required=True, validate=validate.Length(1, 80))
    is_3t = fields.Boolean(load_default=False)


class UserIn(In):
    email = Text(EMAIL_MAX, 3, required=True)
    name = Text(NAME_MAX, 1, required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = Text(PASSWORD_MAX, required=True)
    agency_id = Id(allow_none=True)


class UserPatch(In):
    name = Text(NAME_MAX, 1)
    role = fields.String(validate=validate.OneOf(ROLES))
    agency_id = Id(allow_none=True)
    active = fields.Boolean()
    password = Text(PASSWORD_MAX)
    locale = fields.String(validate=validate.OneOf(("id", "en")))
    version = Version()


class ConflictIn(In):
    agency_id = Id(required=True)
    reason = Text(500, 1, required=True)


class GroupIn(In):
    quota = fields.Integer(required=True, validate=validate.Range(0, SIZE_MAX))
    min_implementation_years = fields.Integer(required=True, validate=validate.Range(0, YEARS_MAX))
    # --- group-rules: GroupIn
    invitation_only = fields.Boolean(
        load_default=False,
        metadata={"description": "Entries only from agencies invited by the secretariat"},
    )
    criteria = fields.List(
        fields.Nested(lambda: CriterionIn),
        validate=validate.Length(max=CODE_MAX),
        metadata={"description": "The group's own evaluation criteria (default: `criteria`)"},
    )


class CriterionIn(In):
    code = Text(CODE_MAX, required=True)
    name = Text(NAME_MAX, required=True)
    weight = fields.Integer(required=True, strict=True, validate=validate.Range(0, WEIGHT_MAX))
    word_limit = fields.Integer(allow_none=True, validate=validate.Range(1, WORD_LIMIT_MAX))
    guidance = Text(NOTE_MAX, allow_none=True)


def Groups() -> fields.Dict:  # noqa: N802
    return fields.Dict(keys=Text(CODE_MAX), values=fields.Nested(GroupIn))


def Criteria(**kwargs) -> fields.List:  # noqa: N802
    return fields.List(fields.Nested(CriterionIn), validate=validate.Length(max=CODE_MAX), **kwargs)


def Size() -> fields.Integer:  # noqa: N802
    return fields.Integer(validate=validate.Range(1, SIZE_MAX))


class ExtraAwardIn(In):
    code = Text(AWARD_CODE_MAX, 1, required=True)
    label = Text(AWARD_LABEL_MAX, 1, required=True)
    group = Text(CODE_MAX, required=True)
    size = fields.Integer(required=True, strict=True, validate=validate.Range(1, SIZE_MAX))


def ExtraAwards() -> fields.List:  # noqa: N802
    return fields.List(fields.Nested(ExtraAwardIn), validate=validate.Length(max=AWARDS_MAX))


def PassMark() -> fields.Decimal:  # noqa: N802
    return fields.Decimal(allow_none=True, places=None, validate=validate.Range(0, 100))


class CompetitionIn(In):
    name = Text(NAME_MAX, 1, required=True)
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    timezone = Text(CODE_MAX, load_default="Asia/Jakarta")
    submission_opens_at = fields.DateTime(required=True)
    submission_closes_at = fields.DateTime(required=True)
    groups = Groups()
    shortlist_size = Size()
    final_size = Size()
    evaluators_per_entry = fields.Integer(validate=validate.Range(1, PER_ENTRY_MAX))
    blind_review = fields.Boolean(load_default=False)
    criteria = Criteria(required=True)
    panel_criteria = Criteria()
    # --- group-rules: CompetitionIn
    # --- awards: CompetitionIn
    pass_mark = PassMark()
    extra_awards = ExtraAwards()


class CompetitionPatch(In):
    name = Text(NAME_MAX, 1)
    year = fields.Integer(validate=validate.Range(2000, 2100))
    timezone = Text(CODE_MAX)
    submission_opens_at = fields.DateTime()
    submission_closes_at = fields.DateTime()
    groups = Groups()
    shortlist_size = Size()
    final_size = Size()
    evaluators_per_entry = fields.Integer(validate=validate.Range(1, PER_ENTRY_MAX))
    blind_review = fields.Boolean()
    criteria = Criteria()
    panel_criteria = Criteria()
    # --- group-rules: CompetitionPatch
    # --- awards: CompetitionPatch
    pass_mark = PassMark()
    extra_awards = ExtraAwards()
    version = Version()


class StageIn(In):
    to = fields.String(required=True, validate=validate.OneOf(STAGES))
    force = fields.Boolean(load_default=False)
    reason = Text(NOTE_MAX, allow_none=True)


class EntryFields(In):
    title = Text(TITLE_MAX, 1)
    group = Text(CODE_MAX)
    category = Text(100, allow_none=True)
    summary = Text(SUMMARY_MAX)
    # Keys are checked against the competition's criterion codes by the service.
    answers = fields.Dict(keys=Text(CODE_MAX), values=Text(ANSWER_MAX))
    started_on = fields.Date(allow_none=True)
    video_url = Text(URL_MAX, allow_none=True)
    replicates = Text(URL_MAX, allow_none=True)
    replication_type = fields.String(
        allow_none=True, validate=validate.OneOf((*REPLICATION_TYPES, ""))
    )
    public = fields.Boolean()
    replicates_entry_id = Id(allow_none=True)
    replication_notes = Text(NOTE_MAX, allow_none=True)
    # A theme code (GET /themes); an unknown code is refused by the service (422).
    theme = Text(CODE_MAX, allow_none=True)


class EntryIn(EntryFields):
    title = Text(TITLE_MAX, 1, required=True)
    group = Text(CODE_MAX, required=True)


class EntryPatch(EntryFields):
    version = Version()


class PageArgs(In):
    page = Page()
    per_page = PerPage()


class EntryListArgs(PageArgs):
    status = Text(CODE_MAX)
    group = Text(CODE_MAX)
    agency_id = Id()
    flag = fields.String(validate=validate.OneOf(FLAG_CODES))  # kipp/screening/flags.py


class ScreeningIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(("pass", "fail")))
    reason_codes = fields.List(
        Text(CODE_MAX), load_default=list, validate=validate.Length(max=CODE_MAX)
    )
    note = Text(NOTE_MAX, allow_none=True)


class BulkScreeningIn(ScreeningIn):
    entry_ids = fields.List(Id(), required=True, validate=validate.Length(1, 500))


class AttachmentKind(In):
    kind = fields.String(required=True, validate=validate.OneOf(ATTACHMENT_KINDS))
