"""A re-rendered document leaves no file behind: the storage holds one file per document.

The file a re-render replaces is removed once the new name is committed; a rendered file
whose transaction rolls back is removed too; a concurrent render that replaced the file
meanwhile does not leave its file behind either.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kipp.documents import jobs, render, score_sheets, storage
from kipp.extensions import db
from kipp.models import RenderedDocument
from tests.workers import renderers
from tests.workers.job_fixtures import (
    docs_app,  # noqa: F401  (fixture)
    items_of,
    job_for,
    run_task,
)
from tests.workers.test_render_world import build_world


@pytest.fixture
def world(make, app):
    return build_world(make)


def stored_files() -> list[str]:
    """Every file in the documents storage, temporary ones included."""
    return sorted(p.name for p in storage.storage_root().iterdir())


def rename(entry, title: str) -> None:
    entry.title = title
    db.session.commit()


def test_a_rerender_after_a_change_keeps_one_file(world):
    first = score_sheets.render_score_sheet(world.a1.id)
    db.session.commit()
    old = first.stored_name
    assert stored_files() == [old]

    rename(world.a1, "Smart Kampung Banyuwangi 2.0")
    again = score_sheets.render_score_sheet(world.a1.id)
    # Until the commit the row still names the old file: it must still be there.
    assert storage.exists(old)
    db.session.commit()

    assert again.id == first.id and again.stored_name != old
    assert stored_files() == [again.stored_name]
    assert "Smart Kampung Banyuwangi 2.0" in render_text(again.stored_name)


def test_a_rolled_back_rerender_keeps_the_old_file_and_drops_the_new(world):
    first = score_sheets.render_score_sheet(world.a2.id)
    db.session.commit()
    old = first.stored_name

    rename(world.a2, "Mal Pelayanan Publik Terpadu (revisi)")
    score_sheets.render_score_sheet(world.a2.id)
    db.session.rollback()

    assert stored_files() == [old]
    doc = db.session.scalar(
        select(RenderedDocument).where(RenderedDocument.subject_id == world.a2.id)
    )
    assert doc.stored_name == old


def test_a_concurrent_rerender_leaves_no_file_behind(world, monkeypatch):
    """Another worker commits a new file for the same document while this one renders: the
    file replaced at this commit is that worker's, not the one read before rendering."""
    first = score_sheets.render_score_sheet(world.b1.id)
    db.session.commit()
    rename(world.b1, "Surabaya Single Window (versi kedua)")
    original = render.render_pdf

    def render_while_another_worker_commits(template, **context):
        pdf = original(template, **context)
        with Session(db.engine) as other:  # the other worker's own connection
            doc = other.get(RenderedDocument, first.id)
            replaced = doc.stored_name
            name, sha = storage.store(pdf)
            doc.stored_name, doc.sha256, doc.content_hash = name, sha, "0" * 64
            other.commit()
            storage.remove(replaced)  # what that worker does after its commit
        return pdf

    monkeypatch.setattr(render, "render_pdf", render_while_another_worker_commits)
    mine = score_sheets.render_score_sheet(world.b1.id)
    db.session.commit()

    assert stored_files() == [mine.stored_name]


@pytest.mark.usefixtures("docs_app")
def test_document_jobs_rerun_after_a_change_keep_one_file_per_entry(world, app):
    renderers.use_real()  # the real score-sheet renderer
    entries = [world.a1, world.a2, world.b1]
    job, ids = job_for(world.comp, entries)
    run_task(app, job.id, ids)
    assert [i.status for i in items_of(job.id)] == ["done"] * 3
    assert len(stored_files()) == 3

    rename(world.a1, "Smart Kampung Banyuwangi 3.0")
    job, ids = job_for(world.comp, entries)
    run_task(app, job.id, ids)
    assert [i.status for i in items_of(job.id)] == ["done"] * 3

    named = set(db.session.scalars(select(RenderedDocument.stored_name)))
    assert len(named) == 3 and set(stored_files()) == named


@pytest.mark.usefixtures("docs_app")
def test_a_render_whose_lease_was_lost_leaves_no_file(world, app, monkeypatch):
    """The worker that lost its lease rolls back its rendering: its file goes with it."""
    renderers.use_real()
    job, ids = job_for(world.comp, [world.a1])
    monkeypatch.setattr(jobs, "complete_item", lambda item_id, worker: False)
    run_task(app, job.id, ids)
    assert stored_files() == []


def render_text(stored_name: str) -> str:
    from tests.workers.test_render_world import flat, pdf_text

    return flat(pdf_text(storage.read(stored_name)))
