"""What /api/v1 answers, for its OpenAPI document: accounts, competitions, entries, certificates.

The bodies are built by the serializers (`kipp.api.serializers` and the dump functions next to
the views); the schemas here (and in `responses_judging`) only describe them and never change
them (`responses_base.Out`). Every schema forbids keys it does not name
(`additionalProperties: false`): a field added to a serializer without its schema fails
tests/services/test_openapi_conformance.py, which checks recorded bodies against the document.
Error answers: `responses_base.problems`.
"""

from __future__ import annotations

from marshmallow import fields, validate

from kipp.api.responses_base import Bool, Int, Items, Listed, Num, Out, Paged, Str, Time, req
from kipp.models import AGENCY_KINDS, ATTACHMENT_KINDS, ROLES, STAGES


# ----------------------------------------------------------------- accounts
class TokenOut(Out):
    token = Str()
    expires_at = Time()


class AgencyOut(Out):
    id = Int()
    name = Str()
    kind = Str(validate=validate.OneOf(AGENCY_KINDS))
    province = Str(allow_none=True)
    is_3t = Bool()


class AgencyPage(Paged):
    items = Items(AgencyOut)


class UserConflictOut(Out):
    agency_id = Int()
    reason = Str(allow_none=True)


class UserOut(Out):
    id = Int()
    email = Str()
    name = Str()
    role = Str(validate=validate.OneOf(ROLES))
    agency_id = Int(allow_none=True)
    active = Bool()
    locale = Str(allow_none=True)
    version = Int()
    conflicts = Items(UserConflictOut)


class UserPage(Paged):
    items = Items(UserOut)


class ConflictOut(Out):
    """A declared conflict and the reviewer's assignments it withdrew: deleted (unsubmitted)
    and marked `conflicted` (submitted)."""

    id = Int()
    user_id = Int()
    agency_id = Int()
    reason = Str(allow_none=True)
    removed_assignments = req(fields.List(fields.Integer()))
    conflicted_assignments = req(fields.List(fields.Integer()))


# ----------------------------------------------------------------- competitions
class CriterionOut(Out):
    code = Str()
    name = Str()
    weight = Int()
    word_limit = Int(allow_none=True)
    guidance = Str(allow_none=True)


class GroupOut(Out):
    quota = Int()
    min_implementation_years = Int()
    # --- group-rules: GroupOut
    invitation_only = Bool()
    criteria = Items(CriterionOut)


class ExtraAwardOut(Out):
    """An extra award: a tier named by `code`, drawn from `group`'s evaluation ranking."""

    code = Str()
    label = Str()
    group = Str()
    size = Int()


class CompetitionOut(Out):
    id = Int()
    name = Str()
    year = Int()
    timezone = Str()
    stage = Str(validate=validate.OneOf(STAGES))
    version = Int()
    submission_opens_at = Time()
    submission_closes_at = Time()
    groups = req(fields.Dict(keys=fields.String(), values=fields.Nested(GroupOut)))
    shortlist_size = Int()
    final_size = Int()
    evaluators_per_entry = Int()
    blind_review = Bool(
        metadata={"description": "Evaluators read entries without agency, province, kind, 3T"}
    )
    criteria = Items(CriterionOut)
    panel_criteria = Items(CriterionOut)
    # --- group-rules: CompetitionOut
    # --- awards: CompetitionOut
    pass_mark = Num(
        allow_none=True,
        metadata={"description": "Evaluation scores below it are flagged `below_pass_mark`"},
    )
    extra_awards = Items(ExtraAwardOut)


class CompetitionShowOut(CompetitionOut):
    next_stage = Str(allow_none=True, validate=validate.OneOf(STAGES))


class CompetitionPage(Paged):
    items = Items(CompetitionOut)


class AuditEventOut(Out):
    seq = Int()
    at = Time()
    actor = Str(allow_none=True)
    action = Str()
    object = Str(allow_none=True)
    before = req(fields.Raw(allow_none=True))
    after = req(fields.Raw(allow_none=True))
    prev_hash = Str()
    hash = Str()


class AuditPage(Paged):
    items = Items(AuditEventOut)


class AuditVerifyOut(Out):
    """`{"ok": true, "events": n}` or `{"ok": false, "first_bad_seq": k}`."""

    ok = Bool()
    events = fields.Integer()
    first_bad_seq = fields.Integer()


# ----------------------------------------------------------------- entries
class AttachmentOut(Out):
    id = Int()
    kind = Str(validate=validate.OneOf(ATTACHMENT_KINDS))
    filename = Str()
    size = Int()
    sha256 = Str()
    created_at = Time()


class UploadOut(Out):
    id = Int()
    kind = Str()
    filename = Str()
    size = Int()
    sha256 = Str()


class ScreeningOut(Out):
    decision = Str(validate=validate.OneOf(("pass", "fail")))
    reason_codes = req(fields.List(fields.String()))
    note = Str(allow_none=True)
    screened_at = Time()


class BlockerOut(Out):
    field = Str()
    code = Str()
    message = Str()


class EntryOut(Out):
    """An entry as listed; `screening` once screened."""

    id = Int()
    competition_id = Int()
    agency_id = Int(allow_none=True, metadata={"description": "null for a blind reader"})
    agency = Str(
        allow_none=True,
        metadata={"description": "The agency's name; null for an evaluator of a blind review"},
    )
    title = Str()
    group = Str()
    category = Str(allow_none=True)
    summary = Str(allow_none=True)
    answers = req(fields.Dict(keys=fields.String(), values=fields.String(allow_none=True)))
    started_on = req(fields.Date(allow_none=True))
    video_url = Str(allow_none=True)
    replicates = Str(allow_none=True)
    replication_type = Str(allow_none=True)
    public = Bool()
    replicates_entry_id = Int(allow_none=True)
    replication_notes = Str(allow_none=True)
    theme = Str(allow_none=True, metadata={"description": "A theme code (GET /themes)"})
    status = Str()
    version = Int()
    submitted_at = Time()
    created_at = Time()
    updated_at = Time()
    attachments = Items(AttachmentOut)
    screening = fields.Nested(ScreeningOut)
    drafted_by = Int(
        allow_none=True,
        metadata={
            "description": "The account that drafted the entry (a drafter of the agency or the "
            "agency account); shown to the agency, its drafters and admins, else null"
        },
    )
    drafted_by_name = Str(allow_none=True, metadata={"description": "That account's name"})


class EntryFullOut(EntryOut):
    """One entry: what still blocks a draft's submission (`missing`, empty once submitted)
    and the public code of its certificate for those who may download it."""

    missing = Items(BlockerOut)
    certificate_code = Str(allow_none=True)


class EntryPage(Paged):
    items = Items(EntryOut)


class EntryList(Listed):
    items = Items(EntryOut)


class ReasonOut(Out):
    code = Str()
    label = Str()
    labels = req(fields.Dict(keys=fields.String(), values=fields.String()))


class ReasonList(Listed):
    items = Items(ReasonOut)


# ----------------------------------------------------------------- certificates
class CertificateOut(Out):
    """The public facts of a certificate (`valid` is false once revoked, with `reason`)."""

    valid = Bool()
    revoked = Bool()
    reason = Str(allow_none=True)
    revoked_at = Time()
    serial = Str()
    code = Str()
    entry_title = Str()
    agency = Str()
    award = Str(metadata={"description": "shortlist, final or an extra award's code"})
    award_label = Str()
    award_label_en = Str()
    issued_at = Time()


class RevokedOut(CertificateOut):
    revoked_by = Str()
