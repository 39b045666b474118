"""API contract § Documents: POST /competitions/{id}/document-jobs and GET /document-jobs/{id}
(shape, permissions, stage rule); the job is sent to the broker only after the commit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.exc import OperationalError

from kipp.documents.reconcile import reconcile
from kipp.extensions import db
from kipp.models import AuditEvent, DocumentItem, DocumentJob
from tests.helpers import assert_problem
from tests.services.judging_fixtures import (
    evaluation_setup,
    finalised_shortlist,
    set_stage,
)
from tests.workers.job_fixtures import (
    age_leases,
    direct_job,
    docs_app,  # noqa: F401  (fixture)
    run_task,
)

pytestmark = pytest.mark.usefixtures("docs_app")

JOBS = "/api/v1/competitions/{}/document-jobs"


def awarded_world(make, n=3):
    w = evaluation_setup(make, n_entries=n, n_panelists=1, stage="awarded")
    finalised_shortlist(w.comp, w.entries, w.chair)
    return w


def job_counts() -> tuple[int, int, int]:
    db.session.expire_all()
    counts = (
        db.session.scalar(select(func.count()).select_from(DocumentJob)),
        db.session.scalar(select(func.count()).select_from(DocumentItem)),
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "document_job.create")
        ),
    )
    db.session.commit()
    return counts


def broker_messages(app) -> list[str]:
    """The payloads waiting on the app's SQLAlchemy broker.

    A broker that never received a message has no `kombu_message` table yet: that, and only
    that, reads as "nothing sent". Any other failure (an unreachable database, another
    transport) raises, so an outage is never mistaken for an empty queue.
    """
    url = app.config["CELERY_BROKER_URL"]
    if not url.startswith("sqla+"):
        raise ValueError(f"broker_messages reads SQLAlchemy brokers only, not {url!r}")
    engine = create_engine(url.removeprefix("sqla+"))
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("kombu_message"):
                return []
            return list(conn.execute(text("SELECT payload FROM kombu_message")).scalars())
    finally:
        engine.dispose()


def document_messages(app) -> list[str]:
    """The payloads waiting on the broker's document queues (`kipp.queues.documents`): mail
    that a stage move queues travels beside them, on its own queue."""
    return [
        m
        for m in broker_messages(app)
        if ".documents" in json.loads(m)["properties"]["delivery_info"]["routing_key"]
    ]


def test_broker_messages_reports_an_unreachable_broker_as_an_error(app):
    assert broker_messages(app) == []  # a fresh broker: nothing sent, no error
    app.config["CELERY_BROKER_URL"] = "sqla+sqlite:////proc/no-such-dir/broker.sqlite3"
    with pytest.raises(OperationalError):
        broker_messages(app)
    app.config["CELERY_BROKER_URL"] = "redis://127.0.0.1:6379/6"
    with pytest.raises(ValueError, match="SQLAlchemy brokers only"):
        broker_messages(app)


def test_admin_starts_a_certificate_job(app, make, api):
    w = awarded_world(make)
    resp = api(w.admin).post(JOBS.format(w.comp.id), json={"kind": "certificates"})
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert body == {
        "id": body["id"],
        "kind": "certificates",
        "status": "queued",
        "total": 3,
        "done": 0,
        "failed": 0,
    }
    job = db.session.get(DocumentJob, body["id"])
    assert sorted(i.subject_id for i in job.items) == sorted(e.id for e in w.entries)
    assert {(i.status, i.attempts) for i in job.items} == {("queued", 0)}
    assert job_counts() == (1, 3, 1)
    [payload] = broker_messages(app)  # one chunk, sent after the commit
    assert "workers.documents.render_chunk" in payload


def test_get_shows_progress_times_and_errors(app, make, api):
    w = awarded_world(make, n=2)
    client = api(w.admin)
    job_id = client.post(JOBS.format(w.comp.id), json={"kind": "certificates"}).get_json()["id"]
    body = client.get(f"/api/v1/document-jobs/{job_id}").get_json()
    assert {k: body[k] for k in ("id", "kind", "status", "total", "done", "failed")} == {
        "id": job_id,
        "kind": "certificates",
        "status": "queued",
        "total": 2,
        "done": 0,
        "failed": 0,
    }
    assert body["created_at"].endswith("+07:00")
    assert (body["started_at"], body["finished_at"], body["errors"]) == (None, None, [])
    first, second = sorted(e.id for e in w.entries)
    app.config["TEST_RENDER_FAILURES"] = {second: -1}
    ids = [i.id for i in db.session.get(DocumentJob, job_id).items]
    run_task(app, job_id, ids)
    body = client.get(f"/api/v1/document-jobs/{job_id}").get_json()
    assert (body["status"], body["done"], body["failed"]) == ("failed", 1, 1)
    assert body["started_at"] and body["finished_at"]
    assert body["errors"] == [
        {"entry_id": second, "error": f"RenderFailed: cannot lay out entry {second}"}
    ]


def test_a_job_without_documents_is_done_at_once(app, make, api):
    w = evaluation_setup(make, n_entries=2, stage="panel")  # no sheet submitted anywhere
    resp = api(w.admin).post(JOBS.format(w.comp.id), json={"kind": "score_sheets"})
    assert resp.status_code == 202
    body = resp.get_json()
    assert (body["status"], body["total"], body["done"], body["failed"]) == ("done", 0, 0, 0)
    job = db.session.get(DocumentJob, body["id"])
    assert job.started_at and job.finished_at
    assert broker_messages(app) == []


def test_certificates_only_once_awarded(app, make, api):
    w = evaluation_setup(make, n_entries=2, n_panelists=1, stage="final")
    finalised_shortlist(w.comp, w.entries, w.chair)
    resp = api(w.admin).post(JOBS.format(w.comp.id), json={"kind": "certificates"})
    assert_problem(resp, 409, "invalid_stage")
    assert job_counts() == (0, 0, 0)
    set_stage(w.comp, "awarded")
    assert api(w.admin).post(JOBS.format(w.comp.id), json={"kind": "certificates"}).status_code
    assert job_counts() == (1, 2, 1)


@pytest.mark.parametrize("body", [{}, {"kind": "diplomas"}, {"kind": 3}])
def test_kind_is_validated(make, api, body):
    w = awarded_world(make, n=1)
    resp = api(w.admin).post(JOBS.format(w.comp.id), json=body)
    problem = assert_problem(resp, 422, "validation_error")
    assert "kind" in problem["errors"]
    assert job_counts() == (0, 0, 0)


@pytest.mark.parametrize("role", ["agency", "evaluator", "panelist", "chair"])
def test_only_the_secretariat_starts_or_reads_jobs(make, api, role):
    w = awarded_world(make, n=1)
    job, _ids = direct_job(make, 1, comp=w.comp)
    user = make.user(role)
    resp = api(user).post(JOBS.format(w.comp.id), json={"kind": "certificates"})
    assert_problem(resp, 403, "forbidden")
    # a job is the secretariat's alone: to anyone else it does not exist
    assert_problem(api(user).get(f"/api/v1/document-jobs/{job.id}"), 404, "not_found")
    assert job_counts() == (1, 1, 0)


def test_anonymous_and_unknown(make, api):
    w = awarded_world(make, n=1)
    job, _ids = direct_job(make, 1, comp=w.comp)
    anon = api()
    assert_problem(
        anon.post(JOBS.format(w.comp.id), json={"kind": "certificates"}), 401, "unauthenticated"
    )
    assert_problem(anon.get(f"/api/v1/document-jobs/{job.id}"), 401, "unauthenticated")
    admin = api(w.admin)
    assert_problem(admin.post(JOBS.format(999999), json={"kind": "certificates"}), 404, "not_found")
    assert_problem(admin.get("/api/v1/document-jobs/999999"), 404, "not_found")
    assert job_counts() == (1, 1, 0)


def test_a_broker_outage_still_accepts_the_job_and_the_reconciler_sends_it(app, make, api):
    w = awarded_world(make, n=2)
    celery = app.extensions["celery"]
    celery.conf.broker_url = "sqla+sqlite:////proc/no-such-dir/broker.sqlite3"  # cannot open
    celery.conf.task_publish_retry = False
    resp = api(w.admin).post(JOBS.format(w.comp.id), json={"kind": "certificates"})
    assert resp.status_code == 202
    assert resp.get_json()["status"] == "queued"
    assert broker_messages(app) == []  # nothing reached the (real) broker
    job_id = resp.get_json()["id"]
    ids = [i.id for i in db.session.get(DocumentJob, job_id).items]
    celery.conf.broker_url = app.config["CELERY_BROKER_URL"]
    age_leases(ids)  # the pickup deadline passes with no worker progress
    assert reconcile() == {job_id: sorted(ids)}
