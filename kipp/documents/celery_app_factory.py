"""Celery, the Flask way: one Celery app per Flask app, configured from the Flask config.

`init_celery(app)` builds the Celery app, stores it in `app.extensions["celery"]` and returns
it (calling it again returns the same one). Every task runs inside `app.app_context()`, so
tasks use `db.session` and `current_app` like views do, and the session is removed after each
task by Flask-SQLAlchemy's app-context teardown.

Guarantees of the configuration:
- late acknowledgement, `task_reject_on_worker_lost` and a prefetch of one message per
  process: a message leaves the broker only once its task ran (on Redis; the server-less
  SQLAlchemy transport drops fetched messages, which the job leases make up for, see
  `kipp.documents.jobs`);
- JSON only (tasks take ids) and no result backend: the database row of a job is the truth;
- on the SQLAlchemy transport (`sqla+…`, the embedded default) the polling interval is 0.1 s.
  kombu passes every `broker_transport_options` key to `create_engine()`, so the interval is
  set on kombu's `Transport` class instead; the broker file's directory is created.

Settings read from the Flask config, falling back to the environment variable of the same name
(`KIPP_CELERY_QUEUE` for `CELERY_QUEUE`) and then to the default in `SETTINGS`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable
from pathlib import Path

from celery import Celery, Task
from flask import Flask, current_app

RENDER_CHUNK = "workers.documents.render_chunk"
RECONCILE = "workers.documents.reconcile_jobs"
CHUNK_MIN, CHUNK_MAX = 25, 50

SETTINGS: dict[str, tuple[str, object]] = {
    # config key: (environment variable, default)
    "CELERY_QUEUE": ("KIPP_CELERY_QUEUE", "kipp"),
    # "per-kind" (a queue per document kind) or "shared" (kipp.queues explains why not).
    "KIPP_DOCUMENT_QUEUES": ("KIPP_DOCUMENT_QUEUES", "per-kind"),
    # How long a worker holds an item it is about to render; renewed after every document.
    "KIPP_DOCUMENT_LEASE_SECONDS": ("KIPP_DOCUMENT_LEASE_SECONDS", 60.0),
    # How long a queued item may wait for a worker (while its job shows no progress) before
    # the reconciler assumes its message was lost and sends it again.
    "KIPP_DOCUMENT_PATIENCE_SECONDS": ("KIPP_DOCUMENT_PATIENCE_SECONDS", 60.0),
    # How often each worker runs the reconciler (it has no beat).
    "KIPP_RECONCILE_SECONDS": ("KIPP_RECONCILE_SECONDS", 10.0),
    # Age after which the reconciler removes a temporary file a killed writer left behind.
    "KIPP_PARTIAL_MAX_AGE_SECONDS": ("KIPP_PARTIAL_MAX_AGE_SECONDS", 600.0),
}

SQLA_PREFIXES = ("sqla+", "sqlalchemy+")
SQLA_POLLING_INTERVAL = 0.1


def _load_settings(app: Flask) -> None:
    for key, (env, default) in SETTINGS.items():
        if key not in app.config:
            raw = os.environ.get(env)
            app.config[key] = default if raw is None else type(default)(raw)


def is_sqla_broker(url: str) -> bool:
    return url.startswith(SQLA_PREFIXES)


def sqla_engine_url(url: str) -> str:
    """`sqla+sqlite:///x` → `sqlite:///x`."""
    for prefix in SQLA_PREFIXES:
        if url.startswith(prefix):
            return url[len(prefix) :]
    return url


def _prepare_sqla_broker(url: str) -> None:
    from kombu.transport.sqlalchemy import Transport
    from sqlalchemy.engine import make_url

    Transport.polling_interval = SQLA_POLLING_INTERVAL
    engine_url = make_url(sqla_engine_url(url))
    if engine_url.get_backend_name() == "sqlite" and engine_url.database not in (None, ":memory:"):
        Path(engine_url.database).parent.mkdir(parents=True, exist_ok=True)


def init_celery(app: Flask) -> Celery:
    """Create (once) the Celery app bound to `app`; see the module docstring."""
    if "celery" in app.extensions:
        return app.extensions["celery"]
    _load_settings(app)
    broker = app.config["CELERY_BROKER_URL"]
    if is_sqla_broker(broker):
        _prepare_sqla_broker(broker)

    class ContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=ContextTask)
    celery.conf.update(
        broker_url=broker,
        broker_connection_retry_on_startup=True,
        result_backend=None,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_default_queue=app.config["CELERY_QUEUE"],
        enable_utc=True,
        timezone="UTC",
    )
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def chunked(ids: Iterable[int]) -> list[list[int]]:
    """Split ids into chunks of CHUNK_MIN..CHUNK_MAX (aiming at about 16 chunks per job, so
    several workers share it); only the last chunk may be smaller than CHUNK_MIN."""
    ids = list(ids)
    if not ids:
        return []
    size = max(CHUNK_MIN, min(CHUNK_MAX, -(-len(ids) // 16)))
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def send_render_chunks(
    job_id: int, item_ids: Iterable[int], app: Flask | None = None, kind: str | None = None
) -> int:
    """Send one `render_chunk` task per chunk to the queue of the job's document kind
    (`kipp.queues.documents`; `kind` is read from the job's row when not given); returns the
    number of messages sent.

    Call it after the commit that created or re-queued the items. A failure to publish
    raises; the items stay queued and the reconciler sends them again later.
    """
    from kipp import queues

    app = app or current_app._get_current_object()
    if kind is None:
        from kipp.extensions import db
        from kipp.models import DocumentJob

        kind = db.session.get(DocumentJob, job_id).kind
    celery = app.extensions["celery"]
    queue = queues.documents(kind, app)
    chunks = chunked(item_ids)
    with warnings.catch_warnings():
        # kombu's SQLAlchemy transport maps its tables with lazy="noload", which SQLAlchemy
        # 2.1 deprecates; the warning fires once, when kombu's mappers are configured on the
        # first publish. It is kombu's to fix and harmless here.
        warnings.filterwarnings(
            "ignore", message=r"The ``noload`` loader strategy is deprecated", category=Warning
        )
        for chunk in chunks:
            celery.send_task(RENDER_CHUNK, args=[job_id, chunk], queue=queue)
    return len(chunks)
