"""Who and what belongs to a judging round, and when the round is open.

Guarantees: nothing here writes. A round's work happens only in the competition's stage of
the same name (`check_round_stage` raises `InvalidStage` otherwise); its entries are the
competition's eligible entries (evaluation) or those of the finalised shortlist (panel); its
reviewers are the active users of `ROUND_ROLES[round]`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kipp.errors import InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import ROUNDS, Competition, Entry, Selection, SelectionEntry, User

ROUND_ROLES = {"evaluation": ("evaluator",), "panel": ("panelist", "chair")}


def check_round(round_: str) -> None:
    if round_ not in ROUNDS:
        raise ValidationFailed(
            _("Unknown round."), errors={"round": [_("Choose evaluation or panel.")]}
        )


def check_round_stage(comp: Competition, round_: str) -> None:
    """The round's work happens only while the competition is in the stage of that name."""
    if comp.stage != round_:
        raise InvalidStage(
            _(
                "The %(round)s round is only open in the %(round)s stage (now: %(stage)s).",
                round=round_,
                stage=comp.stage,
            )
        )


def round_entries(comp: Competition, round_: str) -> dict[int, int]:
    """{entry_id: agency_id} of the round: eligible entries, or the finalised shortlist."""
    query = select(Entry.id, Entry.agency_id).where(Entry.competition_id == comp.id)
    if round_ == "evaluation":
        query = query.where(Entry.status == "eligible")
    else:
        query = query.join(SelectionEntry, SelectionEntry.entry_id == Entry.id).join(
            Selection,
            (Selection.id == SelectionEntry.selection_id)
            & (Selection.tier == "shortlist")
            & (Selection.status == "final"),
        )
    return dict(sorted(db.session.execute(query).all()))


def round_reviewers(round_: str) -> list[User]:
    """Active users whose role reviews the round, with their declared conflicts loaded."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_(ROUND_ROLES[round_]), User.active.is_(True))
            .options(selectinload(User.conflicts))
            .order_by(User.id)
        )
    )
