"""Response schemas of assignments, score sheets, rankings, selections and document jobs.

Same rules as `kipp.api.responses`: they describe the bodies built in `kipp.api.judging`,
`kipp.api.selections` and `kipp.api.documents` and never change them. Scores and totals are
JSON numbers (exact decimals rounded for output); a pending sheet's `total` is null.
"""

from __future__ import annotations

from marshmallow import fields

from kipp.api.responses_base import Bool, Int, Items, Listed, Num, Out, Paged, Str, Time, req


# ----------------------------------------------------------------- assignments
class AssignmentOut(Out):
    id = Int()
    competition_id = Int()
    entry_id = Int()
    entry_title = Str()
    user_id = Int()
    reviewer = Str()
    round = Str()
    status = Str()
    total = Num(allow_none=True)
    conflicted = Bool()
    version = Int()


class ProgressOut(Out):
    pending = Int()
    draft = Int()
    submitted = Int()
    total = Int()


class LoadOut(Out):
    user_id = Int()
    name = Str()
    role = Str()
    active = Bool()
    assigned = Int()
    submitted = Int()
    draft = Int()
    pending = Int()


class LoadList(Listed):
    items = Items(LoadOut)


class AssignmentPage(Paged):
    """Paged assignments with the round's progress counts and every reviewer's load."""

    items = Items(AssignmentOut)
    progress = req(fields.Nested(ProgressOut))
    loads = Items(LoadOut)


class MyAssignmentOut(Out):
    id = Int()
    competition_id = Int()
    entry_id = Int()
    entry_title = Str()
    round = Str()
    status = Str()


class MyAssignmentPage(Paged):
    items = Items(MyAssignmentOut)
    progress = req(fields.Nested(ProgressOut))


class AutoAssignOut(Out):
    """`per_reviewer` maps reviewer ids (as strings) to their load in the round."""

    created = Int()
    per_reviewer = req(fields.Dict(keys=fields.String(), values=fields.Integer()))
    round = Str()
    per_entry = Int(allow_none=True)
    max_load = Int(allow_none=True)


class SheetCriterionOut(Out):
    code = Str()
    name = Str()
    weight = Int()


class SheetOut(Out):
    id = Int()
    entry_id = Int()
    entry_title = Str()
    user_id = Int()
    round = Str()
    values = req(fields.Dict(keys=fields.String(), values=fields.Float(allow_none=True)))
    comment = Str(allow_none=True)
    total = Num(allow_none=True)
    status = Str()
    version = Int()
    submitted_at = Time()
    criteria = Items(SheetCriterionOut)


# ----------------------------------------------------------------- ranking
class RankedOut(Out):
    entry_id = Int()
    title = Str()
    agency = Str()
    agency_id = Int()
    rank = Int()
    score = Num()
    sheets = Int()
    spread = Num()
    flags = req(fields.List(fields.String()))


class CutOut(Out):
    size = Int()
    tie_at_cut = req(fields.List(fields.Integer()))
    places_left = Int()


class UnscoredOut(Out):
    entry_id = Int()
    title = Str()
    agency = Str()


class ReviewerStatOut(Out):
    reviewer_id = Int()
    name = Str()
    sheets = Int()
    mean = Num()
    sd = Num()
    flags = req(fields.List(fields.String()))


class RankingOut(Listed):
    round = Str()
    method = Str()
    items = Items(RankedOut)
    cut = req(fields.Nested(CutOut))
    unscored = Items(UnscoredOut)
    reviewers = Items(ReviewerStatOut)
    overall_mean = Num(allow_none=True)
    overall_sd = Num(allow_none=True)


# ----------------------------------------------------------------- selections
class ChosenOut(Out):
    place = Int()
    entry_id = Int()
    title = Str()
    agency = Str()
    rank = Int(allow_none=True)
    score = Num(allow_none=True)
    justification = Str(allow_none=True)


class SelectionOut(Out):
    id = Int()
    competition_id = Int()
    tier = Str()
    round = Str()
    status = Str()
    size = Int()
    version = Int()
    created_by_id = Int(allow_none=True)
    created_at = Time()
    finalized_at = Time()
    snapshot_sha256 = Str(allow_none=True)
    entries = Items(ChosenOut)


class ShareOut(Out):
    key = Str()
    label = Str()
    selected = Int()
    eligible = Int()
    selected_share = Num()
    eligible_share = Num()


class DistributionOut(Out):
    selected_total = Int()
    eligible_total = Int()
    province = Items(ShareOut)
    island_group = Items(ShareOut)
    agency_kind = Items(ShareOut)
    group = Items(ShareOut)
    is_3t = Items(ShareOut)


class SelectionFullOut(SelectionOut):
    """A selection with its distribution next to that of the pool it was chosen from."""

    distribution = req(fields.Nested(DistributionOut))


class SelectionPage(Paged):
    items = Items(SelectionOut)


class SnapshotOut(Out):
    snapshot_sha256 = Str(allow_none=True)
    snapshot = req(fields.Dict(allow_none=True))


# ----------------------------------------------------------------- document jobs
class JobOut(Out):
    id = Int()
    kind = Str()
    status = Str()
    total = Int()
    done = Int()
    failed = Int()


class JobErrorOut(Out):
    entry_id = Int()
    error = Str()


class JobFullOut(JobOut):
    competition_id = Int()
    created_at = Time()
    started_at = Time()
    finished_at = Time()
    errors = Items(JobErrorOut)
