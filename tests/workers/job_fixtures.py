"""Fixtures and builders for the document-job tests (import the fixtures you use).

`docs_app` gives each test a Celery app on its own broker and renders with the fake renderer
(tests.workers.fake_render) in this process, on the registry of kinds
(tests.workers.renderers); a test that wants the real PDFs calls `renderers.use_real()`.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from kipp.clock import now
from kipp.documents import jobs
from kipp.documents.celery_app_factory import RENDER_CHUNK, init_celery
from kipp.extensions import db
from kipp.models import Competition, DocumentItem, DocumentJob, Entry
from tests.workers import fake_render, renderers

FAKE_RENDERER = "tests.workers.fake_render:render"  # its name, for test worker processes


@pytest.fixture
def docs_app(app, monkeypatch):
    # A Celery app on this test's broker (the app fixture gives each test its own), whether
    # or not create_app() made one; the previous one is put back afterwards.
    previous = app.extensions.pop("celery", None)
    init_celery(app)
    import workers.documents  # noqa: F401  (registers the tasks)

    renderers.use(monkeypatch, fake_render.render)
    app.config["TEST_RENDER_FAILURES"] = {}
    fake_render.create_table()
    yield app
    app.extensions.pop("celery", None)
    if previous is not None:
        app.extensions["celery"] = previous
        previous.set_default()


def entries_for(make, n: int, comp: Competition | None = None) -> tuple[Competition, list[Entry]]:
    """`n` eligible entries of one agency, written in one transaction."""
    comp = comp or make.competition(stage="evaluation")
    owner = make.user("agency")
    t = now()
    entries = [
        Entry(
            competition_id=comp.id,
            agency_id=owner.agency_id,
            title=f"Inovasi dokumen {k + 1}",
            group="umum",
            summary="Ringkasan inovasi.",
            answers=make.full_answers(comp),
            started_on=date(2020, 1, 1),
            status="eligible",
            submitted_at=t,
        )
        for k in range(n)
    ]
    db.session.add_all(entries)
    db.session.commit()
    return comp, entries


def direct_job(
    make, n: int, kind: str = "score_sheets", comp: Competition | None = None
) -> tuple[DocumentJob, list[int]]:
    """A queued job of `n` items written directly (subject rules are tested elsewhere)."""
    comp, entries = entries_for(make, n, comp)
    return job_for(comp, entries, kind)


def job_for(
    comp: Competition, entries: list[Entry], kind: str = "score_sheets"
) -> tuple[DocumentJob, list[int]]:
    """A queued job with one item per entry and the pickup deadline `create_job` gives."""
    t = now()
    deadline = t + jobs.patience()
    job = DocumentJob(
        competition_id=comp.id, kind=kind, status="queued", total=len(entries), created_at=t
    )
    job.items = [
        DocumentItem(subject_id=e.id, status="queued", lease_until=deadline) for e in entries
    ]
    db.session.add(job)
    db.session.commit()
    return job, [i.id for i in job.items]


def run_task(app, *args, name: str = RENDER_CHUNK):
    """Call a task in this process, as the worker would run it (own app context)."""
    return app.extensions["celery"].tasks[name](*args)


def items_of(job_id: int) -> list[DocumentItem]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(DocumentItem).where(DocumentItem.job_id == job_id).order_by(DocumentItem.id)
    ).all()
    db.session.commit()
    return rows


def job_row(job_id: int) -> DocumentJob:
    db.session.expire_all()
    job = db.session.get(DocumentJob, job_id)
    db.session.commit()
    return job


def status_counts(job_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(DocumentItem.status, func.count())
        .where(DocumentItem.job_id == job_id)
        .group_by(DocumentItem.status)
    ).all()
    db.session.commit()
    return dict(rows)


def age_leases(ids: list[int], seconds: float = 3600) -> None:
    """Move the items' lease deadlines into the past, as if their worker died long ago."""
    db.session.execute(
        db.update(DocumentItem)
        .where(DocumentItem.id.in_(ids))
        .values(lease_until=now() - timedelta(seconds=seconds))
    )
    db.session.commit()
