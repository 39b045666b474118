"""Stage guards of published selections (registered on import, at app setup).

The competition may not leave `shortlist` (or `final`) while that tier's published selection
still has its objection window open or an objection not yet decided: the move answers
InvalidStage with the reason. A tier that is not published does not block here (the judging
guards already require it to be final).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.competitions.stages import guard
from kipp.extensions import db
from kipp.models import Competition, Selection
from kipp.publication.queries import OBJECTION_OPEN, public_status, undecided_count


def objection_blocker(comp: Competition, tier: str) -> str | None:
    """Why `comp` may not leave the stage of `tier` because of its published selection."""
    sel = db.session.scalar(
        select(Selection).where(
            Selection.competition_id == comp.id,
            Selection.tier == tier,
            Selection.status == "final",
            Selection.published_at.is_not(None),
        )
    )
    if sel is None:
        return None
    if public_status(sel) == OBJECTION_OPEN:
        return _("The objection period of the published %(tier)s is still open.", tier=tier)
    left = undecided_count(sel)
    if left:
        return _(
            "%(n)d objection(s) to the published %(tier)s are not decided yet.", n=left, tier=tier
        )
    return None


@guard("shortlist")
def _shortlist_objections(comp: Competition, force: bool) -> str | None:
    return objection_blocker(comp, "shortlist")


@guard("final")
def _final_objections(comp: Competition, force: bool) -> str | None:
    return objection_blocker(comp, "final")
