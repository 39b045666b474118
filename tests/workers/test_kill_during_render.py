"""A worker SIGKILLed while it renders and writes real certificate PDFs (real WeasyPrint).

Two ways to die: mid-job (while KIPP_TEST_PAUSE_AFTER names a marker file, the workers'
renderer renders two certificates, then writes the marker and hangs before its third, so some
are done and one is leased when the kill lands, however fast rendering is), and in the middle
of writing a PDF: the workers' renderer (`render` below, installed
by `tests.workers.celery_entry`) calls the real one, but while KIPP_TEST_HOLD_WRITE names a
marker file the first file written to the storage gets half of its bytes, the marker is written
and the write never ends, so the kill lands mid-write on every run.

After a second worker finishes the job: every certificate exists exactly once, its stored file
is a complete PDF whose text names its serial, no file under a final name was ever incomplete
(a watcher reads the storage all along) and no temporary file is left behind.
"""

from __future__ import annotations

import io
import os
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from kipp.documents import storage
from kipp.extensions import db
from kipp.models import Certificate
from kipp.storage import local
from tests.services.judging_fixtures import evaluation_setup, finalised_shortlist
from tests.workers import renderers
from tests.workers.job_fixtures import items_of, job_row, status_counts
from tests.workers.test_worker_real import (  # noqa: F401  (fixtures)
    BROKERS,
    docs_app,
    finished,
    start_workers,
    wait_until,
)
from workers.documents import reconcile_once

pytestmark = pytest.mark.usefixtures("docs_app")

RENDERER = "tests.workers.test_kill_during_render:render"
N = 8


# ------------------------------------------------------------- in the worker
class _HeldWrite:
    """A file whose first write stores half the bytes, then blocks until the process dies."""

    def __init__(self, fh, marker: Path):
        self.fh, self.marker = fh, marker

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()

    def fileno(self) -> int:
        return self.fh.fileno()

    def flush(self) -> None:
        self.fh.flush()

    def write(self, data: bytes) -> int:
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.marker.write_text(self.fh.name)
        while True:  # the test SIGKILLs this process now
            time.sleep(1)


def _hold_the_next_write(marker: Path) -> None:
    real_open = open

    def holding_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        in_storage = str(path).startswith(os.environ["KIPP_STORAGE_DIR"])
        if "w" in mode and in_storage and not marker.exists():
            return _HeldWrite(fh, marker)
        return fh

    local.open = holding_open  # the local store's `open`, looked up at call time


_rendered = 0  # documents this worker process rendered


def render(kind: str, entry_id: int):
    """The real renderer of `kind`; with KIPP_TEST_HOLD_WRITE set, the first write hangs;
    with KIPP_TEST_PAUSE_AFTER set, the third document never starts."""
    global _rendered
    hold = os.environ.get("KIPP_TEST_HOLD_WRITE")
    if hold:
        _hold_the_next_write(Path(hold))
    pause = os.environ.get("KIPP_TEST_PAUSE_AFTER")
    if pause and _rendered == 2:
        Path(pause).write_text(str(entry_id))
        while True:  # the test SIGKILLs this process now
            time.sleep(1)
    result = renderers.real(kind)(entry_id)
    _rendered += 1
    return result


# ---------------------------------------------------------------- in the test
def is_complete_pdf(data: bytes) -> bool:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        return False
    try:
        return len(PdfReader(io.BytesIO(data)).pages) >= 1
    except Exception:
        return False


class StorageWatcher(threading.Thread):
    """Reads every file under a final name, again and again, until stopped; records any that
    is not a complete PDF."""

    def __init__(self, root: Path):
        super().__init__(daemon=True)
        self.root, self.bad, self.seen = root, [], set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for path in self.root.iterdir():
                if path.name.startswith("."):
                    continue
                try:
                    data = path.read_bytes()
                except FileNotFoundError:  # removed meanwhile
                    continue
                self.seen.add(path.name)
                if not is_complete_pdf(data):
                    self.bad.append((path.name, len(data)))
            self.done.wait(0.02)

    def stop(self) -> None:
        self.done.set()
        self.join(10)


@pytest.fixture
def awarded(make, api):
    w = evaluation_setup(make, n_entries=N, n_panelists=1, stage="awarded")
    finalised_shortlist(w.comp, w.entries, w.chair)
    return w


def start_certificate_job(api, w) -> int:
    resp = api(w.admin).post(
        f"/api/v1/competitions/{w.comp.id}/document-jobs", json={"kind": "certificates"}
    )
    assert resp.status_code == 202, resp.get_json()
    return resp.get_json()["id"]


def check_outcome(job_id: int, w, root: Path, watcher: StorageWatcher, workers) -> list[str]:
    """Assert the outcome described in the module docstring; return the temporary files
    left in the storage (the caller decides)."""
    job = job_row(job_id)
    assert (job.status, job.total, job.done, job.failed) == ("done", N, N, 0), workers.logs()
    assert {i.status for i in items_of(job_id)} == {"done"}
    db.session.expire_all()
    certs = db.session.scalars(select(Certificate).order_by(Certificate.entry_id)).all()
    # exactly once: one certificate per entry, one serial each
    assert [c.entry_id for c in certs] == sorted(e.id for e in w.entries)
    assert len({c.serial for c in certs}) == N
    for cert in certs:
        pdf = storage.read(cert.stored_name)
        assert len(pdf) == cert.size and is_complete_pdf(pdf), cert.serial
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert cert.serial in text
    assert watcher.bad == [], "a file under a final name was incomplete"
    for path in root.iterdir():
        if not path.name.startswith("."):
            assert is_complete_pdf(path.read_bytes()), path.name
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("broker", BROKERS)
def test_worker_killed_while_rendering_real_pdfs(make, api, awarded, request, broker, tmp_path):
    workers_for = request.getfixturevalue("start_workers")
    root = storage.storage_root()
    marker = tmp_path / "paused"
    watcher = StorageWatcher(root)
    watcher.start()
    workers = workers_for(broker, renderer=RENDERER)
    workers.env["KIPP_TEST_PAUSE_AFTER"] = str(marker)
    first = workers.start()
    job_id = start_certificate_job(api, awarded)
    wait_until(marker.exists, 60, "the first certificates", workers)
    workers.kill(first)
    at_kill = status_counts(job_id)
    # Mid-job: each of the two pool processes renders at most two before it pauses.
    assert 2 <= at_kill.get("done", 0) <= 4 and at_kill.get("leased", 0) >= 1, at_kill
    del workers.env["KIPP_TEST_PAUSE_AFTER"]
    workers.start()
    wait_until(lambda: finished(job_id), 90, "the job to finish after the kill", workers)
    watcher.stop()
    temporary = check_outcome(job_id, awarded, root, watcher, workers)
    assert temporary == [], f"temporary files left behind: {temporary}"


@pytest.mark.parametrize("broker", BROKERS)
def test_worker_killed_in_the_middle_of_writing_a_pdf(
    make, api, awarded, request, broker, tmp_path
):
    workers_for = request.getfixturevalue("start_workers")
    root = storage.storage_root()
    marker = tmp_path / "writing"
    watcher = StorageWatcher(root)
    watcher.start()
    workers = workers_for(broker, renderer=RENDERER)
    workers.env["KIPP_TEST_HOLD_WRITE"] = str(marker)
    first = workers.start()
    job_id = start_certificate_job(api, awarded)
    wait_until(marker.exists, 60, "a worker to be half-way through writing a PDF", workers)
    half = Path(marker.read_text())
    workers.kill(first)
    # The kill landed mid-write: a temporary file holds part of a PDF; no final name does.
    assert half.name.startswith(".") and half.name.endswith(".part")
    assert half.exists() and not is_complete_pdf(half.read_bytes())
    assert status_counts(job_id).get("done", 0) < N
    del workers.env["KIPP_TEST_HOLD_WRITE"]
    workers.start()
    wait_until(lambda: finished(job_id), 90, "the job to finish after the kill", workers)
    watcher.stop()
    temporary = check_outcome(job_id, awarded, root, watcher, workers)
    assert temporary == [half.name]  # the interrupted write's file, until the reconciler runs
    # The reconciler removes temporary files older than any write could take (10 minutes by
    # default); age this one past that and run one pass as a worker would.
    old = time.time() - 601
    os.utime(half, (old, old))
    reconcile_once()
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) == []
