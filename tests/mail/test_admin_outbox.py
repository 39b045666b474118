"""The admin outbox: GET /api/v1/mail, POST /api/v1/mail/{id}/retry and the /admin/mail page,
with a real SMTP server refusing a recipient; the error is shown in both, and a retry sends."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.mail import sending
from kipp.models import AuditEvent
from kipp.models.mail import Mail
from tests.helpers import assert_problem, count
from tests.mail.conftest import probe


def retries() -> int:
    return count(AuditEvent, AuditEvent.action == "mail.retry")


def row(mail_id: int) -> Mail:
    db.session.expire_all()
    mail = db.session.get(Mail, mail_id)
    db.session.commit()
    return mail


@pytest.fixture
def outbox(app, smtp):
    """A sent, a failed (refused recipient) and a queued mail."""
    sent = probe(to="sari@example.org")
    failed = probe(to="refused@example.org", name="Budi")
    queued = probe(to="ani@dinas.example.go.id")
    assert sending.send_one(sent, "w") == "sent"
    assert sending.send_one(failed, "w") == "failed"
    return {"sent": sent, "failed": failed, "queued": queued}


def test_admin_lists_the_outbox_with_status_and_last_error(make, api, outbox):
    resp = api(make.admin()).get("/api/v1/mail")
    assert resp.status_code == 200
    body = resp.get_json()
    assert (body["total"], body["page"], body["per_page"]) == (3, 1, 50)
    assert [m["id"] for m in body["items"]] == [outbox["queued"], outbox["failed"], outbox["sent"]]
    failed = body["items"][1]
    assert set(failed) == {
        "id",
        "to",
        "kind",
        "subject",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "last_error",
    }
    assert failed["status"] == "failed" and failed["attempts"] == 1
    assert failed["last_error"].startswith("recipient refused: 550")
    assert failed["to"] == "refused@example.org" and failed["subject"] == "Log in: Budi"
    assert body["items"][2]["sent_at"] is not None and body["items"][0]["sent_at"] is None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=failed", ["failed"]),
        ("status=sent", ["sent"]),
        ("kind=probe&status=queued", ["queued"]),
        ("kind=other", []),
        ("to=DINAS.example", ["queued"]),
        ("to=%25", []),  # a literal %, not a wildcard
        ("to=example.org&per_page=1&page=2", ["sent"]),
    ],
)
def test_filters(make, api, outbox, query, expected):
    resp = api(make.admin()).get(f"/api/v1/mail?{query}")
    assert resp.status_code == 200
    assert [m["id"] for m in resp.get_json()["items"]] == [outbox[k] for k in expected]


@pytest.mark.parametrize(
    "query",
    [
        "status=lost",
        "per_page=0",
        "per_page=201",
        "page=0",
        "kind=" + "k" * 41,
        "to=" + "a" * 255,
        "page=99999999999",
    ],
)
def test_bad_filters_are_422(make, api, outbox, query):
    assert_problem(api(make.admin()).get(f"/api/v1/mail?{query}"), 422, "validation_error")


@pytest.mark.parametrize("role", ["agency", "evaluator", "panelist", "chair"])
def test_only_admins(make, api, outbox, role):
    client = api(make.user(role))
    assert_problem(client.get("/api/v1/mail"), 403, "forbidden")
    assert_problem(client.post(f"/api/v1/mail/{outbox['failed']}/retry"), 403, "forbidden")
    assert row(outbox["failed"]).status == "failed"
    assert_problem(api().get("/api/v1/mail"), 401)


def test_retry_sends_a_failed_mail_again(app, make, api, outbox, smtp):
    admin = make.admin()
    resp = api(admin).post(f"/api/v1/mail/{outbox['failed']}/retry")
    assert resp.status_code == 202
    assert resp.get_json()["status"] == "queued" and resp.get_json()["attempts"] == 0
    mail = row(outbox["failed"])
    assert mail.status == "queued" and mail.last_error  # kept until it goes through
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.retry")).one()
    assert event.object == f"mail:{mail.id}" and event.actor_id == admin.id
    # the server now takes the address (the mailbox was created meanwhile)
    smtp.inbox.messages.clear()
    db.session.execute(db.update(Mail).where(Mail.id == mail.id).values(to="budi@example.org"))
    db.session.commit()
    assert sending.send_one(mail.id, "w") == "sent"
    assert [m.rcpt_tos for m in smtp.messages] == [["budi@example.org"]]


def test_retry_of_a_still_refused_mail_fails_again(make, api, outbox):
    assert api(make.admin()).post(f"/api/v1/mail/{outbox['failed']}/retry").status_code == 202
    assert sending.send_one(outbox["failed"], "w") == "failed"
    assert row(outbox["failed"]).attempts == 1


def test_retry_of_a_sent_mail_is_refused_and_changes_nothing(make, api, outbox, smtp):
    before = row(outbox["sent"]).sent_at
    resp = api(make.admin()).post(f"/api/v1/mail/{outbox['sent']}/retry")
    assert_problem(resp, 409, "invalid_stage")
    assert row(outbox["sent"]).sent_at == before and retries() == 0


def test_retry_of_a_mail_being_sent_leaves_it_to_its_worker(make, api, outbox):
    assert sending.claim(outbox["queued"], "busy-worker") is not None
    resp = api(make.admin()).post(f"/api/v1/mail/{outbox['queued']}/retry")
    assert resp.status_code == 202
    assert row(outbox["queued"]).worker == "busy-worker" and retries() == 0


def test_retry_of_an_unknown_mail_is_404(make, api, outbox):
    assert_problem(api(make.admin()).post("/api/v1/mail/999999/retry"), 404, "not_found")
    assert_problem(api(make.admin()).post("/api/v1/mail/99999999999/retry"), 404)


def test_the_openapi_document_describes_the_outbox(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    listing = spec["paths"]["/api/v1/mail"]["get"]
    assert {"200", "403", "422"} <= set(listing["responses"])
    retry = spec["paths"]["/api/v1/mail/{mail_id}/retry"]["post"]
    assert {"202", "403", "404", "409"} <= set(retry["responses"])


# ------------------------------------------------------------------ the page
def test_the_page_shows_status_attempts_and_the_error(make, web_login, outbox):
    client = web_login(make.admin())
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "recipient refused: 550" in html and "refused@example.org" in html
    assert f'id="mail-{outbox["failed"]}" data-status="failed"' in html
    assert 'href="/admin/mail"' in html  # the nav link
    filtered = client.get("/admin/mail?status=sent").get_data(as_text=True)
    assert "sari@example.org" in filtered and "refused@example.org" not in filtered
    assert client.get("/admin/mail?status=bogus&page=x&to=" + "a" * 300).status_code == 200


def test_the_page_retries_with_csrf(app, make, web_login, outbox):
    client = web_login(make.admin())
    app.config["WTF_CSRF_ENABLED"] = True
    refused = client.post(f"/admin/mail/{outbox['failed']}/retry")
    assert refused.status_code == 400 and row(outbox["failed"]).status == "failed"
    page = client.get("/admin/mail?status=failed").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    resp = client.post(
        f"/admin/mail/{outbox['failed']}/retry", data={"csrf_token": token, "status": "failed"}
    )
    assert resp.status_code == 302 and resp.location.endswith("/admin/mail?status=failed")
    assert row(outbox["failed"]).status == "queued"
    sent = client.post(f"/admin/mail/{outbox['sent']}/retry", data={"csrf_token": token})
    assert sent.status_code == 302
    assert "already sent" in client.get("/admin/mail").get_data(as_text=True)


@pytest.mark.parametrize("role", ["agency", "evaluator", "chair"])
def test_the_page_is_for_admins_only(make, web_login, outbox, client, role):
    assert client.get("/admin/mail").status_code == 302  # to the login page
    web_login(make.user(role))
    assert client.get("/admin/mail").status_code == 403
    assert client.post(f"/admin/mail/{outbox['failed']}/retry").status_code == 403
    assert row(outbox["failed"]).status == "failed"
