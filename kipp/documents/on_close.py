"""Score sheets rendered when a judging round closes, so the award-time run is certificates only.

A round closes when the competition leaves the stage of that name: `evaluation` → `shortlist`,
`panel` → `final`. `register()` (called at app setup) makes `round_closed` a leave hook of
`kipp.competitions.stages`, so every stage move calls it.

Guarantees
- In the transaction of the stage move, one `score_sheets` document job is created for the
  entries with at least one submitted sheet of the closing round (evaluation: the entries
  evaluated; panel: the shortlisted entries the panel scored), on behalf of the actor who
  moved the stage and audited like any job (`document_job.create`, with the `round` it
  closed); the secretariat follows it on the documents page like any other job. A forced
  move works the same way: entries without a submitted sheet have no score sheet and are left
  out. When no entry qualifies, no job is created.
- Nothing here talks to the broker while the transaction is open: the job's items are sent
  after the commit (`kipp.dispatch`, registered by `jobs.add_job`), and a broker failure
  cannot undo a committed stage move. Unsent items stay queued and the workers' reconciler
  sends them once their pickup deadline passes.
- A score sheet prints both rounds, so the panel close renders the panel's entries again.
  Rendering is cached by content hash (`kipp.documents.score_sheets`): an item whose entry did
  not change since its last rendering (e.g. one rendered on request before the close) renders
  nothing. A sheet can be reopened only while its round is open, so whatever a reopened sheet
  changed is rendered at that round's close.
"""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.competitions.stages import on_leave
from kipp.documents import jobs
from kipp.documents.score_sheets import score_sheet_subjects
from kipp.models import ROUNDS, Competition, DocumentJob, User

KIND = "score_sheets"


def register() -> None:
    """Make every stage move close its judging round (idempotent)."""
    on_leave(closed_round_notice)


def round_closed(actor: User | None, comp: Competition, stage_left: str) -> DocumentJob | None:
    """Create the score-sheet job of the round `stage_left` closes (None when the stage is no
    round or no entry has a submitted sheet of it). Flushes; the caller commits."""
    if stage_left not in ROUNDS:
        return None
    subjects = score_sheet_subjects(comp.id, stage_left)
    if not subjects:
        return None
    return jobs.add_job(actor, comp, KIND, subjects, audit={"round": stage_left})


def closed_round_notice(actor: User | None, comp: Competition, stage_left: str) -> str | None:
    """The leave hook: `round_closed`, told to the person who moved the stage."""
    job = round_closed(actor, comp, stage_left)
    if job is None:
        return None
    return _("%(kind)s: %(n)d document(s) queued.", kind=_("Score sheets"), n=job.total)
