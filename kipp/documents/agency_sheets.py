"""The agency's copy of its entry's score sheet: every value, weight, total and comment, with
the reviewers unnamed.

Guarantees
- Who: the entry's own agency account and the admins (`kipp.permissions.
  can_read_agency_score_sheet`); drafters, reviewers and other agencies get 404.
- When: a round's sheets are shared once the result that round decides is public: the desk
  evaluation round's when the competition's shortlist is published, the panel round's when its
  final tier is published, and both once the competition is awarded. Before that, or for an
  entry with no submitted sheet in a shared round, the copy is refused with `invalid_stage`.
- What: the full score sheet of `kipp.documents.score_sheets` for the shared rounds (values with
  the criteria's weights, totals, per-criterion means, mean and spread, comments; a reviewer who
  declared a conflict is left out as everywhere), each reviewer printed as "Reviewer n" (numbered
  per round in the order the sheets were assigned) and without submission times, so a reviewer
  cannot be told from the copy. The full sheet with names stays with the admins, the chair and
  the panelists.
- Printed, like every KIPP document, in the competition's official language (the default
  locale), whoever asks; cached like the full sheet by the hash of its content.
- Nothing here commits; `render_agency_score_sheet` flushes the cached row.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from kipp.documents.score_sheets import cached, score_sheet_data
from kipp.errors import InvalidStage, NotFound
from kipp.extensions import db
from kipp.judging.queries import ROUND_FOR_TIER
from kipp.models import ROUNDS, Assignment, Competition, Entry, RenderedDocument, Selection, Stage

AGENCY_SCORE_SHEET = "agency_score_sheet"


def shared_rounds(competition_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """competition id → the rounds whose sheets its agencies read (see module), for those of
    `competition_ids` that share at least one. Two queries whatever the number of ids."""
    ids = set(competition_ids)
    if not ids:
        return {}
    shared: dict[int, set[str]] = {}
    awarded = db.session.scalars(
        select(Competition.id).where(Competition.id.in_(ids), Competition.stage == Stage.AWARDED)
    )
    for comp_id in awarded:
        shared[comp_id] = set(ROUNDS)
    published = db.session.execute(
        select(Selection.competition_id, Selection.tier).where(
            Selection.competition_id.in_(ids),
            Selection.status == "final",
            Selection.published_at.is_not(None),
            Selection.tier.in_(tuple(ROUND_FOR_TIER)),
        )
    )
    for comp_id, tier in published:
        shared.setdefault(comp_id, set()).add(ROUND_FOR_TIER[tier])
    return {comp_id: frozenset(rounds) for comp_id, rounds in shared.items()}


def entries_with_copy(entries: list[Entry]) -> set[int]:
    """Ids of `entries` that have an agency copy to read now: a submitted sheet (not of a
    conflicted reviewer) in a round their competition shares. Three queries at most."""
    shared = shared_rounds({e.competition_id for e in entries})
    candidates = {e.id: shared[e.competition_id] for e in entries if e.competition_id in shared}
    if not candidates:
        return set()
    rows = db.session.execute(
        select(Assignment.entry_id, Assignment.round)
        .where(
            Assignment.entry_id.in_(candidates),
            Assignment.status == "submitted",
            Assignment.total.is_not(None),
            Assignment.conflicted.is_(False),
        )
        .distinct()
    )
    return {entry_id for entry_id, round_ in rows if round_ in candidates[entry_id]}


def agency_sheet_data(entry: Entry, rounds: frozenset[str]) -> dict:
    """What the agency copy prints: the score sheet's data for `rounds`, reviewers unnamed."""
    data = score_sheet_data(entry)
    kept = []
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the document's language
        for round_data in data["rounds"]:
            if round_data["round"] not in rounds:
                continue
            sheets = [
                sheet | {"reviewer": _("Reviewer %(n)d", n=n), "submitted_at": ""}
                for n, sheet in enumerate(round_data["sheets"], start=1)
            ]
            kept.append(round_data | {"sheets": sheets})
    return data | {"rounds": kept, "anonymous": True}


def render_agency_score_sheet(entry_id: int) -> RenderedDocument:
    """The agency copy's PDF, rendered only when its content changed. NotFound for an unknown
    entry; InvalidStage while no round with a submitted sheet of the entry is shared."""
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("Not found."))
    rounds = shared_rounds([entry.competition_id]).get(entry.competition_id, frozenset())
    data = agency_sheet_data(entry, rounds) if rounds else {"rounds": []}
    if not data["rounds"]:
        raise InvalidStage(
            _(
                "The score sheets are shared with the agency once the results of their round "
                "are published."
            )
        )
    return cached(AGENCY_SCORE_SHEET, entry.id, "score_sheet.html", data)
