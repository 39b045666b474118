"""Document jobs: create them, lease their items to workers, record outcomes, reconcile.

The rows are the truth about progress; Celery messages only say "look at these item ids".
Guarantees, with any number of worker processes on SQLite or PostgreSQL:
- An item is claimed by one worker at a time: claiming is one `UPDATE … WHERE status='queued'
  OR (status='leased' AND lease_until < now)` (PostgreSQL also skips rows locked by a
  concurrent claim), and only the ids the statement returned were claimed.
- An item that is done or failed is never claimed again, so running a chunk twice renders
  nothing twice. Outcomes are written only by the worker that holds the lease (`worker`
  column), so a worker that lost its lease cannot overwrite the new holder's result.
- A rendering error returns the item to the queue until it was attempted MAX_ATTEMPTS
  times; then it is failed with the error text. A worker that dies mid-item counts as an
  attempt too, so a document that kills workers cannot loop forever. A store that cannot be
  reached (`StorageUnavailable`) is not the document's fault: `return_items` puts the item
  back in the queue without counting the attempt, for as long as the outage lasts.
- `kipp.documents.reconcile.reconcile()` puts items whose lease expired back in the queue
  and names the queued items whose message was probably lost (their pickup deadline passed
  while their job had no live lease and no recent progress), so a SIGKILLed worker or a
  flushed broker loses nothing. For a queued item `lease_until` is that pickup deadline.
- Job counters and status are recomputed from the items under a row lock on the job:
  `done`, `failed`, `total`; status `queued` until an item is claimed, `running`, then `done`
  when every item is done or `failed` when every item finished and at least one failed.

Services flush; the caller (a view or a task) commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, select, update

from kipp.audit.chain import record
from kipp.clock import now
from kipp.dispatch import after_commit
from kipp.documents.celery_app_factory import send_render_chunks
from kipp.documents.kinds import KINDS
from kipp.documents.progress import refresh_progress
from kipp.errors import Forbidden, InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import JOB_KINDS, Competition, DocumentItem, DocumentJob, User
from kipp.permissions import is_admin

MAX_ATTEMPTS = 3
FINISHED = ("done", "failed")
ERROR_MAX = 2000
# Stored like exception texts: technical English, shown to the secretariat as recorded.
WORKER_LOST = f"WorkerLost: the worker rendering this document stopped {MAX_ATTEMPTS} times."

Item = DocumentItem


def _seconds(key: str, default: float) -> timedelta:
    return timedelta(seconds=float(current_app.config.get(key, default)))


def lease_length() -> timedelta:
    return _seconds("KIPP_DOCUMENT_LEASE_SECONDS", 60)


def patience() -> timedelta:
    return _seconds("KIPP_DOCUMENT_PATIENCE_SECONDS", 60)


# ----------------------------------------------------------------- creating
def subjects_for(competition: Competition, kind: str) -> list[int]:
    """Entry ids to render, ascending: the kind's own rule (`kipp.documents.kinds`)."""
    return KINDS[kind].subject_ids(competition.id)


def create_job(actor: User, competition: Competition, kind: str) -> DocumentJob:
    """A queued job with one queued item per document; audited. Admin only (Forbidden);
    certificates only in stage `awarded` (InvalidStage). A job without items is done at once.
    The items are sent to the workers after the caller commits (see `add_job`)."""
    if not is_admin(actor):
        raise Forbidden(_("Only the secretariat starts document jobs."))
    if kind not in JOB_KINDS:
        raise ValidationFailed(
            _("Unknown document kind."), errors={"kind": [_("Choose a document kind.")]}
        )
    doc_kind = KINDS[kind]
    if doc_kind.stage and competition.stage != doc_kind.stage:
        raise InvalidStage(str(doc_kind.stage_refusal))
    return add_job(actor, competition, kind, subjects_for(competition, kind))


def add_job(
    actor: User | None,
    competition: Competition,
    kind: str,
    subject_ids: Iterable[int],
    *,
    audit: dict | None = None,
) -> DocumentJob:
    """The rows of a job for exactly `subject_ids` (entry ids, deduplicated, ascending): one
    queued item each, with the pickup deadline now + patience; a job without items is done at
    once. Audited as `document_job.create` by `actor` with {"kind", "total"} plus `audit`.

    Kind-neutral and unchecked: callers decide who may create it and which entries are
    subjects (`create_job` for the secretariat's requests, `kipp.documents.on_close` when a
    round closes). Flushes; the caller commits, and the items are sent to the workers after
    that commit (`kipp.dispatch`; a broker failure leaves them to the reconciler)."""
    if kind not in JOB_KINDS:
        raise ValueError(f"unknown document kind: {kind!r}")
    subjects = sorted(set(subject_ids))
    t = now()
    job = DocumentJob(
        competition_id=competition.id,
        kind=kind,
        status="queued",
        total=len(subjects),
        done=0,
        failed=0,
        created_by_id=actor.id if actor else None,
        created_at=t,
    )
    if not subjects:
        job.status, job.started_at, job.finished_at = "done", t, t
    deadline = t + patience()
    job.items = [
        DocumentItem(subject_id=s, status="queued", attempts=0, lease_until=deadline)
        for s in subjects
    ]
    db.session.add(job)
    db.session.flush()
    record(
        actor,
        "document_job.create",
        f"document_job:{job.id}",
        competition_id=competition.id,
        after={"kind": kind, "total": job.total} | (audit or {}),
    )
    if job.items:
        app = current_app._get_current_object()
        after_commit(db.session, send_items, job.id, [i.id for i in job.items], app, kind)
    return job


def send_items(job_id: int, item_ids: list[int], app, kind: str) -> None:
    """Send items to the workers (after the commit that created them) on the queue of their
    kind. A broker failure is logged, never raised: the items stay queued and the reconciler
    sends them later."""
    try:
        send_render_chunks(job_id, item_ids, app, kind)
    except Exception as exc:
        app.logger.warning("document job %s not sent yet: %s", job_id, exc)


def queued_item_ids(job: DocumentJob) -> list[int]:
    return list(
        db.session.scalars(
            select(Item.id).where(Item.job_id == job.id, Item.status == "queued").order_by(Item.id)
        )
    )


# ----------------------------------------------------------------- working
def _claimable(t: datetime):
    return (Item.status == "queued") | ((Item.status == "leased") & (Item.lease_until < t))


def lease_items(job_id: int, item_ids: list[int], worker: str) -> list[int]:
    """Claim those of `item_ids` (of job `job_id`) that are queued or whose lease expired and
    that have attempts left; returns the claimed ids in ascending order. Marks the job running."""
    if not item_ids:
        return []
    t = now()
    candidates = (
        select(Item.id)
        .where(Item.job_id == job_id, Item.id.in_(item_ids), Item.attempts < MAX_ATTEMPTS)
        .where(_claimable(t))
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.execute(
        update(Item)
        .where(Item.id.in_(candidates), _claimable(t))
        .values(status="leased", worker=worker, lease_until=t + lease_length())
        .returning(Item.id)
        .execution_options(synchronize_session=False)
    ).scalars()
    ids = sorted(claimed)
    if ids:
        refresh_progress(job_id)
    return ids


def start_item(item_id: int, worker: str, still_mine: Sequence[int] = ()) -> int | None:
    """Count an attempt on `item_id` and renew the lease on it and on `still_mine` (the
    worker's other items of the chunk). Returns the entry id to render, or None when the
    worker no longer holds the item."""
    t = now()
    row = db.session.execute(
        update(Item)
        .where(Item.id == item_id, Item.status == "leased", Item.worker == worker)
        .values(attempts=Item.attempts + 1, lease_until=t + lease_length())
        .returning(Item.subject_id)
        .execution_options(synchronize_session=False)
    ).first()
    if still_mine:
        db.session.execute(
            update(Item)
            .where(Item.id.in_(list(still_mine)), Item.status == "leased", Item.worker == worker)
            .values(lease_until=t + lease_length())
            .execution_options(synchronize_session=False)
        )
    return None if row is None else row[0]


def complete_item(item_id: int, worker: str) -> bool:
    """Mark the item done if `worker` still holds it (else False: the caller rolls back its
    rendering so the holder's result stands); refreshes the job's counters."""
    row = db.session.execute(
        update(Item)
        .where(Item.id == item_id, Item.status == "leased", Item.worker == worker)
        .values(status="done", error=None, lease_until=None, finished_at=now())
        .returning(Item.job_id)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return False
    refresh_progress(row[0])
    return True


def fail_item(item_id: int, worker: str, error: str) -> str | None:
    """Record a rendering error: the item is queued again (returns "queued") until its
    MAX_ATTEMPTS-th attempt, then failed ("failed"); None if `worker` no longer holds it."""
    t = now()
    out_of_attempts = Item.attempts >= MAX_ATTEMPTS
    row = db.session.execute(
        update(Item)
        .where(Item.id == item_id, Item.status == "leased", Item.worker == worker)
        .values(
            status=case((out_of_attempts, "failed"), else_="queued"),
            error=error[:ERROR_MAX],
            worker=None,
            lease_until=case((out_of_attempts, None), else_=t + patience()),
            finished_at=case((out_of_attempts, t), else_=None),
        )
        .returning(Item.status, Item.job_id)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    refresh_progress(row[1])
    return row[0]


def return_items(item_ids: Sequence[int], worker: str, error: str, started: int | None) -> int:
    """Put the items of `item_ids` that `worker` holds back in the queue, because the store
    their documents go to cannot be reached: the attempt counted on `started` (the item being
    rendered, if any) is taken back, `error` is recorded, and the pickup deadline is now +
    patience, so the reconciler sends them again once their job has been quiet that long.
    Returns how many items were returned."""
    rows = (
        db.session.execute(
            update(Item)
            .where(Item.id.in_(list(item_ids)), Item.status == "leased", Item.worker == worker)
            .values(
                status="queued",
                worker=None,
                error=error[:ERROR_MAX],
                lease_until=now() + patience(),
                attempts=case((Item.id == started, Item.attempts - 1), else_=Item.attempts),
            )
            .returning(Item.job_id)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    for job_id in sorted(set(rows)):
        refresh_progress(job_id)
    return len(rows)
