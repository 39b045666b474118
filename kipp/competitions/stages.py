"""Stage moves: one step forward at a time, each guarded.

Guards (API contract § Competitions), all answered with InvalidStage and a `detail` that says
what blocks the move:
- leaving `screening` while submitted entries are unscreened;
- leaving `evaluation`/`panel` with assigned but unsubmitted score sheets, unless forced with a
  reason (see `kipp.judging`);
- leaving `shortlist`/`final` before that tier's selection is finalised.

Leaving a stage runs the hooks registered with `on_leave` at app setup, in the move's
transaction (e.g. `kipp.documents.on_close`: leaving `evaluation` or `panel` closes that
judging round and creates its score-sheet job). Hooks write rows only; whatever they hand to
the workers is sent after the commit by `kipp.dispatch`, so callers just commit.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.audit.chain import record
from kipp.errors import InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import STAGES, Competition, Entry, Stage, User

# Each guard returns a reason the competition may not leave its stage, or None.
Guard = Callable[[Competition, bool], str | None]
GUARDS: dict[str, list[Guard]] = {stage: [] for stage in STAGES}
# Each leave hook gets (actor, competition, stage left) after a move and may return a notice
# for the person who moved it (e.g. "Score sheets: 12 document(s) queued.").
LeaveHook = Callable[[User | None, Competition, str], str | None]
LEAVE_HOOKS: list[LeaveHook] = []


def on_leave(hook: LeaveHook) -> LeaveHook:
    """Register `hook` to run after every stage move (once, however often the app is built)."""
    if hook not in LEAVE_HOOKS:
        LEAVE_HOOKS.append(hook)
    return hook


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


def next_stage(stage: str) -> Stage | None:
    return Stage(stage).next


def blockers(comp: Competition, force: bool = False) -> list[str]:
    """Reasons the competition cannot move to its next stage now (empty when it can)."""
    if next_stage(comp.stage) is None:
        return [_("The competition is in its last stage.")]
    return [r for g in GUARDS[comp.stage] if (r := g(comp, force))]


def move_stage(
    actor: User, comp: Competition, to: str, force: bool = False, reason: str | None = None
) -> list[str]:
    """Move `comp` one stage forward (see the module docstring); audited, flushed. Returns the
    leave hooks' notices for the person who moved it."""
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
    return [notice for hook in LEAVE_HOOKS if (notice := hook(actor, comp, before))]
