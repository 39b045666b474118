"""The object store (moto's S3 server) goes down while a worker renders certificates: after the
PDF is rendered, when it is written.

The item is left to be retried: not done, not failed, its attempt not counted (the document is
not at fault, so an outage of any length never uses up its attempts), and nothing is left of
it: no object in the bucket, no certificate row, no file on the local disk. Once the store is
back, the reconciler sends the item again and the retry completes it: one certificate, one
object, whose bytes are the recorded SHA-256.
"""

from __future__ import annotations

import hashlib

import boto3
import pytest
from botocore.config import Config
from sqlalchemy import func, select

from kipp.documents import render
from kipp.documents.jobs import MAX_ATTEMPTS
from kipp.documents.reconcile import reconcile
from kipp.extensions import db
from kipp.models import Certificate
from kipp.storage import StorageUnavailable, backend
from tests.storage.test_app_on_s3 import local_files
from tests.workers import renderers
from tests.workers.job_fixtures import (
    age_leases,
    direct_job,
    docs_app,  # noqa: F401  (fixture)
    items_of,
    job_for,
    job_row,
    run_task,
)
from tests.workers.test_render_world import build_world

DOWN = "http://127.0.0.1:9"  # the discard port: nothing listens, connections are refused


class Outage:
    """Takes the app's object store down after the next PDF is rendered, and brings it back."""

    def __init__(self, monkeypatch):
        self.store = backend()
        self.up_client = self.store.client
        self.down_client = boto3.client(
            "s3", endpoint_url=DOWN, config=Config(connect_timeout=1, retries={"max_attempts": 1})
        )
        self.rendered, self.over = 0, False
        real_render_pdf = render.render_pdf

        def render_then_go_down(template, **context):
            pdf = real_render_pdf(template, **context)
            self.rendered += 1
            if not self.over:  # the store is gone before the PDF is written
                self.store.client = self.down_client
            return pdf

        monkeypatch.setattr(render, "render_pdf", render_then_go_down)

    def end(self) -> None:
        self.over = True
        self.store.client = self.up_client


def objects(bucket: str, endpoint: str) -> list[str]:
    listing = boto3.client("s3", endpoint_url=endpoint).list_objects_v2(Bucket=bucket)
    return [o["Key"] for o in listing.get("Contents", ())]


@pytest.fixture
def world(s3_app, docs_app, make):  # noqa: F811  (the imported fixture)
    renderers.use_real()  # real certificates, written to the object store
    return build_world(make)


def test_a_store_down_mid_render_leaves_the_item_to_retry(
    world, s3_app, monkeypatch, bucket, s3_endpoint
):
    job, ids = job_for(world.comp, [world.a1], "certificates")
    outage = Outage(monkeypatch)

    # The worker receives the chunk more often than the item has attempts, the store down.
    for _ in range(MAX_ATTEMPTS + 1):
        outcome = run_task(s3_app, job.id, ids)
        assert outcome == {"done": 0, "failed": 0, "skipped": 0}
    assert outage.rendered == MAX_ATTEMPTS + 1  # each time rendered, then refused by the store
    [item] = items_of(job.id)
    assert (item.status, item.attempts, item.worker) == ("queued", 0, None)
    assert item.error.startswith("StorageUnavailable: object store unreachable")
    assert job_row(job.id).status == "running" and job_row(job.id).done == 0
    assert objects(bucket, s3_endpoint) == []  # nothing half-written, nothing orphaned
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    assert local_files(s3_app) == []

    # The store is back: once the job has been quiet for the patience window, the reconciler
    # sends the item again and the retry completes it.
    outage.end()
    assert reconcile() == {}  # still within its pickup deadline
    db.session.commit()
    age_leases(ids)
    resend = reconcile()
    db.session.commit()
    assert resend == {job.id: ids}
    assert run_task(s3_app, job.id, ids) == {"done": 1, "failed": 0, "skipped": 0}
    [item] = items_of(job.id)
    assert (item.status, item.attempts, item.error) == ("done", 1, None)
    assert job_row(job.id).status == "done"
    cert = db.session.scalars(select(Certificate)).one()
    assert objects(bucket, s3_endpoint) == [f"kipp/documents/{cert.stored_name}"]
    data = boto3.client("s3", endpoint_url=s3_endpoint).get_object(
        Bucket=bucket, Key=f"kipp/documents/{cert.stored_name}"
    )["Body"]
    assert hashlib.sha256(data.read()).hexdigest() == cert.sha256
    assert local_files(s3_app) == []


def test_the_rest_of_the_chunk_waits_for_the_store_untried(docs_app, make, monkeypatch):  # noqa: F811
    """One unreachable store fails every document of a chunk alike: the worker stops at the
    first, and the others go back to the queue without an attempt."""
    calls = []

    def store_down(kind: str, entry_id: int) -> None:
        calls.append(entry_id)
        raise StorageUnavailable("object store unreachable: connection refused")

    renderers.use(monkeypatch, store_down)
    job, ids = direct_job(make, 3)
    assert run_task(docs_app, job.id, ids) == {"done": 0, "failed": 0, "skipped": 0}
    items = items_of(job.id)
    assert calls == [items[0].subject_id]
    assert [(i.status, i.attempts, i.worker) for i in items] == [("queued", 0, None)] * 3
    assert all(i.error.startswith("StorageUnavailable:") for i in items)
    assert job_row(job.id).failed == 0
