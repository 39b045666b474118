"""Score sheets: save a draft, submit, reopen; sheet progress per round and per reviewer.

Guarantees
- Writes happen only in the round's stage (`InvalidStage`); a submitted sheet refuses writes
  (`Locked`) until an admin reopens it with a reason. A sheet marked `conflicted` is never
  reopened (`Locked`): it stays a record outside every ranking.
- Values are validated with the pure rules (`validate_value`): 0–100, at most 2 decimals,
  numbers only; unknown criterion codes are refused. All problems of one request are reported
  together (`ValidationFailed`, errors keyed by criterion code) and nothing is changed.
- `save_sheet` replaces the sheet's values with those sent (a code left out has no value
  afterwards; a draft may be partial) and changes the comment only when one is sent. A draft's
  `total` is its running total with missing values counted as 0; a pending sheet has none.
- Optimistic locking is atomic: every write bumps the assignment's `version` with
  `UPDATE … WHERE id = :id AND version = :v` (the ORM's version_id_col), flushed before any
  value row is touched. A concurrent writer that lost the race gets `StaleVersion` and its
  transaction changes nothing; a client that sends an old `version` gets it up front.
- Each change is one audit event: score.save, score.submit, score.reopen (with the reason).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm.exc import StaleDataError

from kipp.audit.chain import record
from kipp.clock import now
from kipp.errors import InvalidStage, Locked, StaleVersion, ValidationFailed
from kipp.extensions import db
from kipp.judging.errors import Incomplete, NotSubmitted
from kipp.judging.rounds import ROUND_ROLES, check_round_stage
from kipp.judging.totals import InvalidValue, sheet_total, validate_value
from kipp.models import Assignment, Competition, ScoreValue, User

COMMENT_MAX = 5000
REASON_MIN = 5
_UNSET = object()


def weights(assignment: Assignment) -> dict[str, int]:
    """The criteria of the sheet's entry in its round (`Competition.criteria_of`: a group's
    own evaluation criteria when it has them) as {code: weight}, in display order."""
    entry = assignment.entry
    return {c.code: c.weight for c in entry.competition.criteria_of(entry.group, assignment.round)}


def current_values(assignment: Assignment) -> dict[str, Decimal]:
    return {v.criterion_code: v.value for v in assignment.values}


def running_total(assignment: Assignment) -> Decimal | None:
    """Submitted: the total; draft: missing values count 0; pending: None."""
    if assignment.status == "pending":
        return None
    return sheet_total(current_values(assignment), weights(assignment), partial=True)


def _value_message(exc: InvalidValue) -> str:
    return {
        "out_of_range": _("A score must be between 0 and 100."),
        "too_many_decimals": _("A score has at most 2 decimals."),
    }.get(exc.code, _("A score must be a number."))


def parse_values(raw: Mapping[str, object], codes: Mapping[str, int]) -> dict[str, Decimal]:
    """Validate every value; raise one ValidationFailed listing all problems by code."""
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Decimal] = {}
    for code, value in raw.items():
        if code not in codes:
            errors[code] = [_("Unknown criterion.")]
            continue
        try:
            parsed[code] = validate_value(value)
        except InvalidValue as exc:
            errors[code] = [_value_message(exc)]
    if errors:
        raise ValidationFailed(_("Some scores are not valid; see errors."), errors=errors)
    return parsed


def _check_writable(assignment: Assignment, version: int | None) -> None:
    check_round_stage(assignment.entry.competition, assignment.round)
    if assignment.status == "submitted":
        raise Locked(_("The score sheet is submitted and can no longer be changed."))
    if version is not None and version != assignment.version:
        raise StaleVersion(
            _(
                "The score sheet was changed meanwhile (version %(v)d); reload it.",
                v=assignment.version,
            )
        )


def _snapshot(assignment: Assignment) -> dict:
    total = assignment.total
    return {
        "status": assignment.status,
        "values": {c: str(v) for c, v in sorted(current_values(assignment).items())},
        "total": None if total is None else str(total),
        "comment": assignment.comment,
    }


def _bump(assignment: Assignment) -> None:
    """Flush the assignment row (version check + bump + row lock) before its values change.

    Callers touch no value row before this, so this flush is the single guarded UPDATE.
    """
    assignment.updated_at = now()  # always a real UPDATE, so the version always moves
    try:
        db.session.flush()
    except StaleDataError as exc:
        db.session.rollback()
        raise StaleVersion(_("The score sheet was changed meanwhile; reload it.")) from exc


def save_sheet(
    actor: User,
    assignment: Assignment,
    values: Mapping[str, object],
    comment: object = _UNSET,
    version: int | None = None,
) -> Assignment:
    """Save a draft (see the module guarantees); status becomes `draft`."""
    _check_writable(assignment, version)
    codes = weights(assignment)
    parsed = parse_values(values, codes)
    errors = {}
    if comment is not _UNSET and comment is not None and not isinstance(comment, str):
        errors["comment"] = [_("The comment must be text.")]
    elif isinstance(comment, str) and len(comment) > COMMENT_MAX:
        errors["comment"] = [_("At most %(n)d characters.", n=COMMENT_MAX)]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    before = _snapshot(assignment)
    existing = {v.criterion_code: v for v in assignment.values}

    assignment.status = "draft"
    assignment.total = sheet_total(parsed, codes, partial=True)
    if comment is not _UNSET:
        assignment.comment = (comment or "").strip() or None
    _bump(assignment)

    for code, row in existing.items():
        if code not in parsed:
            assignment.values.remove(row)
    for code in codes:  # criteria order, so value rows come out in display order
        if code in parsed:
            if code in existing:
                existing[code].value = parsed[code]
            else:
                assignment.values.append(ScoreValue(criterion_code=code, value=parsed[code]))
    db.session.flush()
    record(
        actor,
        "score.save",
        f"assignment:{assignment.id}",
        competition_id=assignment.competition_id,
        before=before,
        after=_snapshot(assignment),
    )
    return assignment


def submit_sheet(actor: User, assignment: Assignment, version: int | None = None) -> Assignment:
    """Submit a complete sheet; `Incomplete` (errors keyed by the missing codes) otherwise."""
    if assignment.status == "submitted":
        raise Locked(_("The score sheet is already submitted."))
    _check_writable(assignment, version)
    codes = weights(assignment)
    values = current_values(assignment)
    missing = [c for c in codes if c not in values]
    if missing:
        raise Incomplete(
            _(
                "Give a score for every criterion before submitting (%(n)d missing).",
                n=len(missing),
            ),
            errors={c: [_("Give a score for this criterion.")] for c in missing},
            missing=missing,
        )
    before = _snapshot(assignment)
    assignment.total = sheet_total(values, codes)
    assignment.status = "submitted"
    assignment.submitted_at = now()
    _bump(assignment)
    record(
        actor,
        "score.submit",
        f"assignment:{assignment.id}",
        competition_id=assignment.competition_id,
        before=before,
        after=_snapshot(assignment),
    )
    return assignment


def reopen_sheet(actor: User, assignment: Assignment, reason: object) -> Assignment:
    """Return a submitted sheet to draft (values kept) during its round; the reason is audited."""
    text = reason.strip() if isinstance(reason, str) else ""
    if len(text) < REASON_MIN:
        raise ValidationFailed(
            _("Give a reason."),
            errors={"reason": [_("At least %(n)d characters.", n=REASON_MIN)]},
        )
    try:
        check_round_stage(assignment.entry.competition, assignment.round)
    except InvalidStage:
        raise InvalidStage(_("A sheet can only be reopened while its round is open.")) from None
    if assignment.status != "submitted":
        raise NotSubmitted(_("Only a submitted score sheet can be reopened."))
    if assignment.conflicted:
        raise Locked(
            _("Its reviewer declared a conflict of interest: the sheet is kept only as a record.")
        )
    before = _snapshot(assignment)
    assignment.status = "draft"
    assignment.submitted_at = None
    _bump(assignment)
    record(
        actor,
        "score.reopen",
        f"assignment:{assignment.id}",
        competition_id=assignment.competition_id,
        before=before,
        after=_snapshot(assignment) | {"reason": text},
    )
    return assignment


# ----------------------------------------------------------------- progress
def progress_counts(query_filter) -> dict:
    """{"pending","draft","submitted","total"} over the assignments matching the filter."""
    rows = db.session.execute(
        select(Assignment.status, func.count()).where(*query_filter).group_by(Assignment.status)
    ).all()
    counts = {s: 0 for s in ("pending", "draft", "submitted")} | dict(rows)
    return counts | {"total": sum(counts.values())}


def reviewer_loads(comp: Competition, round_: str | None) -> list[dict]:
    """Per reviewer: {user_id, name, role, assigned, submitted, draft, pending}, one query
    for the counts. Reviewers of the round's roles are listed even with no assignment."""
    where = [Assignment.competition_id == comp.id]
    if round_:
        where.append(Assignment.round == round_)
    status = Assignment.status
    rows = db.session.execute(
        select(
            Assignment.user_id,
            func.count(),
            func.sum(case((status == "submitted", 1), else_=0)),
            func.sum(case((status == "draft", 1), else_=0)),
        )
        .where(*where)
        .group_by(Assignment.user_id)
    ).all()
    counts = {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in rows}
    roles = ROUND_ROLES[round_] if round_ else ("evaluator", "panelist", "chair")
    users = db.session.scalars(
        select(User)
        .where((User.role.in_(roles) & User.active.is_(True)) | User.id.in_(list(counts)))
        .order_by(User.name, User.id)
    ).all()
    out = []
    for u in users:
        assigned, submitted, draft = counts.get(u.id, (0, 0, 0))
        out.append(
            {
                "user_id": u.id,
                "name": u.name,
                "role": u.role,
                "active": u.active,
                "assigned": assigned,
                "submitted": submitted,
                "draft": draft,
                "pending": assigned - submitted - draft,
            }
        )
    return out
