"""Everything in the browser (issue 15, item 1): the score-sheet PDF from the entry, ranking
and proposal pages, the result exports from the competition and ranking pages, the selection
recap from the finalised proposal, and the secretariat's certificate list and revocation page.

Each link is followed with the same browser session, so a link that a person sees but cannot
use fails here. Every refused revocation is checked against the database: nothing changes.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Assignment, AuditEvent, Certificate, Competition
from tests.conftest import PASSWORD
from tests.helpers import count
from tests.services.judging_fixtures import (
    assign,
    finalised_shortlist,
    set_stage,
    submit_sheet,
)
from tests.web.permission_documents import documents_world
from tests.workers.job_fixtures import docs_app  # noqa: F401  (fixture: renders PDFs)

pytestmark = pytest.mark.usefixtures("docs_app")  # score sheets and recaps render
REASON = "Data inovasi terbukti tidak benar setelah pemeriksaan lapangan."


def login(app, user):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    return client


def sheet_links(html: str) -> set[int]:
    return {int(i) for i in re.findall(r'href="/api/v1/entries/(\d+)/score-sheet"', html)}


def follow(client, url: str, mimetype: str) -> bytes:
    resp = client.get(url)
    assert resp.status_code == 200, (url, resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.mimetype == mimetype
    return resp.data


@pytest.fixture
def users(make):
    owner = make.user("agency")
    return {
        "admin": make.admin(),
        "owner": owner,
        "other": make.user("agency"),
        "chair": make.user("chair"),
        "panelist": make.user("panelist"),
        "evaluator": make.user("evaluator"),
    }


@pytest.fixture
def docs(make, users):
    """An awarded competition: two scored entries, a finalised shortlist of both, the owner's
    certificate issued (tests/web/permission_documents.py)."""
    return documents_world(make, users)


@pytest.fixture
def scored(make, users):
    """Two entries scored in the evaluation round, the competition now in `shortlist`."""
    comp = make.competition(stage="evaluation")
    entries = [make.entry(comp, users[k], status="eligible") for k in ("owner", "other")]
    for entry, total in zip(entries, (90, 80), strict=True):
        submit_sheet(assign(comp, entry, users["evaluator"]), total)
    set_stage(comp, "shortlist")
    return comp, entries


# ----------------------------------------------------------------- score sheets
def test_ranking_links_each_readable_score_sheet_and_nothing_else(app, scored, users):
    comp, (first, second) = scored
    url = f"/selection/{comp.id}/ranking"
    admin = login(app, users["admin"])
    assert sheet_links(admin.get(url).get_data(as_text=True)) == {first.id, second.id}
    pdf = follow(admin, f"/api/v1/entries/{first.id}/score-sheet", "application/pdf")
    assert pdf.startswith(b"%PDF")
    # the chair and a panelist read neither entry yet (not assigned, in no selection)
    for role in ("chair", "panelist"):
        html = login(app, users[role]).get(url).get_data(as_text=True)
        assert f'id="row-{first.id}"' in html and sheet_links(html) == set(), role
    # once the first entry is in a selection, both may read its sheet, and only its sheet
    finalised_shortlist(comp, [first], users["chair"])
    for role in ("chair", "panelist"):
        client = login(app, users[role])
        assert sheet_links(client.get(url).get_data(as_text=True)) == {first.id}, role
        follow(client, f"/api/v1/entries/{first.id}/score-sheet", "application/pdf")
        assert client.get(f"/api/v1/entries/{second.id}/score-sheet").status_code == 404


def test_conflicted_chair_gets_no_score_sheet_link(app, scored, users, make):
    from kipp.accounts.services import add_conflict

    comp, (first, second) = scored
    finalised_shortlist(comp, [first, second], users["chair"])
    add_conflict(None, users["chair"], users["other"].agency_id, "Former employer")
    db.session.commit()
    html = login(app, users["chair"]).get(f"/selection/{comp.id}/ranking").get_data(as_text=True)
    assert sheet_links(html) == {first.id}


def test_final_proposal_links_recap_and_score_sheets(app, docs, users):
    sel_id = docs["final_selection_id"]
    client = login(app, users["chair"])
    html = client.get(f"/selection/proposals/{sel_id}").get_data(as_text=True)
    assert f'href="/api/v1/selections/{sel_id}/recap"' in html
    ids = sheet_links(html)
    assert len(ids) == 2
    follow(client, f"/api/v1/selections/{sel_id}/recap", "application/pdf")
    for entry_id in ids:
        follow(client, f"/api/v1/entries/{entry_id}/score-sheet", "application/pdf")


def test_proposed_selection_has_no_recap_link(app, scored, users):
    from kipp.judging import selections

    comp, _ = scored
    sel = selections.propose(users["chair"], comp, "shortlist")
    db.session.commit()
    html = login(app, users["chair"]).get(f"/selection/proposals/{sel.id}").get_data(as_text=True)
    assert "/recap" not in html and len(sheet_links(html)) == 2


def test_entry_pages_link_the_score_sheet_once_one_is_submitted(app, make, users):
    comp = make.competition(stage="evaluation")
    entry = make.entry(comp, users["owner"], status="eligible")
    url = f"/admin/screening/{comp.id}/entries/{entry.id}"
    admin = login(app, users["admin"])
    assert 'id="score-sheet-pdf"' not in admin.get(url).get_data(as_text=True)
    submit_sheet(assign(comp, entry, users["evaluator"]), 75)
    html = admin.get(url).get_data(as_text=True)
    assert f'href="/api/v1/entries/{entry.id}/score-sheet" id="score-sheet-pdf"' in html
    follow(admin, f"/api/v1/entries/{entry.id}/score-sheet", "application/pdf")

    # the panel round: the panelist's scoring page links it, the evaluator's never does
    finalised_shortlist(comp, [entry], users["chair"])
    set_stage(comp, "panel")
    panel_sheet = assign(comp, entry, users["panelist"], "panel")
    html = login(app, users["panelist"]).get(f"/panel/assignments/{panel_sheet.id}").text
    assert 'id="score-sheet-pdf"' in html
    ev_sheet = db.session.scalar(
        select(Assignment.id).where(Assignment.user_id == users["evaluator"].id)
    )
    html = login(app, users["evaluator"]).get(f"/panel/assignments/{ev_sheet}").text
    assert 'id="score-sheet-pdf"' not in html


# ----------------------------------------------------------------- exports
def test_exports_from_competition_and_ranking_pages(app, scored, users):
    comp, _ = scored
    csv_url = f"/api/v1/competitions/{comp.id}/results.csv"
    xlsx_url = f"/api/v1/competitions/{comp.id}/results.xlsx"
    admin = login(app, users["admin"])
    html = admin.get(f"/admin/competitions/{comp.id}").get_data(as_text=True)
    assert csv_url in html and xlsx_url in html
    assert follow(admin, csv_url, "text/csv").startswith(b"\xef\xbb\xbfentry_id")
    chair = login(app, users["chair"])
    html = chair.get(f"/selection/{comp.id}/ranking").get_data(as_text=True)
    assert csv_url in html and xlsx_url in html
    assert follow(chair, xlsx_url, "application/vnd.openxmlformats-officedocument"
                  ".spreadsheetml.sheet").startswith(b"PK")  # fmt: skip
    html = login(app, users["panelist"]).get(f"/selection/{comp.id}/ranking").text
    assert csv_url not in html and 'id="exports"' not in html


# ----------------------------------------------------------------- certificates
def test_certificate_list_shows_every_issued_certificate_with_status(app, docs, users):
    comp_id, serial = docs["awarded_comp_id"], docs["certificate_serial"]
    admin = login(app, users["admin"])
    resp = admin.get(f"/admin/competitions/{comp_id}")
    assert f'href="/admin/documents/{comp_id}/certificates"' in resp.text
    html = admin.get(f"/admin/documents/{comp_id}/certificates").get_data(as_text=True)
    assert f'id="certificate-{serial}" data-status="valid"' in html
    assert f'href="/admin/documents/certificates/{serial}/revoke"' in html
    follow(admin, f"/agency/certificates/{serial}/download", "application/pdf")
    other = db.session.scalar(select(Competition).where(Competition.id != comp_id))
    empty = admin.get(f"/admin/documents/{other.id}/certificates") if other else None
    assert empty is None or serial not in empty.text


def test_revoke_from_the_page_is_confirmed_and_audited(app, docs, users):
    comp_id, serial = docs["awarded_comp_id"], docs["certificate_serial"]
    url = f"/admin/documents/certificates/{serial}/revoke"
    admin = login(app, users["admin"])
    assert admin.get(url).status_code == 200

    def unchanged():
        cert = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
        return (
            cert.revoked_at is None
            and count(AuditEvent, AuditEvent.action == "certificate.revoke") == 0
        )

    # no confirmation; no reason; a blank reason: refused, the error tied to its field
    resp = admin.post(url, data={"reason": REASON})
    assert resp.status_code == 422 and 'aria-describedby="confirm-err"' in resp.text
    assert unchanged()
    resp = admin.post(url, data={"confirm": "y"})
    assert resp.status_code == 422 and 'aria-describedby="reason-err"' in resp.text
    assert unchanged()
    resp = admin.post(url, data={"reason": "   ", "confirm": "y"})
    assert resp.status_code == 422 and "Write why the certificate is revoked." in resp.text
    assert unchanged()
    resp = admin.post(url, data={"reason": "x" * 2001, "confirm": "y"})
    assert resp.status_code == 422 and unchanged()

    resp = admin.post(url, data={"reason": REASON, "confirm": "y"})
    assert resp.status_code == 302
    assert resp.headers["Location"].endswith(f"/admin/documents/{comp_id}/certificates")
    db.session.expire_all()
    cert = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    assert cert.revoked_at is not None and cert.revoked_reason == REASON
    assert cert.revoked_by_id == users["admin"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.revoke"))
    assert event.actor_id == users["admin"].id and event.after["reason"] == REASON
    html = admin.get(f"/admin/documents/{comp_id}/certificates").get_data(as_text=True)
    assert 'data-status="revoked"' in html and REASON in html
    assert f'href="/admin/documents/certificates/{serial}/revoke"' not in html

    # again: 409, nothing more recorded
    resp = admin.post(url, data={"reason": "Lagi", "confirm": "y"})
    assert resp.status_code == 409
    assert count(AuditEvent, AuditEvent.action == "certificate.revoke") == 1


@pytest.mark.parametrize("serial", ["KIPP-2026-999999", "not-a-serial", "KIPP-2026-1"])
def test_unknown_serial_is_404(app, docs, users, serial):
    admin = login(app, users["admin"])
    assert admin.get(f"/admin/documents/certificates/{serial}/revoke").status_code == 404
    resp = admin.post(
        f"/admin/documents/certificates/{serial}/revoke", data={"reason": REASON, "confirm": "y"}
    )
    assert resp.status_code == 404


def test_only_the_admin_revokes(app, docs, users):
    serial = docs["certificate_serial"]
    for role in ("chair", "owner", "evaluator"):
        client = login(app, users[role])
        url = f"/admin/documents/certificates/{serial}/revoke"
        assert client.get(url).status_code == 403
        assert client.post(url, data={"reason": REASON, "confirm": "y"}).status_code == 403
    db.session.expire_all()
    assert (
        db.session.scalar(select(Certificate.revoked_at).where(Certificate.serial == serial))
        is None
    )
