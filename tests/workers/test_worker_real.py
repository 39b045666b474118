"""Real Celery workers (`celery -A tests.workers.celery_entry worker --pool=prefork`: the
production worker with a test renderer, see `tests.workers.celery_entry`) in subprocesses.

Brokers: the server-less SQLAlchemy transport on a SQLite file (what `make run` uses), and
Redis when REDIS_URL is set (in CI, CI=true, a missing or unreachable Redis fails the run).
The database is the test database (a SQLite file or PostgreSQL). A fake renderer that takes
0.05 s per document records each committed render in `test_render_log`, so "exactly once" is
counted, not assumed. Every wait is bounded; worker process groups are SIGKILLed on teardown.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kipp import queues
from kipp.documents import storage
from kipp.documents.celery_app_factory import init_celery, send_render_chunks
from kipp.extensions import db
from kipp.models import Certificate
from tests.services.judging_fixtures import evaluation_setup, finalised_shortlist
from tests.workers.fake_render import renders_per_subject
from tests.workers.job_fixtures import (
    FAKE_RENDERER,
    docs_app,  # noqa: F401  (fixture)
    entries_for,
    items_of,
    job_for,
    job_row,
    status_counts,
)

pytestmark = pytest.mark.usefixtures("docs_app")

REPO = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))
REDIS_URL = os.environ.get("REDIS_URL", "")
IN_CI = os.environ.get("CI", "").lower() == "true"
BROKERS = ["sqla", "redis"] if (REDIS_URL or IN_CI) else ["sqla"]
DEFAULT_BROKER = BROKERS[-1]


def redis_url_or_fail() -> str:
    if not REDIS_URL:
        pytest.fail("CI=true but REDIS_URL is not set: the worker tests need Redis in CI")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.fail(f"Redis at REDIS_URL={REDIS_URL} is unreachable: {exc}")
    return REDIS_URL


def wait_until(condition, timeout: float, what: str, workers=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    logs = workers.logs() if workers else ""
    pytest.fail(f"timed out after {timeout}s waiting for {what}\n{logs}")


class Workers:
    """Starts `celery worker` processes against the test database and a broker."""

    def __init__(self, app, broker_url: str, tmp_path: Path, renderer: str | None):
        self.app, self.broker_url, self.tmp = app, broker_url, tmp_path
        self.queue = f"kipp-test-{uuid.uuid4().hex[:8]}"
        self.procs: list[tuple[subprocess.Popen, Path]] = []
        self.env = os.environ.copy() | {
            "KIPP_ENV": "development",
            "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
            "KIPP_INSTANCE_DIR": str(tmp_path / "worker-instance"),
            "KIPP_STORAGE_DIR": app.config["KIPP_STORAGE_DIR"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "CELERY_BROKER_URL": broker_url,
            "KIPP_CELERY_QUEUE": self.queue,
            "KIPP_DOCUMENT_LEASE_SECONDS": "3",
            "KIPP_DOCUMENT_PATIENCE_SECONDS": "2",
            "KIPP_RECONCILE_SECONDS": "0.5",
            "KIPP_TEST_RENDERER": renderer or "",
            "KIPP_TEST_RENDER_DELAY": "0.05",
            "PYTHONPATH": str(REPO),
        }
        # This process sends to the same broker and queue, and writes jobs with the same
        # timings as the workers use.
        app.config.update(
            CELERY_BROKER_URL=broker_url,
            CELERY_QUEUE=self.queue,
            KIPP_DOCUMENT_LEASE_SECONDS=3.0,
            KIPP_DOCUMENT_PATIENCE_SECONDS=2.0,
        )
        app.extensions.pop("celery", None)  # docs_app puts the run's Celery app back
        init_celery(app)

    def start(self) -> subprocess.Popen:
        n = len(self.procs)
        log_path = self.tmp / f"worker-{n}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [CELERY, "-A", "tests.workers.celery_entry", "worker", "--pool=prefork"]
                + ["--concurrency=2", "-Q", ",".join(queues.all_names(self.app))]
                + ["-n", f"{self.queue}-{n}@%h"]
                + ["--without-mingle", "--without-gossip", "--without-heartbeat"]
                + ["--loglevel=INFO"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: SIGKILL takes the pool too
            )
        self.procs.append((proc, log_path))
        wait_until(lambda: b" ready." in log_path.read_bytes(), 40, "the worker to start", self)
        return proc

    def kill(self, proc: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        for proc, _log in self.procs:
            self.kill(proc)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for _p, log in self.procs
        )

    def flush_broker(self) -> None:
        """FLUSHDB: every message, queued or unacknowledged, and kombu's bindings are gone."""
        import redis

        redis.Redis.from_url(self.broker_url).flushdb()


@pytest.fixture
def start_workers(app, tmp_path):
    started: list[Workers] = []

    def make_workers(broker: str, renderer: str | None = FAKE_RENDERER) -> Workers:
        if broker == "redis":
            url = redis_url_or_fail()
        else:
            url = f"sqla+sqlite:///{tmp_path / 'worker-broker.sqlite3'}"
        workers = Workers(app, url, tmp_path, renderer)
        started.append(workers)
        return workers

    yield make_workers
    for workers in started:
        workers.stop_all()


def finished(job_id: int) -> bool:
    return job_row(job_id).status in ("done", "failed")


def assert_each_rendered_once(job_id: int, n: int, workers: Workers) -> None:
    job = job_row(job_id)
    assert (job.status, job.total, job.done, job.failed) == ("done", n, n, 0), workers.logs()
    items = items_of(job_id)
    assert {i.status for i in items} == {"done"}
    assert renders_per_subject() == {i.subject_id: 1 for i in items}


@pytest.mark.parametrize("broker", BROKERS)
def test_sigkill_mid_job_loses_nothing_and_duplicates_nothing(make, start_workers, broker):
    comp, entries = entries_for(make, 60)
    workers = start_workers(broker)
    first = workers.start()
    job, ids = job_for(comp, entries)
    assert send_render_chunks(job.id, ids) == 3
    wait_until(lambda: job_row(job.id).done >= 10, 30, "the first documents", workers)
    workers.kill(first)
    at_kill = status_counts(job.id)
    assert at_kill.get("leased", 0) > 0, at_kill  # killed mid-chunk, holding leases
    assert at_kill.get("done", 0) < 60
    workers.start()
    wait_until(lambda: finished(job.id), 45, "the job to finish after the kill", workers)
    assert_each_rendered_once(job.id, 60, workers)
    # The killed chunks' messages were gone (SQLAlchemy transport) or left unacknowledged for
    # an hour (Redis): their items came back through the reconciler.
    assert "re-sending" in workers.logs()


def test_a_flushed_redis_mid_job_is_recovered_by_the_reconciler(make, start_workers):
    if "redis" not in BROKERS:
        pytest.skip("REDIS_URL is not set (outside CI the Redis variants are optional)")
    comp, entries = entries_for(make, 60)
    workers = start_workers("redis")
    workers.start()
    job, ids = job_for(comp, entries)
    send_render_chunks(job.id, ids)
    wait_until(lambda: job_row(job.id).done >= 5, 30, "the first documents", workers)
    workers.flush_broker()
    wait_until(lambda: finished(job.id), 45, "the job to finish after the flush", workers)
    assert_each_rendered_once(job.id, 60, workers)
    assert "re-sending" in workers.logs()


def test_real_certificates_through_the_api_and_a_worker(make, api, start_workers):
    w = evaluation_setup(make, n_entries=4, n_panelists=1, stage="awarded")
    finalised_shortlist(w.comp, w.entries, w.chair)
    workers = start_workers(DEFAULT_BROKER, renderer=None)
    workers.start()
    client = api(w.admin)
    resp = client.post(
        f"/api/v1/competitions/{w.comp.id}/document-jobs", json={"kind": "certificates"}
    )
    assert resp.status_code == 202
    job_id = resp.get_json()["id"]
    wait_until(lambda: finished(job_id), 45, "the certificates", workers)
    body = client.get(f"/api/v1/document-jobs/{job_id}").get_json()
    assert (body["status"], body["done"], body["failed"], body["errors"]) == ("done", 4, 0, [])
    db.session.expire_all()
    certs = db.session.scalars(select(Certificate).order_by(Certificate.entry_id)).all()
    assert [c.entry_id for c in certs] == sorted(e.id for e in w.entries)
    assert len({c.serial for c in certs}) == 4
    for cert in certs:
        pdf = storage.read(cert.stored_name)
        assert len(pdf) == cert.size
        text_ = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert cert.serial in text_
    # a second run issues nothing new: same serials, same files
    before = {(c.entry_id, c.serial, c.sha256, c.stored_name) for c in certs}
    again = client.post(
        f"/api/v1/competitions/{w.comp.id}/document-jobs", json={"kind": "certificates"}
    )
    wait_until(lambda: finished(again.get_json()["id"]), 45, "the second run", workers)
    db.session.expire_all()
    after = {
        (c.entry_id, c.serial, c.sha256, c.stored_name)
        for c in db.session.scalars(select(Certificate))
    }
    assert after == before
