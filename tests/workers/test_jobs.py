"""Document jobs with the tasks called in this process: leases, idempotency, retries,
reconciliation and progress counters (kipp.documents.jobs, workers.documents)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from kipp.documents import jobs
from kipp.documents.celery_app_factory import RECONCILE, chunked
from kipp.documents.reconcile import reconcile
from kipp.extensions import db
from tests.workers.fake_render import renders_per_subject
from tests.workers.job_fixtures import (
    age_leases,
    direct_job,
    docs_app,  # noqa: F401  (fixture)
    items_of,
    job_row,
    run_task,
    status_counts,
)

pytestmark = pytest.mark.usefixtures("docs_app")


def subjects(job_id):
    return [i.subject_id for i in items_of(job_id)]


# ----------------------------------------------------------------- rendering a chunk
def test_chunk_renders_every_item_once_and_finishes_the_job(app, make):
    job, ids = direct_job(make, 5)
    out = run_task(app, job.id, ids)
    assert out == {"done": 5, "failed": 0, "skipped": 0}
    items = items_of(job.id)
    assert {(i.status, i.attempts, i.worker, i.lease_until) for i in items} == {
        ("done", 1, items[0].worker, None)
    }
    assert all(i.finished_at for i in items)
    assert renders_per_subject() == {s: 1 for s in subjects(job.id)}
    j = job_row(job.id)
    assert (j.status, j.total, j.done, j.failed) == ("done", 5, 5, 0)
    assert j.started_at <= j.finished_at


def test_running_a_chunk_twice_renders_nothing_twice(app, make):
    job, ids = direct_job(make, 4)
    run_task(app, job.id, ids)
    before = [(i.status, i.attempts, i.finished_at) for i in items_of(job.id)]
    again = run_task(app, job.id, ids)
    assert again == {"done": 0, "failed": 0, "skipped": 4}
    assert [(i.status, i.attempts, i.finished_at) for i in items_of(job.id)] == before
    assert renders_per_subject() == {s: 1 for s in subjects(job.id)}
    assert job_row(job.id).done == 4


def test_a_chunk_only_touches_items_of_its_own_job(app, make):
    job_a, ids_a = direct_job(make, 2)
    job_b, ids_b = direct_job(make, 2)
    out = run_task(app, job_a.id, ids_a + ids_b)
    assert out["done"] == 2
    assert status_counts(job_b.id) == {"queued": 2}


def test_unknown_job_is_a_no_op(app, make):
    assert run_task(app, 999999, [1, 2]) == {"done": 0, "failed": 0, "skipped": 2}


# ----------------------------------------------------------------- leases
def test_lease_takes_only_queued_or_expired_items(app, make):
    job, ids = direct_job(make, 6)
    queued, live, expired, done, failed, spent = ids
    assert jobs.lease_items(job.id, [live, expired, done, failed], "other") == sorted(
        [live, expired, done, failed]
    )
    jobs.complete_item(done, "other")
    db.session.execute(db.update(jobs.Item).where(jobs.Item.id == failed).values(status="failed"))
    db.session.execute(db.update(jobs.Item).where(jobs.Item.id == spent).values(attempts=3))
    db.session.commit()
    age_leases([expired])
    claimed = jobs.lease_items(job.id, ids, "me")
    db.session.commit()
    assert claimed == sorted([queued, expired])
    by_id = {i.id: i for i in items_of(job.id)}
    assert (by_id[live].worker, by_id[expired].worker, by_id[done].status) == (
        "other",
        "me",
        "done",
    )
    assert by_id[spent].status == "queued"  # out of attempts: left to the reconciler's rules
    assert job_row(job.id).status == "running"


def test_concurrent_leases_never_share_an_item(app, make):
    job, ids = direct_job(make, 40)
    claims: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def claim(name):
        try:
            with app.app_context():
                start.wait(5)
                claims[name] = jobs.lease_items(job.id, ids, name)
                db.session.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=claim, args=(f"w{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    taken = [i for got in claims.values() for i in got]
    assert sorted(taken) == sorted(ids)  # every item claimed once, by exactly one worker
    by_id = {i.id: i.worker for i in items_of(job.id)}
    assert all(by_id[i] == name for name, got in claims.items() for i in got)


def test_a_worker_that_lost_its_lease_cannot_overwrite_the_result(app, make):
    job, ids = direct_job(make, 1)
    [item] = ids
    jobs.lease_items(job.id, ids, "slow")
    jobs.start_item(item, "slow")
    db.session.commit()
    age_leases(ids)
    assert reconcile() == {job.id: [item]}
    db.session.commit()
    assert run_task(app, job.id, ids)["done"] == 1
    assert jobs.complete_item(item, "slow") is False
    assert jobs.fail_item(item, "slow", "late") is None
    db.session.commit()
    [row] = items_of(job.id)
    assert (row.status, row.error, row.attempts) == ("done", None, 2)


# ----------------------------------------------------------------- failures and retries
def test_a_failing_document_is_retried_then_failed_with_its_error(app, make, api):
    job, ids = direct_job(make, 3)
    bad, flaky, good = subjects(job.id)
    app.config["TEST_RENDER_FAILURES"] = {bad: -1, flaky: 1}
    out = run_task(app, job.id, ids)
    assert out == {"done": 2, "failed": 1, "skipped": 0}
    by_subject = {i.subject_id: i for i in items_of(job.id)}
    assert (by_subject[bad].status, by_subject[bad].attempts) == ("failed", 3)
    assert by_subject[bad].error == f"RenderFailed: cannot lay out entry {bad}"
    assert (by_subject[flaky].status, by_subject[flaky].attempts) == ("done", 2)
    assert by_subject[flaky].error is None
    assert (by_subject[good].status, by_subject[good].attempts) == ("done", 1)
    assert renders_per_subject() == {flaky: 1, good: 1}
    j = job_row(job.id)
    assert (j.status, j.done, j.failed) == ("failed", 2, 1)
    body = api(make.admin()).get(f"/api/v1/document-jobs/{job.id}").get_json()
    assert body["errors"] == [{"entry_id": bad, "error": by_subject[bad].error}]


# ----------------------------------------------------------------- reconciling
def test_reconcile_requeues_expired_leases_and_resends_them(app, make):
    job, ids = direct_job(make, 3)
    dead, alive, waiting = ids
    jobs.lease_items(job.id, [dead], "dead")
    jobs.start_item(dead, "dead")
    jobs.lease_items(job.id, [alive], "alive")
    db.session.commit()
    age_leases([dead])
    assert reconcile() == {job.id: [dead]}
    db.session.commit()
    by_id = {i.id: i for i in items_of(job.id)}
    assert (by_id[dead].status, by_id[dead].worker, by_id[dead].attempts) == ("queued", None, 1)
    assert by_id[dead].lease_until > jobs.now()  # a fresh pickup deadline
    assert (by_id[alive].status, by_id[alive].worker) == ("leased", "alive")
    assert by_id[waiting].status == "queued"
    assert reconcile() == {}  # nothing more to do: idempotent


def test_reconcile_resends_queued_items_whose_message_was_lost(app, make):
    job, ids = direct_job(make, 3)
    age_leases(ids)  # pickup deadline passed, nobody working on the job
    assert reconcile() == {job.id: ids}
    db.session.commit()
    assert reconcile() == {}  # sent again once per patience window, not every pass


def test_reconcile_leaves_queued_items_of_a_busy_job_alone(app, make):
    job, ids = direct_job(make, 3)
    jobs.lease_items(job.id, ids[:1], "busy")
    db.session.commit()
    age_leases(ids[1:])
    assert reconcile() == {}
    assert status_counts(job.id) == {"leased": 1, "queued": 2}


def test_reconcile_gives_up_on_an_item_that_keeps_killing_workers(app, make):
    job, ids = direct_job(make, 2)
    jobs.lease_items(job.id, ids, "w")
    db.session.execute(db.update(jobs.Item).where(jobs.Item.id == ids[0]).values(attempts=3))
    jobs.complete_item(ids[1], "w")
    db.session.commit()
    age_leases(ids[:1])
    assert reconcile() == {}
    db.session.commit()
    first = items_of(job.id)[0]
    assert (first.status, first.error) == ("failed", jobs.WORKER_LOST)
    j = job_row(job.id)
    assert (j.status, j.done, j.failed) == ("failed", 1, 1)


def test_reconcile_task_resends_through_the_broker_and_purges_delivered_rows(app, make):
    job, ids = direct_job(make, 30)
    age_leases(ids)
    engine = db.create_engine(app.config["CELERY_BROKER_URL"].removeprefix("sqla+"))
    assert run_task(app, name=RECONCILE) == 30
    with engine.begin() as conn:
        payloads = conn.execute(text("SELECT payload FROM kombu_message")).scalars().all()
        assert len(payloads) == len(chunked(ids)) == 2
        conn.execute(text("UPDATE kombu_message SET visible = :f"), {"f": False})
    assert run_task(app, name=RECONCILE) == 0  # resent once per patience window
    with engine.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM kombu_message")).scalar() == 0
    engine.dispose()


# ----------------------------------------------------------------- progress
def test_progress_counts_while_running(app, make):
    job, ids = direct_job(make, 4)
    assert job_row(job.id).status == "queued"
    jobs.lease_items(job.id, ids[:2], "w")
    jobs.complete_item(ids[0], "w")
    db.session.commit()
    j = job_row(job.id)
    assert (j.status, j.total, j.done, j.failed) == ("running", 4, 1, 0)
    assert j.started_at is not None and j.finished_at is None


@pytest.mark.parametrize(
    ("n", "sizes"),
    [(0, []), (10, [10]), (60, [25, 25, 10]), (400, [25] * 16), (1100, [50] * 22)],
)
def test_chunks_hold_25_to_50_items(n, sizes):
    chunks = chunked(range(n))
    assert [len(c) for c in chunks] == sizes
    assert [i for c in chunks for i in c] == list(range(n))
