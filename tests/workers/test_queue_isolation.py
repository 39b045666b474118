"""Two deployments on one broker database stay apart when their KIPP_CELERY_QUEUE differs.

Each Celery app sends to, and its worker consumes, only the queue named by CELERY_QUEUE
(KIPP_CELERY_QUEUE). Brokers: the server-less SQLAlchemy transport on one SQLite file, and
Redis when REDIS_URL is set (in CI a missing Redis fails the run). The workers are real
Celery workers (in threads of this process); every wait is bounded.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
import warnings

import pytest
from celery.contrib.testing.worker import start_worker
from flask import Flask

from kipp.documents.celery_app_factory import init_celery

REDIS_URL = os.environ.get("REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
BROKERS = ["sqla", "redis"] if (REDIS_URL or IN_CI) else ["sqla"]
MARK = "kipp_test.queue_isolation.mark"


@pytest.fixture(params=BROKERS)
def broker_url(request, tmp_path):
    if request.param == "sqla":
        return f"sqla+sqlite:///{tmp_path / 'shared-broker.sqlite3'}"
    if not REDIS_URL:
        pytest.fail("CI=true but REDIS_URL is not set: the queue tests need Redis in CI")
    return REDIS_URL


class Deployment:
    """A Flask app and its Celery app, as one deployment of KIPP would build them."""

    def __init__(self, name: str, broker_url: str, queue: str, seen: list):
        self.name = name
        self.flask = Flask(f"kipp_test_{name}")
        self.flask.config.update(CELERY_BROKER_URL=broker_url, CELERY_QUEUE=queue)
        self.celery = init_celery(self.flask)
        lock = threading.Lock()

        @self.celery.task(name=MARK, ignore_result=True, shared=False)
        def mark(sender: str) -> None:
            with lock:
                seen.append((name, sender))

    def send(self, sender: str) -> None:
        with warnings.catch_warnings():
            # kombu's SQLAlchemy transport maps its tables with a loader strategy SQLAlchemy
            # 2.1 deprecates (see kipp.documents.celery_app_factory.send_render_chunks).
            warnings.filterwarnings("ignore", message=r".*noload.*", category=Warning)
            self.celery.send_task(MARK, args=[sender])

    def worker(self):
        return start_worker(
            self.celery, pool="solo", perform_ping_check=False, shutdown_timeout=60.0
        )


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


def test_the_queue_name_is_the_configured_one(tmp_path, monkeypatch):
    monkeypatch.setenv("KIPP_CELERY_QUEUE", "kipp_site_b")
    a = Deployment("a", f"sqla+sqlite:///{tmp_path / 'b.sqlite3'}", "kipp_site_a", [])
    app = Flask("kipp_test_env")
    app.config.update(CELERY_BROKER_URL=f"sqla+sqlite:///{tmp_path / 'b.sqlite3'}")
    b = init_celery(app)
    # What a worker started without -Q consumes, and where a task is sent.
    assert set(a.celery.amqp.queues) == {"kipp_site_a"}
    assert set(b.amqp.queues) == {"kipp_site_b"}  # from KIPP_CELERY_QUEUE
    assert b.amqp.router.route({}, MARK)["queue"].name == "kipp_site_b"


def test_two_deployments_on_one_broker_never_take_each_others_tasks(broker_url):
    seen: list[tuple[str, str]] = []
    tag = uuid.uuid4().hex[:8]
    a = Deployment("a", broker_url, f"kipp_test_a_{tag}", seen)
    b = Deployment("b", broker_url, f"kipp_test_b_{tag}", seen)

    # A's task is sent first; had both used one queue, B's worker would take it before B's own.
    a.send("a")
    b.send("b")
    # One worker at a time: two in-process workers would share Celery's global worker state.
    with b.worker():
        wait_until(lambda: ("b", "b") in seen, 30, "deployment B's worker to run B's task")
    assert ("b", "a") not in seen
    # A's task waited in A's queue and A's worker takes it.
    with a.worker():
        wait_until(lambda: ("a", "a") in seen, 30, "deployment A's worker to run A's task")
    assert sorted(seen) == [("a", "a"), ("b", "b")]
