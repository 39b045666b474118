"""A document job's progress, recomputed from its items (the rows are the truth), and the
errors of its failed items. Flushes; the caller commits."""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.clock import now
from kipp.extensions import db
from kipp.models import DocumentItem as Item
from kipp.models import DocumentJob


def refresh_progress(job_id: int) -> DocumentJob | None:
    """Recompute counters and status from the items, under a row lock on the job."""
    job = db.session.execute(
        select(DocumentJob)
        .where(DocumentJob.id == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if job is None:
        return None
    counts = dict(
        db.session.execute(
            select(Item.status, func.count()).where(Item.job_id == job_id).group_by(Item.status)
        ).all()
    )
    job.total = sum(counts.values())
    job.done, job.failed = counts.get("done", 0), counts.get("failed", 0)
    t = now()
    if job.done + job.failed == job.total:
        job.status = "failed" if job.failed else "done"
        job.started_at = job.started_at or t
        job.finished_at = job.finished_at or t
    elif job.started_at is not None or counts.get("leased") or job.done or job.failed:
        job.status = "running"
        job.started_at = job.started_at or t
    db.session.flush()
    return job


def job_errors(job: DocumentJob) -> list[dict]:
    """The failed items of a job: [{"entry_id", "error"}] in item order."""
    rows = db.session.execute(
        select(Item.subject_id, Item.error)
        .where(Item.job_id == job.id, Item.status == "failed")
        .order_by(Item.id)
    )
    return [{"entry_id": subject, "error": error or ""} for subject, error in rows]
