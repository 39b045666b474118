"""A small document job started during a large one is not stuck behind it (issue: 99
certificates waited for 3,147 score sheets to drain).

A real worker (2 processes, the fake renderer at 0.05 s per document) works through a
200-item score-sheet job (8 chunks); a 25-item certificate job is sent once the worker is
busy. With a queue per document kind (the default) the worker takes from both queues in turn,
so the certificates are done while most score sheets are still waiting; on one shared queue
(`KIPP_DOCUMENT_QUEUES=shared`, the old behaviour) they come out only after nearly every
score sheet. The test compares progress, never wall-clock times.
"""

from __future__ import annotations

import pytest

from kipp.documents.celery_app_factory import send_render_chunks
from kipp.extensions import db
from tests.workers.job_fixtures import (
    docs_app,  # noqa: F401  (fixture)
    entries_for,
    job_for,
    job_row,
)
from tests.workers.test_worker_real import (  # noqa: F401  (fixtures)
    DEFAULT_BROKER,
    finished,
    start_workers,
    wait_until,
)

pytestmark = pytest.mark.usefixtures("docs_app")


def score_sheets_done_when_certificates_finish(app, make, request, mode: str) -> int:
    app.config["KIPP_DOCUMENT_QUEUES"] = mode
    workers = request.getfixturevalue("start_workers")(DEFAULT_BROKER)
    workers.env["KIPP_DOCUMENT_QUEUES"] = mode
    comp, big_entries = entries_for(make, 200)
    _comp2, small_entries = entries_for(make, 25)
    big, big_ids = job_for(comp, big_entries, "score_sheets")
    small, small_ids = job_for(comp, small_entries, "certificates")
    workers.start()
    assert send_render_chunks(big.id, big_ids) == 8
    wait_until(lambda: job_row(big.id).done > 0, 60, "the large job to start", workers)
    send_render_chunks(small.id, small_ids)
    wait_until(lambda: finished(small.id), 120, "the certificate job", workers)
    db.session.expire_all()
    assert job_row(small.id).done == 25, workers.logs()
    return job_row(big.id).done


def test_a_small_job_is_served_while_a_large_one_runs(app, make, request):
    done = score_sheets_done_when_certificates_finish(app, make, request, "per-kind")
    assert done <= 125, f"{done} of 200 score sheets were done before 25 certificates"


def test_on_one_shared_queue_the_small_job_waits(app, make, request):
    """The comparison: what the per-kind queues avoid."""
    done = score_sheets_done_when_certificates_finish(app, make, request, "shared")
    assert done >= 150, f"only {done} of 200 score sheets were done before the certificates"
