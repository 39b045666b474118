"""Reviewer assignments per round: by hand and automatically (loads and progress: scoring;
who and what belongs to a round: `kipp.judging.rounds`).

Guarantees
- Assignments are created only in the round's stage (`evaluation` round in stage `evaluation`,
  `panel` round in stage `panel`; else `InvalidStage`), for entries of the round (evaluation:
  the competition's eligible entries; panel: the entries of the finalised shortlist) and for
  active reviewers of the round's roles (evaluation: `evaluator`; panel: `panelist`, `chair`).
- A reviewer is never paired with an entry of their home agency or of an agency they declared
  a conflict with (`ConflictOfInterest`), and never twice with one entry in one round
  (`DuplicateValue`; the schema's unique key backs this up against concurrent requests).
- `auto_assign` is all-or-nothing: when the round cannot be covered it raises
  `CapacityInsufficientError` (with `needed`/`available`) and creates nothing. It writes one
  summary audit event; `create_assignment`/`delete_assignment` one event each.
- A sheet that has been submitted pins its assignment: deleting it raises `Locked`.
- Each action that creates assignments mails every reviewer it gave entries, once per action
  (`kipp.mail.notices.assigned`), in the action's transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kipp.accounts.services import conflicted_agency_ids
from kipp.audit.chain import record
from kipp.errors import (
    ConflictOfInterest,
    DuplicateValue,
    Locked,
    ValidationFailed,
)
from kipp.extensions import db
from kipp.judging.allocation import CapacityInsufficient, solve
from kipp.judging.errors import CapacityInsufficientError
from kipp.judging.rounds import (
    ROUND_ROLES,
    check_round,
    check_round_stage,
    round_entries,
    round_reviewers,
)
from kipp.mail import notices
from kipp.models import Assignment, Competition, Entry, User


def _flush_new() -> None:
    """Flush inserts; a unique-key clash means a concurrent request assigned the same pair."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise DuplicateValue(
            _("This reviewer is already assigned to this entry in this round.")
        ) from exc


# ----------------------------------------------------------------- by hand
def create_assignment(
    actor: User, comp: Competition, entry: Entry | None, reviewer: User | None, round_: str
) -> Assignment:
    """Assign `reviewer` to `entry` in `round_` (see the module guarantees)."""
    check_round(round_)
    errors: dict = {}
    if entry is None or entry.competition_id != comp.id:
        errors["entry_id"] = [_("Unknown entry.")]
    if reviewer is None:
        errors["user_id"] = [_("Unknown user.")]
    elif reviewer.role not in ROUND_ROLES[round_] or not reviewer.active:
        errors["user_id"] = [
            _(
                "Only active users with the role %(roles)s review the %(round)s round.",
                roles=" / ".join(ROUND_ROLES[round_]),
                round=round_,
            )
        ]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    check_round_stage(comp, round_)
    if entry.id not in round_entries(comp, round_):
        msg = (
            _("Only eligible entries are evaluated.")
            if round_ == "evaluation"
            else _("Only entries of the finalised shortlist go before the panel.")
        )
        raise ValidationFailed(msg, errors={"entry_id": [msg]})
    if entry.agency_id in conflicted_agency_ids(reviewer):
        raise ConflictOfInterest(
            _("%(name)s has a conflict of interest with this entry's agency.", name=reviewer.name)
        )
    duplicate = db.session.scalar(
        select(Assignment.id).where(
            Assignment.entry_id == entry.id,
            Assignment.user_id == reviewer.id,
            Assignment.round == round_,
        )
    )
    if duplicate:
        raise DuplicateValue(_("This reviewer is already assigned to this entry in this round."))
    assignment = Assignment(
        competition_id=comp.id, entry_id=entry.id, user_id=reviewer.id, round=round_
    )
    db.session.add(assignment)
    _flush_new()
    record(
        actor,
        "assignment.create",
        f"assignment:{assignment.id}",
        competition_id=comp.id,
        after={"entry_id": entry.id, "user_id": reviewer.id, "round": round_},
    )
    notices.assigned(comp, round_, [(entry.id, reviewer.id)])
    return assignment


def delete_assignment(actor: User, assignment: Assignment) -> None:
    """Remove an assignment and its draft values; a submitted sheet is `Locked`."""
    if assignment.status == "submitted":
        raise Locked(_("The score sheet is submitted; reopen it before removing the assignment."))
    before = {
        "entry_id": assignment.entry_id,
        "user_id": assignment.user_id,
        "round": assignment.round,
        "status": assignment.status,
        "values": {v.criterion_code: str(v.value) for v in assignment.values},
    }
    comp_id, obj = assignment.competition_id, f"assignment:{assignment.id}"
    db.session.delete(assignment)
    db.session.flush()
    record(actor, "assignment.delete", obj, competition_id=comp_id, before=before)


# ----------------------------------------------------------------- automatically
def _capacity_error(needed: int, available: int, detail: str, **extra) -> CapacityInsufficientError:
    return CapacityInsufficientError(
        _(
            "Not enough reviewer capacity: %(needed)d reviewer places are needed, "
            "%(available)d are available. %(detail)s",
            needed=needed,
            available=available,
            detail=detail,
        ),
        needed=needed,
        available=available,
        **extra,
    )


def _why(exc: CapacityInsufficient) -> str:
    if exc.reason == "total_capacity":
        return _("Reviewers × max_load, after conflicts, cannot cover entries × per_entry.")
    if exc.reason == "entry_reviewers":
        return _(
            "%(n)d entries have fewer reviewers free of conflicts than they need.",
            n=len(exc.entries),
        )
    return _("No assignment covers every entry; %(n)d entries stay short.", n=len(exc.entries))


def _every_panelist(forbidden: dict[int, set[int]], entries: list[int], existing, max_load):
    """Panel default: every entry gets every reviewer of the pool who may review it."""
    kept = set(existing)
    pairs = sorted((e, r) for r in forbidden for e in entries if e not in forbidden[r])
    new = [p for p in pairs if p not in kept]
    load = Counter(r for _, r in kept | set(pairs) if r in forbidden)
    nobody = [e for e in entries if not any(e not in forbidden[r] for r in forbidden)]
    if nobody:
        raise _capacity_error(
            len(nobody),
            0,
            _("%(n)d entries have no panel member free of conflicts.", n=len(nobody)),
            reason="entry_reviewers",
            entries=nobody,
        )
    over = {r: n for r, n in load.items() if n > max_load}
    if over:
        needed = sum(load.values())
        available = sum(min(n, max_load) for n in load.values())
        raise _capacity_error(
            needed,
            available,
            _("Every panel member reviews every entry, which exceeds max_load."),
            reason="total_capacity",
        )
    return new


def auto_assign(
    actor: User,
    comp: Competition,
    round_: str,
    per_entry: int | None = None,
    max_load: int | None = None,
) -> dict:
    """Complete the round's assignments; return {"created", "per_reviewer", ...}.

    Pool: active reviewers of the round's roles. Entries: those of the round. Existing pairs
    are kept and count toward coverage and load, except sheets marked `conflicted`, whose
    entries get another reviewer (their reviewer, conflicted, is never chosen again).
    `per_entry` defaults to the competition's `evaluators_per_entry` (evaluation) or, in the
    panel round, to every pool member: each entry then gets every panelist and the chair who
    is free of conflicts.

    `max_load` defaults to no cap (the number of entries). The solver returns the most
    balanced assignment (decreasingly minimal loads: the smallest possible maximum, which is
    ceil(total load / reviewers) whenever conflicts allow it, loads within one of each other),
    so the default is always enough for the balanced solution and is refused only when
    conflicts make the round impossible. `per_reviewer` maps every pool reviewer (and any
    other holder of an assignment in the round) to their total load in the round.
    """
    check_round(round_)
    check_round_stage(comp, round_)
    errors: dict = {}
    if per_entry is not None and (isinstance(per_entry, bool) or per_entry < 1):
        errors["per_entry"] = [_("Give a whole number of at least 1.")]
    if max_load is not None and (isinstance(max_load, bool) or max_load < 0):
        errors["max_load"] = [_("Give a whole number of at least 0.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)

    agency_of = round_entries(comp, round_)
    entries, pool = list(agency_of), round_reviewers(round_)
    by_agency: dict[int, set[int]] = defaultdict(set)
    for e, a in agency_of.items():
        by_agency[a].add(e)
    forbidden = {
        u.id: set().union(*(by_agency.get(a, set()) for a in conflicted_agency_ids(u)))
        for u in pool
    }
    existing = [
        (e, r)
        for e, r in db.session.execute(
            select(Assignment.entry_id, Assignment.user_id).where(
                Assignment.competition_id == comp.id,
                Assignment.round == round_,
                Assignment.conflicted.is_(False),  # a conflicted sheet needs a replacement
            )
        )
    ]
    cap = max_load if max_load is not None else max(len(entries), 1)

    if round_ == "panel" and per_entry is None:
        new_pairs = _every_panelist(forbidden, entries, existing, cap)
        used_per_entry = None
    else:
        used_per_entry = per_entry if per_entry is not None else comp.evaluators_per_entry
        try:
            new_pairs = solve(forbidden, entries, used_per_entry, cap, existing).pairs
        except CapacityInsufficient as exc:
            raise _capacity_error(
                exc.needed, exc.available, _why(exc), reason=exc.reason, entries=exc.entries
            ) from exc

    db.session.add_all(
        Assignment(competition_id=comp.id, entry_id=e, user_id=r, round=round_)
        for e, r in new_pairs
    )
    _flush_new()
    load = Counter(r for _, r in existing) + Counter(r for _, r in new_pairs)
    per_reviewer = {u.id: load[u.id] for u in pool} | dict(load)
    per_reviewer = {r: per_reviewer[r] for r in sorted(per_reviewer)}
    summary = {
        "round": round_,
        "per_entry": used_per_entry,
        "max_load": max_load,
        "entries": len(entries),
        "reviewers": len(pool),
        "created": len(new_pairs),
        "per_reviewer": per_reviewer,
    }
    record(
        actor, "assignment.auto", f"competition:{comp.id}", competition_id=comp.id, after=summary
    )
    notices.assigned(comp, round_, new_pairs)
    return summary
