"""Worker entry point: `celery -A workers.celery_app worker`.

Builds the Flask app from the environment (KIPP_ENV, DATABASE_URL, CELERY_BROKER_URL, …) and
uses its Celery app (`init_celery`, idempotent, so this works whether or not `create_app()`
already hooked it). Signals:

- `worker_process_init` (each pool process): drop database connections inherited from the
  parent, then warm the PDF renderer (stylesheet and fonts parsed once per process) and log a
  WARNING when WeasyPrint would subset fonts in pure Python (`pdf_speed() == "slow"`).
- `worker_ready` (the worker's main process): start the reconciler thread. The brokers here
  have no beat and the server-less one never redelivers after a SIGKILL, so every worker
  runs `workers.documents.reconcile_once` itself, at once and then every
  KIPP_RECONCILE_SECONDS: expired leases go back to the queue, lost messages are sent again,
  delivered broker rows are purged. Several workers doing so is safe (see
  `kipp.documents.jobs.reconcile`). `worker_shutdown` stops the thread.
"""

from __future__ import annotations

import logging
import threading

from celery.signals import worker_process_init, worker_ready, worker_shutdown

from kipp import create_app
from kipp.documents.celery_app_factory import init_celery
from kipp.extensions import db

log = logging.getLogger("workers.celery_app")
# WeasyPrint logs every stylesheet it parses at INFO; keep the worker log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

flask_app = create_app()
celery = init_celery(flask_app)

import workers.documents  # noqa: E402  (registers the tasks)

# --- mail-outbox: import

# --- mail-notices: import

# What the reconciler thread runs on each pass, in order; each pass is safe on several workers.
PASSES = [
    workers.documents.reconcile_once,
    # --- mail-outbox: pass
    # --- mail-notices: pass
]


@worker_process_init.connect
def _init_process(**_kwargs) -> None:
    with flask_app.app_context():
        db.engine.dispose(close=False)  # the parent's pooled connections are not ours
        try:
            workers.documents.warm_renderer()
        except Exception:  # a broken renderer must not stop the worker; each task reports it
            log.exception("could not warm up the PDF renderer")


class Reconciler(threading.Thread):
    """Runs the reconciler pass now and then every `interval` seconds until stopped."""

    def __init__(self, app, interval: float):
        super().__init__(name="kipp-reconciler", daemon=True)
        self.app, self.interval = app, interval
        self.stopping = threading.Event()

    def run(self) -> None:
        while True:
            self.run_once()
            if self.stopping.wait(self.interval):
                return

    def run_once(self) -> None:
        for one_pass in PASSES:
            try:
                with self.app.app_context():
                    one_pass()
            except Exception:  # log and try again next time; the next pass repeats the work
                log.exception("reconciler pass %s failed", one_pass.__qualname__)


_reconciler: Reconciler | None = None


@worker_ready.connect
def _start_reconciler(**_kwargs) -> None:
    global _reconciler
    _reconciler = Reconciler(flask_app, float(flask_app.config["KIPP_RECONCILE_SECONDS"]))
    _reconciler.start()


@worker_shutdown.connect
def _stop_reconciler(**_kwargs) -> None:
    if _reconciler is not None:
        _reconciler.stopping.set()
