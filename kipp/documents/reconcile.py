"""The document jobs' reconciler: repairs what dead workers and lost broker messages left.

Every worker runs it every KIPP_RECONCILE_SECONDS (`workers.documents.reconcile_once`), so it
is safe to run anywhere, any number of times at once: each pass changes only the rows its own
`UPDATE … RETURNING` returned, and re-sending an item twice renders nothing twice (see
`kipp.documents.jobs`).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update

from kipp.clock import now
from kipp.documents.jobs import MAX_ATTEMPTS, WORKER_LOST, Item, patience, refresh_progress
from kipp.extensions import db
from kipp.models import DocumentJob


def reconcile() -> dict[int, list[int]]:
    """Repair what dead workers and lost messages left; returns {job_id: item ids to send}.

    1. Expired leases of items out of attempts → failed ("worker lost").
    2. Other expired leases → queued again, to be sent.
    3. Queued items past their pickup deadline, in jobs with no live lease and no item
       finished within the patience window → their message is presumed lost: to be sent.
    Sent items get a new pickup deadline, so a quiet job is re-sent once per patience window
    at most. Then every unfinished job's counters are refreshed. Idempotent; concurrent
    reconcilers only re-send the rows their own UPDATE returned.
    """
    t = now()
    deadline = t + patience()
    touched: set[int] = set()
    gave_up = db.session.execute(
        update(Item)
        .where(Item.status == "leased", Item.lease_until < t, Item.attempts >= MAX_ATTEMPTS)
        .values(
            status="failed",
            worker=None,
            lease_until=None,
            finished_at=t,
            error=WORKER_LOST,
        )
        .returning(Item.job_id)
        .execution_options(synchronize_session=False)
    ).scalars()
    touched.update(gave_up)
    resend: dict[int, list[int]] = defaultdict(list)
    expired = db.session.execute(
        update(Item)
        .where(Item.status == "leased", Item.lease_until < t)
        .values(status="queued", worker=None, lease_until=deadline)
        .returning(Item.job_id, Item.id)
        .execution_options(synchronize_session=False)
    ).all()
    busy_jobs = select(Item.job_id).where(
        (Item.status == "leased") & (Item.lease_until >= t) | (Item.finished_at >= t - patience())
    )
    lost = db.session.execute(
        update(Item)
        .where(Item.status == "queued", Item.job_id.not_in(busy_jobs))
        .where(Item.lease_until.is_(None) | (Item.lease_until < t))
        .values(lease_until=deadline)
        .returning(Item.job_id, Item.id)
        .execution_options(synchronize_session=False)
    ).all()
    for job_id, item_id in [*expired, *lost]:
        resend[job_id].append(item_id)
    touched.update(resend)
    unfinished = db.session.scalars(
        select(DocumentJob.id).where(DocumentJob.status.in_(("queued", "running")))
    )
    for job_id in sorted(touched | set(unfinished)):
        refresh_progress(job_id)
    return {job_id: sorted(ids) for job_id, ids in resend.items()}
