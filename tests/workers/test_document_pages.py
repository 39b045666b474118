"""The secretariat's documents page: job list with progress bars that poll the JSON endpoint,
starting a job with the form, refusals that keep the choice, admin only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from kipp.extensions import db
from kipp.models import Competition, DocumentJob
from tests.services.judging_fixtures import evaluation_setup, finalised_shortlist
from tests.workers.job_fixtures import (
    direct_job,
    docs_app,  # noqa: F401  (fixture)
    run_task,
)

pytestmark = pytest.mark.usefixtures("docs_app")


def jobs_count() -> int:
    db.session.expire_all()
    n = db.session.scalar(select(func.count()).select_from(DocumentJob))
    db.session.commit()
    return n


def test_page_lists_jobs_with_progress_and_failures(app, make, web_login):
    admin = make.admin()
    done, done_ids = direct_job(make, 2)
    comp_id = done.competition_id
    bad = db.session.get(DocumentJob, done.id).items[1].subject_id
    app.config["TEST_RENDER_FAILURES"] = {bad: -1}
    run_task(app, done.id, done_ids)
    running, _ids = direct_job(make, 3, comp=db.session.get(Competition, comp_id))
    client = web_login(admin)
    resp = client.get(f"/admin/documents/{comp_id}?lang=en")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    # newest first; each job has a labelled progress bar and counts
    assert html.index(f'id="job-{running.id}"') < html.index(f'id="job-{done.id}"')
    assert re.search(
        rf'<progress [^>]*aria-labelledby="job-{done.id}-h" max="2"\s+value="2"></progress>', html
    )
    assert re.search(
        rf'<progress [^>]*aria-labelledby="job-{running.id}-h" max="3"\s+value="0"></progress>',
        html,
    )
    assert f"/api/v1/document-jobs/{running.id}" in html  # polled by the page's script
    assert 'data-finished="false"' in html and "/static/document-jobs.js" in html
    assert f"RenderFailed: cannot lay out entry {bad}" in html
    # the endpoint the page polls answers the session
    assert client.get(f"/api/v1/document-jobs/{running.id}").get_json()["status"] == "queued"


def test_start_a_job_from_the_page(make, web_login):
    w = evaluation_setup(make, n_entries=2, n_panelists=1, stage="awarded")
    finalised_shortlist(w.comp, w.entries, w.chair)
    client = web_login(w.admin)
    client.get(f"/admin/documents/{w.comp.id}?lang=en")  # English from here on
    resp = client.post(f"/admin/documents/{w.comp.id}", data={"kind": "certificates"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/admin/documents/{w.comp.id}")
    job = db.session.scalars(select(DocumentJob)).one()
    assert (job.kind, job.total, job.status) == ("certificates", 2, "queued")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "2 document(s) queued" in page


def test_a_refused_job_shows_why_and_keeps_the_choice(make, web_login):
    w = evaluation_setup(make, n_entries=1, stage="panel")
    client = web_login(w.admin)
    client.get(f"/admin/documents/{w.comp.id}?lang=en")
    resp = client.post(f"/admin/documents/{w.comp.id}", data={"kind": "certificates"})
    assert resp.status_code == 409
    html = resp.get_data(as_text=True)
    assert "Certificates are issued once the competition is awarded." in html
    assert re.search(r'<option selected value="certificates">', html)
    assert jobs_count() == 0
    resp = client.post(f"/admin/documents/{w.comp.id}", data={"kind": "posters"})
    assert resp.status_code == 422
    assert jobs_count() == 0


@pytest.mark.parametrize("role", ["agency", "evaluator", "chair"])
def test_admin_only(make, client, web_login, role):
    comp = make.competition(stage="awarded")
    assert client.get(f"/admin/documents/{comp.id}").status_code == 302  # to the login page
    web_login(make.user(role))
    assert client.get(f"/admin/documents/{comp.id}").status_code == 403
    resp = client.post(f"/admin/documents/{comp.id}", data={"kind": "score_sheets"})
    assert resp.status_code == 403
    assert jobs_count() == 0


def test_unknown_competition_is_404(make, web_login):
    client = web_login(make.admin())
    assert client.get("/admin/documents/999999").status_code == 404
