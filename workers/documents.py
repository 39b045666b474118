"""Document tasks: thin, idempotent, ids only. The rules live in `kipp.documents.jobs`.

`render_chunk(job_id, item_ids)` leases what it can of the chunk and renders each leased item
in its own transaction: the document's rows and the item's `done` commit together, so a
worker killed mid-document leaves the item leased (the reconciler re-queues it) and nothing
half-written. A failing document is retried in the same task until it runs out of attempts.
A store that cannot be reached fails no document: the item being rendered and the rest of the
chunk go back to the queue, their attempts untouched, and the reconciler sends them again
later (`kipp.documents.jobs.return_items`), so an outage delays documents and loses none.
Running a chunk twice, or a chunk whose items another worker already took, renders nothing
twice.

`reconcile_jobs()` re-queues expired leases, re-sends lost messages and purges delivered rows
of the SQLAlchemy broker. Workers run it on their own every KIPP_RECONCILE_SECONDS (see
`workers.celery_app`); the task exists so it can also be sent by hand
(`celery -A workers.celery_app call workers.documents.reconcile_jobs`).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable

from celery import shared_task
from flask import current_app
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from kipp.documents import jobs, storage
from kipp.documents.celery_app_factory import (
    RECONCILE,
    RENDER_CHUNK,
    is_sqla_broker,
    send_render_chunks,
    sqla_engine_url,
)
from kipp.documents.kinds import KINDS
from kipp.documents.reconcile import reconcile
from kipp.extensions import db
from kipp.models import DocumentJob
from kipp.storage import StorageUnavailable

log = logging.getLogger(__name__)


def renderer_for(kind: str) -> Callable[[int], object]:
    """The function that renders one entry's document of `kind` (idempotent by contract):
    the kind's own, from the registry `kipp.documents.kinds.KINDS`."""
    return KINDS[kind].render_function()


def warm_renderer() -> str | None:
    """Warm this process's PDF renderer (stylesheet and fonts parsed once) if the rendering
    module provides `warm_up`; log a WARNING when `pdf_speed()` says "slow". Returns the
    speed, or None when there is no renderer to ask."""
    try:
        from kipp.documents import render
    except ImportError:
        return None
    speed = render.warm_up() if hasattr(render, "warm_up") else None
    if hasattr(render, "pdf_speed"):
        speed = render.pdf_speed()
    if speed == "slow":
        log.warning(
            "PDF rendering is SLOW: WeasyPrint cannot use HarfBuzz subsetting and falls back "
            "to fontTools (about 10x slower). Install libharfbuzz-subset0 "
            "(make system-deps) and restart the worker."
        )
    return speed


def worker_name(task_id: str | None) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{task_id or 'direct'}"[:200]


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


@shared_task(
    bind=True, name=RENDER_CHUNK, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def render_chunk(self, job_id: int, item_ids: list[int]) -> dict:
    """Render the items of `item_ids` this worker can lease; returns {"done", "failed",
    "skipped"} counts for the log."""
    job = db.session.get(DocumentJob, job_id)
    if job is None:
        return {"done": 0, "failed": 0, "skipped": len(item_ids)}
    try:
        render = renderer_for(job.kind)
    except Exception as exc:  # e.g. a broken renderer module: record it on every item

        def render(_entry_id: int, exc: Exception = exc) -> None:
            raise exc

    worker = worker_name(self.request.id)
    outcome = {"done": 0, "failed": 0, "skipped": 0}
    pending = jobs.lease_items(job_id, item_ids, worker)
    db.session.commit()
    outcome["skipped"] = len(item_ids) - len(pending)
    while pending:
        retry = []
        for n, item_id in enumerate(pending):
            entry_id = jobs.start_item(item_id, worker, pending[n + 1 :])
            db.session.commit()
            if entry_id is None:
                continue
            try:
                render(entry_id)
                if not jobs.complete_item(item_id, worker):
                    db.session.rollback()  # another worker holds it now; its result stands
                    continue
                db.session.commit()
                outcome["done"] += 1
            except StorageUnavailable as exc:
                db.session.rollback()
                log.warning("document job %s: the store is unreachable: %s", job_id, exc)
                jobs.return_items(pending[n:], worker, error_text(exc), item_id)
                db.session.commit()
                return outcome
            except Exception as exc:
                db.session.rollback()
                log.warning("document job %s: entry %s failed: %s", job_id, entry_id, exc)
                status = jobs.fail_item(item_id, worker, error_text(exc))
                db.session.commit()
                if status == "queued":
                    retry.append(item_id)
                elif status == "failed":
                    outcome["failed"] += 1
        pending = jobs.lease_items(job_id, retry, worker)
        db.session.commit()
    return outcome


def reconcile_once() -> dict[int, list[int]]:
    """One reconciler pass (needs an app context): repair, commit, re-send, purge the broker,
    and remove temporary files that killed writers left (older than
    KIPP_PARTIAL_MAX_AGE_SECONDS, default 600)."""
    resend = reconcile()
    db.session.commit()
    for job_id, ids in resend.items():
        log.warning("document job %s: re-sending %d item(s)", job_id, len(ids))
        send_render_chunks(job_id, ids)
    purge_delivered_messages()
    age = float(current_app.config["KIPP_PARTIAL_MAX_AGE_SECONDS"])
    for name in storage.sweep_partials(age):
        log.warning("removed the temporary file of an interrupted write: %s", name)
    return resend


def purge_delivered_messages() -> int:
    """Delete the rows kombu's SQLAlchemy transport keeps for messages it already delivered
    (it never deletes them itself); 0 on other brokers."""
    url = current_app.config["CELERY_BROKER_URL"]
    if not is_sqla_broker(url):
        return 0
    key = (os.getpid(), url)  # never share a connection pool across a fork
    engine = _broker_engines.get(key)
    if engine is None:
        engine = _broker_engines.setdefault(key, create_engine(sqla_engine_url(url)))
    try:
        with engine.begin() as conn:
            return conn.execute(PURGE, {"visible": False}).rowcount
    except DBAPIError as exc:  # no table yet, or the broker is busy: try again next pass
        log.info("broker purge skipped: %s", exc)
        return 0


# kombu's default table name (the app sets no `message_tablename` transport option).
PURGE = text("DELETE FROM kombu_message WHERE visible = :visible")
_broker_engines: dict = {}


@shared_task(name=RECONCILE, ignore_result=True)
def reconcile_jobs() -> int:
    """Run one reconciler pass; returns the number of items re-sent."""
    return sum(len(ids) for ids in reconcile_once().values())
