"""The documents part of the permission matrix (tests/web/test_permission_matrix.py): its world,
its request bodies and what a refused document request must leave as it was.

The world is built through the services, as in real use: the world's evaluator scores one entry
of the owning agency and one of the other agency, the chair proposes and finalises the
shortlist, the competition is awarded, the owner's certificate is issued (rendered for real,
once) and the secretariat starts a score-sheet job. The job is not sent anywhere: no worker
runs in these tests, and a successful `POST …/document-jobs` publishes to the test's own
broker file (the `docs_app` fixture), which needs no worker either.
"""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.documents import certificates, codes, jobs, storage
from kipp.extensions import db
from kipp.judging import selections
from kipp.models import Certificate, DocumentItem, DocumentJob, RenderedDocument, User
from tests.services.judging_fixtures import assign, set_stage, submit_sheet

REVOKE_REASON = "Data inovasi terbukti tidak benar setelah pemeriksaan lapangan."


def documents_world(make, users: dict[str, User]) -> dict:
    """Ids for the document rows of the table (see the module docstring)."""
    owner, other, chair = users["owner"], users["other"], users["chair"]
    comp = make.competition(stage="evaluation")
    mine = make.entry(comp, owner, status="eligible", title="Mal Pelayanan Publik Terpadu")
    theirs = make.entry(comp, other, status="eligible", title="Surabaya Single Window")
    for entry, total in ((mine, 90), (theirs, 80)):
        submit_sheet(assign(comp, entry, users["evaluator"]), total)
    set_stage(comp, "shortlist")
    shortlist = selections.propose(chair, comp, "shortlist")
    selections.finalize(chair, shortlist)
    db.session.commit()
    set_stage(comp, "awarded")
    cert = certificates.issue_certificate(mine.id)
    job = jobs.create_job(users["admin"], comp, "score_sheets")
    db.session.commit()
    assert shortlist.status == "final" and len(shortlist.entries) == 2
    assert storage.exists(cert.stored_name) and job.total == 2
    return {
        "awarded_comp_id": comp.id,
        "certified_entry_id": mine.id,
        "certificate_code": codes.public_code(cert.serial),
        "certificate_serial": cert.serial,
        "final_selection_id": shortlist.id,
        "job_id": job.id,
    }


def document_body(name: str) -> dict | None:
    """The body of a document request, or None when `name` is not a document body."""
    if name == "revoke":
        return {"reason": REVOKE_REASON}
    if name == "certificate_job":
        return {"kind": "certificates"}
    return None


def document_state() -> tuple:
    """Certificates (revocation included), jobs and their items, cached PDFs and the stored
    files: a refused document request changes none of them."""
    certs = db.session.execute(
        select(Certificate.serial, Certificate.stored_name, Certificate.revoked_at)
    ).all()
    job_rows = db.session.execute(
        select(DocumentJob.id, DocumentJob.status, DocumentJob.total, DocumentJob.done)
    ).all()
    items = db.session.scalar(select(func.count()).select_from(DocumentItem))
    cached = db.session.execute(
        select(RenderedDocument.kind, RenderedDocument.subject_id, RenderedDocument.stored_name)
    ).all()
    files = sorted(path.name for path in storage.storage_root().iterdir())
    return sorted(certs), sorted(job_rows), items, sorted(cached), files
