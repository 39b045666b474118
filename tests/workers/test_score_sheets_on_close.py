"""Score sheets rendered when a judging round closes (kipp.documents.on_close).

Closing a round through the API or the admin page creates one audited `score_sheets` job for
the round's entries with submitted sheets and sends it after the commit; the chunk task (run
in this process, and once by a real worker) renders real PDFs; unchanged entries are not
rendered again; a broker failure never undoes the move.
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from kipp import dispatch
from kipp.documents import jobs, storage
from kipp.documents.reconcile import reconcile
from kipp.extensions import db
from kipp.judging import scoring
from kipp.models import Assignment, AuditEvent, Competition, DocumentJob, RenderedDocument
from tests.services.judging_fixtures import (
    assign,
    evaluation_setup,
    finalised_shortlist,
    submit_sheet,
)
from tests.workers import renderers
from tests.workers.job_fixtures import (
    age_leases,
    docs_app,  # noqa: F401  (fixture)
    items_of,
    job_row,
    run_task,
)
from tests.workers.test_document_jobs_api import document_messages
from tests.workers.test_render_score_sheets import count_renders
from tests.workers.test_render_world import flat, pdf_text
from tests.workers.test_worker_real import (  # noqa: F401  (start_workers is a fixture)
    BROKERS,
    start_workers,
    wait_until,
)

STAGE = "/api/v1/competitions/{}/stage"


@pytest.fixture
def real_pdfs(docs_app):  # noqa: F811  (the imported fixture)
    """The document app with the real renderers (docs_app plugs in a fake one)."""
    renderers.use_real()
    return docs_app


pytestmark = pytest.mark.usefixtures("real_pdfs")


def judged(make, n_entries: int = 3, n_reviewers: int = 2):
    """A competition in stage evaluation whose every entry has a submitted sheet from every
    evaluator (entry k scores 70 + k everywhere)."""
    w = evaluation_setup(make, n_entries=n_entries, n_reviewers=n_reviewers, n_panelists=1)
    for k, entry in enumerate(w.entries):
        for reviewer in w.reviewers:
            submit_sheet(assign(w, entry, reviewer), 70 + k)
    return w


def jobs_of(comp: Competition) -> list[DocumentJob]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(DocumentJob).where(DocumentJob.competition_id == comp.id).order_by(DocumentJob.id)
    ).all()
    db.session.commit()
    return list(rows)


def subjects(job: DocumentJob) -> list[int]:
    return [i.subject_id for i in items_of(job.id)]


def stage_of(comp: Competition) -> str:
    db.session.expire_all()
    return db.session.get(Competition, comp.id).stage


def move(api_client, comp: Competition, to: str, **extra) -> None:
    resp = api_client.post(STAGE.format(comp.id), json={"to": to} | extra)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["stage"] == to


def run_job(app, job: DocumentJob) -> dict:
    return run_task(app, job.id, [i.id for i in items_of(job.id)])


def sheet_doc(entry_id: int) -> RenderedDocument | None:
    db.session.expire_all()
    doc = db.session.scalar(
        select(RenderedDocument).where(
            RenderedDocument.kind == "score_sheet", RenderedDocument.subject_id == entry_id
        )
    )
    db.session.commit()
    return doc


def sheet_text(entry_id: int) -> str:
    return flat(pdf_text(storage.read(sheet_doc(entry_id).stored_name)))


def to_panel(api_client, w, entries) -> None:
    """Finalise a shortlist of `entries`, open the panel round and submit every panel sheet."""
    finalised_shortlist(w.comp, entries, w.panel[-1])
    move(api_client, w.comp, "panel")
    for entry in entries:
        for member in w.panel:
            a = assign(w, entry, member, "panel")
            scoring.save_sheet(member, a, {}, comment=f"Catatan panel {member.name}.")
            submit_sheet(a, 88)


# ----------------------------------------------------------------- creating the job
def test_closing_evaluation_creates_one_audited_job_for_the_round(app, make, api):
    w = judged(make, n_entries=3)
    unscored = make.entry(w.comp, w.owners[0], status="eligible")  # no sheet: no score sheet
    admin = api(w.admin)
    last_event = db.session.scalar(select(db.func.max(AuditEvent.id)))
    move(admin, w.comp, "shortlist")

    [job] = jobs_of(w.comp)
    assert (job.kind, job.status, job.total, job.created_by_id) == (
        "score_sheets",
        "queued",
        3,
        w.admin.id,
    )
    assert subjects(job) == sorted(e.id for e in w.entries)
    assert unscored.id not in subjects(job)
    assert {(i.status, i.attempts) for i in items_of(job.id)} == {("queued", 0)}

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.id > last_event).order_by(AuditEvent.id)
    ).all()
    created = [e for e in events if e.action == "document_job.create"]
    assert [e.action for e in events] == ["competition.stage", "document_job.create"]
    assert created[0].object == f"document_job:{job.id}"
    assert created[0].actor == w.admin.email
    assert created[0].after == {"kind": "score_sheets", "total": 3, "round": "evaluation"}

    assert len(document_messages(app)) == 1  # one chunk, sent after the commit


def test_the_admin_page_move_flashes_the_job_and_the_documents_page_lists_it(app, make, web_login):
    w = judged(make, n_entries=2)
    client = web_login(w.admin)
    resp = client.post(
        f"/admin/competitions/{w.comp.id}/stage", data={"to": "shortlist"}, follow_redirects=True
    )
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "Score sheets: 2 document(s) queued." in page
    [job] = jobs_of(w.comp)
    assert subjects(job) == sorted(e.id for e in w.entries)
    listing = client.get(f"/admin/documents/{w.comp.id}").get_data(as_text=True)
    assert f'id="job-{job.id}"' in listing


def test_moves_that_close_no_round_or_find_no_sheet_create_no_job(app, make, api):
    w = evaluation_setup(make, n_entries=2, n_reviewers=1)
    assign(w, w.entries[0], w.reviewers[0])  # assigned, never submitted
    admin = api(w.admin)
    move(admin, w.comp, "shortlist", force=True, reason="Penilai berhalangan")
    assert stage_of(w.comp) == "shortlist"
    assert jobs_of(w.comp) == []
    finalised_shortlist(w.comp, w.entries, w.admin)
    move(admin, w.comp, "panel")  # not a round's close
    assert jobs_of(w.comp) == []
    assert dispatch.pending(db.session) == []  # nothing left waiting


# ----------------------------------------------------------------- rendering
def test_the_chunk_task_renders_the_round_s_score_sheets(app, make, api):
    w = judged(make, n_entries=2)
    move(api(w.admin), w.comp, "shortlist")
    [job] = jobs_of(w.comp)
    assert run_job(app, job) == {"done": 2, "failed": 0, "skipped": 0}
    job = job_row(job.id)
    assert (job.status, job.done, job.failed) == ("done", 2, 0)
    for k, entry in enumerate(w.entries):
        text = sheet_text(entry.id)
        assert entry.title in text
        for reviewer in w.reviewers:
            assert reviewer.name in text
        assert f"{70 + k}.00" in text  # the sheet total


def test_closing_the_panel_renders_the_panel_s_entries_again(app, make, api, monkeypatch):
    w = judged(make, n_entries=3)
    admin = api(w.admin)
    move(admin, w.comp, "shortlist")
    [evaluation_job] = jobs_of(w.comp)
    run_job(app, evaluation_job)
    before = {e.id: sheet_doc(e.id).stored_name for e in w.entries}
    shortlisted, left_out = w.entries[:2], w.entries[2]
    to_panel(admin, w, shortlisted)
    calls = count_renders(monkeypatch)

    move(admin, w.comp, "final")
    evaluation_job, panel_job = jobs_of(w.comp)
    assert subjects(panel_job) == sorted(e.id for e in shortlisted)
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.object == f"document_job:{panel_job.id}")
    )
    assert event.after == {"kind": "score_sheets", "total": 2, "round": "panel"}
    assert run_job(app, panel_job)["done"] == 2
    assert calls == ["score_sheet.html"] * 2
    for entry in shortlisted:
        assert sheet_doc(entry.id).stored_name != before[entry.id]
        text = sheet_text(entry.id)
        for person in (*w.reviewers, *w.panel):
            assert person.name in text  # both rounds on one sheet
        assert f"Catatan panel {w.panel[0].name}." in text
    assert sheet_doc(left_out.id).stored_name == before[left_out.id]
    assert w.panel[0].name not in sheet_text(left_out.id)


def test_a_forced_close_with_missing_sheets_renders_what_was_submitted(app, make, api):
    w = evaluation_setup(make, n_entries=3, n_reviewers=2)
    full, half, none = w.entries
    for reviewer in w.reviewers:
        submit_sheet(assign(w, full, reviewer), 90)
    submit_sheet(assign(w, half, w.reviewers[0]), 75)
    scoring.save_sheet(w.reviewers[1], assign(w, half, w.reviewers[1]), {})  # a draft
    db.session.commit()
    assign(w, none, w.reviewers[0])  # pending
    admin = api(w.admin)
    refused = admin.post(STAGE.format(w.comp.id), json={"to": "shortlist"})
    assert refused.status_code == 409 and jobs_of(w.comp) == []

    move(admin, w.comp, "shortlist", force=True, reason="Batas waktu penilaian lewat")
    assert stage_of(w.comp) == "shortlist"
    [job] = jobs_of(w.comp)
    assert subjects(job) == sorted([full.id, half.id])
    assert run_job(app, job) == {"done": 2, "failed": 0, "skipped": 0}
    text = sheet_text(half.id)
    assert w.reviewers[0].name in text and w.reviewers[1].name not in text
    assert "1 / 2" in text  # submitted of assigned
    assert sheet_doc(none.id) is None


def test_an_unchanged_entry_is_not_rendered_again(app, make, api, monkeypatch):
    w = judged(make, n_entries=3)
    kept, reopened, fresh = w.entries
    admin = api(w.admin)
    for entry in (kept, reopened):  # rendered on request during the round
        assert admin.get(f"/api/v1/entries/{entry.id}/score-sheet").status_code == 200
    kept_doc = sheet_doc(kept.id)
    kept_file = storage.path_of(kept_doc.stored_name)
    kept_state = (kept_doc.stored_name, kept_doc.content_hash, kept_file.stat().st_mtime_ns)
    old_reopened = sheet_doc(reopened.id).content_hash
    sheet = db.session.scalar(
        select(Assignment).where(
            Assignment.entry_id == reopened.id, Assignment.user_id == w.reviewers[0].id
        )
    )
    scoring.reopen_sheet(w.admin, sheet, "Nilai salah ketik")
    db.session.commit()
    submit_sheet(sheet, 95)
    calls = count_renders(monkeypatch)

    move(admin, w.comp, "shortlist")
    [job] = jobs_of(w.comp)
    assert subjects(job) == sorted(e.id for e in w.entries)
    assert run_job(app, job) == {"done": 3, "failed": 0, "skipped": 0}
    assert calls == ["score_sheet.html"] * 2  # the reopened and the never-rendered entry
    doc = sheet_doc(kept.id)
    assert (doc.stored_name, doc.content_hash, kept_file.stat().st_mtime_ns) == kept_state
    assert sheet_doc(reopened.id).content_hash != old_reopened
    assert "95.00" in sheet_text(reopened.id)

    # A second job over the same, unchanged entries renders nothing at all.
    again = jobs.create_job(w.admin, db.session.get(Competition, w.comp.id), "score_sheets")
    db.session.commit()
    assert run_job(app, again) == {"done": 3, "failed": 0, "skipped": 0}
    assert calls == ["score_sheet.html"] * 2


# ----------------------------------------------------------------- broker failures
def broker_down(monkeypatch) -> None:
    def refuse(*_args, **_kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(jobs, "send_render_chunks", refuse)


def test_a_publish_failure_keeps_the_move_and_the_queued_items(app, make, api, monkeypatch, caplog):
    w = judged(make, n_entries=2)
    broker_down(monkeypatch)
    with caplog.at_level(logging.WARNING):
        move(api(w.admin), w.comp, "shortlist")
    assert stage_of(w.comp) == "shortlist"
    [job] = jobs_of(w.comp)
    items = items_of(job.id)
    assert [(i.status, i.attempts) for i in items] == [("queued", 0)] * 2
    assert all(i.lease_until is not None for i in items)  # a pickup deadline to re-send by
    assert f"document job {job.id} not sent yet" in caplog.text
    assert document_messages(app) == []

    # Past the pickup deadline the reconciler sends the items; they render as usual.
    age_leases([i.id for i in items])
    assert reconcile() == {job.id: [i.id for i in items]}
    db.session.commit()
    assert run_job(app, job)["done"] == 2


def test_a_publish_failure_on_the_admin_page_keeps_the_move(app, make, web_login, monkeypatch):
    w = judged(make, n_entries=1)
    broker_down(monkeypatch)
    client = web_login(w.admin)
    resp = client.post(f"/admin/competitions/{w.comp.id}/stage", data={"to": "shortlist"})
    assert resp.status_code == 302
    assert stage_of(w.comp) == "shortlist"
    [job] = jobs_of(w.comp)
    assert [i.status for i in items_of(job.id)] == ["queued"]
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Score sheets: 1 document(s) queued." in page


# ----------------------------------------------------------------- a real worker
@pytest.mark.parametrize("broker", BROKERS)
def test_a_real_worker_renders_the_closed_round(app, make, api, start_workers, broker):  # noqa: F811
    w = judged(make, n_entries=2)
    workers = start_workers(broker, renderer=None)
    workers.start()
    move(api(w.admin), w.comp, "shortlist")
    [job] = jobs_of(w.comp)
    wait_until(lambda: job_row(job.id).status == "done", 60, "the score sheets", workers)
    assert [i.status for i in items_of(job.id)] == ["done", "done"], workers.logs()
    for entry in w.entries:
        assert w.reviewers[1].name in sheet_text(entry.id)
