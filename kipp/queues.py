"""The Celery queues of a deployment, one per kind of work, all named after one prefix.

`KIPP_CELERY_QUEUE` (default `kipp`) is the prefix, so two deployments sharing a Redis
database never take each other's tasks. The queues:

| queue | work |
|---|---|
| `<prefix>` | periodic and maintenance tasks (e.g. `workers.documents.reconcile_jobs`) |
| `<prefix>.mail` | sending outbox mail |
| `<prefix>.documents.<kind>` | rendering one kind of document (`certificates`, `score_sheets`) |

Why one queue per document kind: a job's chunks are queued in order, so on one shared queue a
small job waits until every chunk queued before it has been rendered (99 certificates behind
3,147 score sheets). A worker consuming several queues takes from them in turn (kombu's
round-robin queue cycle, on Redis and on the server-less broker alike), so a certificate job
started during a large score-sheet run is served from its first free slot onwards, and
dedicated workers per queue (`-Q`) give each kind its own concurrency.
`KIPP_DOCUMENT_QUEUES=shared` puts every kind on `<prefix>.documents` instead (what a
deployment did before; `benchmarks/queue_fairness.py` measures the difference).

A worker started without `-Q` consumes every queue (`declared`); one started with `-Q` consumes
the queues it names (`all_names` lists them, e.g. for the README's command lines).
"""

from __future__ import annotations

from flask import Flask, current_app
from kombu import Exchange, Queue

DEFAULT_PREFIX = "kipp"


def _app(app: Flask | None) -> Flask:
    return app or current_app._get_current_object()


def prefix(app: Flask | None = None) -> str:
    return _app(app).config.get("CELERY_QUEUE") or DEFAULT_PREFIX


def mail(app: Flask | None = None) -> str:
    """The queue of mail tasks."""
    return f"{prefix(app)}.mail"


def documents(kind: str, app: Flask | None = None) -> str:
    """The queue of the render tasks of document kind `kind`."""
    app = _app(app)
    if app.config.get("KIPP_DOCUMENT_QUEUES", "per-kind") == "shared":
        return f"{prefix(app)}.documents"
    return f"{prefix(app)}.documents.{kind}"


def all_names(app: Flask | None = None) -> list[str]:
    """Every queue of the deployment: the default one, mail, then documents by kind."""
    from kipp.documents.kinds import KINDS

    app = _app(app)
    return list(dict.fromkeys([prefix(app), mail(app), *(documents(k, app) for k in KINDS)]))


def declared(app: Flask | None = None) -> tuple[Queue, ...]:
    """The queues as Celery declares a queue it creates on demand (a direct exchange and a
    routing key of the queue's own name), so publishers and workers agree whoever declares
    first."""
    return tuple(Queue(name, Exchange(name), routing_key=name) for name in all_names(app))
