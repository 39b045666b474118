"""Worker entry point: `celery -A workers.celery_app worker`.

Builds the Flask app from the environment (KIPP_ENV, DATABASE_URL, CELERY_BROKER_URL, …) and
uses its Celery app (`init_celery`, idempotent, so this works whether or not `create_app()`
already hooked it). Signals:

- `worker_process_init` (each pool process): drop database connections inherited from the
  parent, then warm the PDF renderer (stylesheet and fonts parsed once per process) and log a
  WARNING when WeasyPrint would subset fonts in pure Python (`pdf_speed() == "slow"`).
- `worker_ready` (the worker's main process): start the reconciler thread. The brokers here
  have no beat and the server-less one never redelivers after a SIGKILL, so the workers run
  the periodic passes (`PASSES`: documents, mail, deadline reminders) themselves, every
  KIPP_RECONCILE_SECONDS: expired leases go back to the queue, lost messages are sent again,
  delivered broker rows are purged. Each pass runs once per interval across every worker of
  every host (`kipp.periodic.claim`), and a pass run twice would still be safe (see
  `kipp.documents.jobs.reconcile`, `kipp.mail.sending`). `worker_shutdown` stops the thread.

A worker started without `-Q` consumes every queue of the deployment (`kipp.queues`: the
default queue, mail, and one queue per document kind).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from celery.signals import worker_process_init, worker_ready, worker_shutdown

from kipp import create_app, periodic, queues
from kipp.documents.celery_app_factory import init_celery
from kipp.extensions import db

log = logging.getLogger("workers.celery_app")
# WeasyPrint logs every stylesheet it parses at INFO; keep the worker log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

flask_app = create_app()
WORKER = f"{socket.gethostname()}:{os.getpid()}"  # who ran a periodic pass, for diagnostics
celery = init_celery(flask_app)
# A worker started without -Q consumes every queue of the deployment (kipp.queues).
celery.conf.task_queues = queues.declared(flask_app)

import workers.documents  # noqa: E402  (registers the tasks)

# --- mail-outbox: import
import workers.mail  # noqa: E402  (mail tasks, on the queue <KIPP_CELERY_QUEUE>.mail)

# --- mail-notices: import
from kipp.mail.reminders import reminder_pass  # noqa: E402  # isort: skip
from kipp.themes.reminders import reminder_pass as profile_reminder_pass  # noqa: E402  # isort: skip

# What the reconciler thread runs on each pass, in order; each pass is safe on several workers.
PASSES = [
    workers.documents.reconcile_once,
    # --- mail-outbox: pass
    workers.mail.reconcile_once,
    # --- mail-notices: pass
    reminder_pass,  # send_due at most every KIPP_REMINDER_SECONDS; keys make it once per user
    profile_reminder_pass,  # stale innovation profiles: once a year per innovation and account
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
        """Each pass that no worker (of any host) ran within the interval runs here now."""
        every = timedelta(seconds=self.interval)
        for one_pass in PASSES:
            name = f"{one_pass.__module__}.{one_pass.__qualname__}"
            try:
                with self.app.app_context():
                    if periodic.claim(name[-60:], every, WORKER):
                        one_pass()
            except Exception:  # log and try again next time; the next pass repeats the work
                log.exception("reconciler pass %s failed", name)


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
