"""Stage moves: one step forward at a time, each guarded.

Guards (API contract § Competitions), all answered with InvalidStage and a `detail` that says
what blocks the move:
- leaving `screening` while submitted entries are unscreened;
- leaving `evaluation`/`panel` with assigned but unsubmitted score sheets, unless forced with a
  reason (see `kipp.judging`);
- leaving `shortlist`/`final` before that tier's selection is finalised.

Leaving `evaluation` or `panel` closes that judging round: in the same transaction the
round's score-sheet job is created (`kipp.documents.on_close.round_closed`; rows only, no
broker). The caller commits, then calls `kipp.documents.on_close.send_created_jobs()`.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.audit.chain import record
from kipp.documents.on_close import round_closed
from kipp.errors import InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import STAGES, Competition, Entry, User

# Each guard returns a reason the competition may not leave its stage, or None.
Guard = Callable[[Competition, bool], str | None]
GUARDS: dict[str, list[Guard]] = {stage: [] for stage in STAGES}


def guard(stage: str):
    def register(fn: Guard) -> Guard:
        GUARDS[stage].append(fn)
        return fn

    return register


@guard("screening")
def _all_screened(comp: Competition, force: bool) -> str | None:
    left = db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(Entry.competition_id == comp.id, Entry.status == "submitted")
    )
    if left:
        return _("%(n)d submitted entries are not screened yet.", n=left)
    return None


def next_stage(stage: str) -> str | None:
    i = STAGES.index(stage)
    return STAGES[i + 1] if i + 1 < len(STAGES) else None


def blockers(comp: Competition, force: bool = False) -> list[str]:
    """Reasons the competition cannot move to its next stage now (empty when it can)."""
    if next_stage(comp.stage) is None:
        return [_("The competition is in its last stage.")]
    return [r for g in GUARDS[comp.stage] if (r := g(comp, force))]


def move_stage(
    actor: User, comp: Competition, to: str, force: bool = False, reason: str | None = None
) -> Competition:
    """Move `comp` one stage forward (see the module docstring); audited, flushed."""
    if to not in STAGES:
        raise ValidationFailed(_("Unknown stage."), errors={"to": [_("Unknown stage.")]})
    if to != next_stage(comp.stage):
        raise InvalidStage(
            _(
                "The competition can only move one step forward, from %(stage)s to %(next)s.",
                stage=comp.stage,
                next=next_stage(comp.stage) or "-",
            )
        )
    if force and not (reason or "").strip():
        raise ValidationFailed(
            _("A forced move needs a reason."),
            errors={"reason": [_("Say why the move is forced.")]},
        )
    problems = blockers(comp, force)
    if problems:
        raise InvalidStage(" ".join(problems), blockers=problems)
    before = comp.stage
    comp.stage = to
    db.session.flush()
    record(
        actor,
        "competition.stage",
        f"competition:{comp.id}",
        competition_id=comp.id,
        before={"stage": before},
        after={"stage": to, "force": force, "reason": reason},
    )
    round_closed(actor, comp, before)
    return comp
