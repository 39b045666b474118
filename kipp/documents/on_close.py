"""Score sheets rendered when a judging round closes, so the award-time run is certificates only.

A round closes when the competition leaves the stage of that name: `evaluation` → `shortlist`,
`panel` → `final`. `kipp.competitions.stages.move_stage` calls `round_closed` after the move.

Guarantees
- In the transaction of the stage move, one `score_sheets` document job is created for the
  entries with at least one submitted sheet of the closing round (evaluation: the entries
  evaluated; panel: the shortlisted entries the panel scored), on behalf of the actor who
  moved the stage and audited like any job (`document_job.create`, with the `round` it
  closed); the secretariat follows it on the documents page like any other job. A forced
  move works the same way: entries without a submitted sheet have no score sheet and are left
  out. When no entry qualifies, no job is created.
- Nothing here talks to the broker while the transaction is open. The new job's id waits in
  the session until the caller that committed calls `send_created_jobs()`, which never raises:
  a broker failure cannot undo a committed stage move. Unsent items stay queued and the
  workers' reconciler sends them once their pickup deadline passes (also if a caller never
  calls `send_created_jobs`).
- A score sheet prints both rounds, so the panel close renders the panel's entries again.
  Rendering is cached by content hash (`kipp.documents.score_sheets`): an item whose entry did
  not change since its last rendering (e.g. one rendered on request before the close) renders
  nothing. A sheet can be reopened only while its round is open, so whatever a reopened sheet
  changed is rendered at that round's close.
"""

from __future__ import annotations

from flask import current_app

from kipp.documents import jobs
from kipp.documents.celery_app_factory import send_render_chunks
from kipp.documents.score_sheets import score_sheet_subjects
from kipp.extensions import db
from kipp.models import ROUNDS, Competition, DocumentJob, User

KIND = "score_sheets"
UNSENT = "kipp.documents.unsent_jobs"  # key in the session's `info`: ids of jobs to send


def round_closed(actor: User | None, comp: Competition, stage_left: str) -> DocumentJob | None:
    """Create the score-sheet job of the round `stage_left` closes (None when the stage is no
    round or no entry has a submitted sheet of it); remembered for `send_created_jobs`.
    Flushes; the caller commits."""
    if stage_left not in ROUNDS:
        return None
    subjects = score_sheet_subjects(comp.id, stage_left)
    if not subjects:
        return None
    job = jobs.add_job(actor, comp, KIND, subjects, audit={"round": stage_left})
    db.session.info.setdefault(UNSENT, []).append(job.id)
    return job


def send_created_jobs() -> list[DocumentJob]:
    """After the commit: send the queued items of the jobs `round_closed` created in this
    session, and forget them; returns those jobs. A job whose transaction was rolled back is
    skipped. A broker failure is logged, never raised (see the module docstring)."""
    created = []
    for job_id in db.session.info.pop(UNSENT, []):
        job = db.session.get(DocumentJob, job_id)
        if job is None:
            continue
        created.append(job)
        try:
            send_render_chunks(job.id, jobs.queued_item_ids(job))
        except Exception as exc:
            current_app.logger.warning("document job %s not sent yet: %s", job.id, exc)
    return created
