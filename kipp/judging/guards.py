"""Stage guards of the judging rounds and selections (registered on import).

- leaving `evaluation`/`panel`: no assigned but unsubmitted score sheet, unless forced;
- leaving `shortlist`/`final`: that tier's selection is finalised.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from kipp.competitions.stages import guard
from kipp.extensions import db
from kipp.models import Assignment, Competition, Selection


def _open_sheets(comp: Competition, round_: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Assignment)
        .where(
            Assignment.competition_id == comp.id,
            Assignment.round == round_,
            Assignment.status != "submitted",
        )
    )


@guard("evaluation")
def _evaluation_done(comp: Competition, force: bool) -> str | None:
    left = _open_sheets(comp, "evaluation")
    if left and not force:
        return _(
            "%(n)d evaluation score sheets are not submitted (force the move with a "
            "reason to close the round anyway).",
            n=left,
        )
    return None


@guard("panel")
def _panel_done(comp: Competition, force: bool) -> str | None:
    left = _open_sheets(comp, "panel")
    if left and not force:
        return _(
            "%(n)d panel score sheets are not submitted (force the move with a reason to "
            "close the round anyway).",
            n=left,
        )
    return None


def finalised(comp: Competition, tier: str) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists(
                    select(Selection.id).where(
                        Selection.competition_id == comp.id,
                        Selection.tier == tier,
                        Selection.status == "final",
                    )
                )
            )
        )
    )


@guard("shortlist")
def _shortlist_final(comp: Competition, force: bool) -> str | None:
    if not finalised(comp, "shortlist"):
        return _("The shortlist (Top %(n)d) is not finalised yet.", n=comp.shortlist_size)
    return None


@guard("final")
def _final_final(comp: Competition, force: bool) -> str | None:
    if not finalised(comp, "final"):
        return _("The final tier (Top %(n)d) is not finalised yet.", n=comp.final_size)
    return None
