"""Every mail kind through a real SMTP server (aiosmtpd on loopback), as issue 12 asks: each
is caused by its real flow (an API call or the service a page calls), sent by
`kipp.mail.sending.send_one` as a worker sends it, and arrives at the right recipient, in their
language (header and words), with an absolute link built from KIPP_PUBLIC_BASE_URL to the page
concerned (in the plain text and as the HTML's href), and with its content."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from flask_babel import refresh
from sqlalchemy import select

from kipp.accounts import links
from kipp.clock import now
from kipp.documents import certificates, codes
from kipp.extensions import db
from kipp.mail import notices, sending
from kipp.mail.reminders import send_due
from kipp.models import User
from kipp.models.mail import Mail
from kipp.publication import objections
from kipp.screening.services import screen
from tests.publication.fixtures import ANSWER, shortlist_world, submit
from tests.services.judging_fixtures import evaluation_setup
from tests.workers.test_render_world import build_world

BASE = "https://kipp.example.go.id"
A = "/api/v1"


def deliver(smtp, kind: str) -> dict:
    """Send every queued mail of `kind` as a worker does; {recipient: what the server got}.
    Fails unless each was accepted and each recipient got exactly one."""
    rows = db.session.scalars(select(Mail).where(Mail.kind == kind).order_by(Mail.id)).all()
    ids, message_ids = [m.id for m in rows], {m.message_id for m in rows}
    db.session.commit()
    assert ids, f"no {kind} mail was queued"
    assert [sending.send_one(i, "test-worker") for i in ids] == ["sent"] * len(ids)
    got: dict = {}
    for received in smtp.messages:
        if received.message["Message-ID"] in message_ids:
            [rcpt] = received.rcpt_tos
            assert rcpt not in got, f"two {kind} mails to {rcpt}"
            got[rcpt] = received
    assert len(got) == len(ids)
    return got


def check(received, to: str, language: str, link: str, *content: str) -> tuple[str, str]:
    """Recipient, language, link and content of one delivered mail; (text, html) for more."""
    msg = received.message
    assert received.rcpt_tos == [to] and msg["To"] == to
    assert msg["Content-Language"] == language
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert f'<html lang="{language}">' in html
    assert link.startswith(BASE + "/"), link
    assert link in text, text
    assert f'href="{link}' in html, html
    for snippet in content:
        assert snippet in text, (snippet, text)
    return text, html


def set_locale(user: User, locale: str | None) -> User:
    user.locale = locale
    db.session.commit()
    return user


def test_invitation_and_password_reset(app, smtp, make, api):
    app.config.update(KIPP_PUBLIC_BASE_URL=BASE + "/", KIPP_RESET_ANSWER_SECONDS=0)
    admin = api(make.admin())
    for email, extra in (("rina@example.id", {"locale": "en"}), ("budi@example.id", {})):
        body = {"email": email, "name": email.split("@")[0].title(), "role": "evaluator"}
        assert admin.post(f"{A}/users", json=body | extra).status_code == 201
    got = deliver(smtp, "invitation")
    text, _html = check(got["rina@example.id"], "rina@example.id", "en", BASE + "/account/setup/")
    assert got["rina@example.id"].message["Subject"] == "Your KIPP account: set your password"
    assert "Hello Rina," in text and "The link works once and for 72 hours." in text
    text, _html = check(got["budi@example.id"], "budi@example.id", "id", BASE + "/account/setup/")
    assert got["budi@example.id"].message["Subject"] == "Akun KIPP Anda: tetapkan kata sandi"
    assert "72 jam" in text
    for rcpt, received in got.items():  # the mailed link is the one that works
        token = _token(received, "/account/setup/")
        assert links.find(token, "invitation").user.email == rcpt

    agency = set_locale(make.user("agency"), "id")
    assert api().post(f"{A}/auth/password-reset", json={"email": agency.email}).status_code == 202
    [(rcpt, received)] = deliver(smtp, "password_reset").items()
    text, _html = check(received, agency.email, "id", BASE + "/account/reset/", "1 jam")
    assert received.message["Subject"] == "Atur ulang kata sandi KIPP Anda"
    assert links.find(_token(received, "/account/reset/"), "reset").user_id == agency.id


def _token(received, path: str) -> str:
    text = received.message.get_body(("plain",)).get_content()
    return text.split(BASE + path, 1)[1].split()[0]


def test_assignment(app, smtp, make, api):
    app.config["KIPP_PUBLIC_BASE_URL"] = BASE
    w = evaluation_setup(make, n_entries=2, n_reviewers=2)
    english = set_locale(w.reviewers[0], "en")
    for entry, reviewer in ((w.entries[0], english), (w.entries[1], w.reviewers[1])):
        body = {"entry_id": entry.id, "user_id": reviewer.id, "round": "evaluation"}
        assert api(w.admin).post(f"{A}/assignments", json=body).status_code == 201
    got = deliver(smtp, "assignment")
    first, second = w.entries
    text, _html = check(
        got[english.email], english.email, "en", f"{BASE}/panel/", f"Proposal #{first.id}: "
    )
    assert first.title in text and second.title not in text and w.comp.name in text
    assert got[english.email].message["Subject"].startswith("KIPP: 1 new entry to review")
    other = w.reviewers[1].email
    text, _html = check(got[other], other, "id", f"{BASE}/panel/", f"Usulan #{second.id}: ")
    assert first.title not in text


def test_deadline_reminder(app, smtp, make):
    app.config["KIPP_PUBLIC_BASE_URL"] = BASE
    closes = (now() + timedelta(days=30)).replace(microsecond=0)
    comp = make.competition(opens=now() - timedelta(days=1), closes=closes)
    user = set_locale(make.user("agency"), "en")
    draft = make.entry(comp, user, title="Inovasi Belum Lengkap", summary="")
    db.session.commit()
    with time_machine.travel(closes - timedelta(hours=3), tick=False):
        assert send_due() == 1
        db.session.commit()
        got = deliver(smtp, "deadline_reminder")
    edit = f"{BASE}/agency/entries/{draft.id}/edit"
    text, html = check(
        got[user.email],
        user.email,
        "en",
        f"{BASE}/agency/#competition-{comp.id}",
        f"Proposal #{draft.id}: Inovasi Belum Lengkap",
        "Write the summary.",
        edit,
    )
    assert f'href="{edit}"' in html
    assert got[user.email].message["Subject"] == (
        f"KIPP: 3 hours 0 minutes left to submit to {comp.name}"
    )


def test_screening_result(app, smtp, make, api):
    app.config["KIPP_PUBLIC_BASE_URL"] = BASE
    comp = make.competition(stage="screening")
    admin = make.admin()
    english = set_locale(make.user("agency"), "en")
    colleague = make.user("agency", agency=english.agency)
    passed = make.entry(comp, english, status="submitted", title="Inovasi Lolos")
    failed = make.entry(comp, english, status="submitted", title="Inovasi Gagal")
    screen(admin, passed, "pass")
    screen(admin, failed, "fail", ["off_theme"], "Catatan sekretariat.")
    db.session.commit()
    resp = api(admin).post(f"{A}/competitions/{comp.id}/stage", json={"to": "evaluation"})
    assert resp.status_code == 200, resp.get_json()
    got = deliver(smtp, "screening_result")
    link = f"{BASE}/agency/#competition-{comp.id}"
    check(
        got[english.email],
        english.email,
        "en",
        link,
        "Passed: 1; did not pass: 1.",
        f"Proposal #{failed.id}: Inovasi Gagal",
        "Off the competition's theme",
        "Catatan sekretariat.",
    )
    check(
        got[colleague.email],
        colleague.email,
        "id",
        link,
        "Tidak sesuai tema/kategori kompetisi",
        f"#{passed.id}: Inovasi Lolos",
    )


def test_certificate_ready(app, smtp, make):
    app.config["KIPP_PUBLIC_BASE_URL"] = BASE
    w = build_world(make)
    set_locale(w.owner_a, "en")
    cert = certificates.issue_certificate(w.a1.id)
    db.session.commit()
    [(rcpt, received)] = deliver(smtp, "certificate_ready").items()
    code = codes.public_code(cert.serial)
    check(
        received,
        w.owner_a.email,
        "en",
        f"{BASE}/agency/certificates",
        w.a1.title,
        code,
        f"{BASE}/verify/{code}",
    )


def test_selection_result_and_objections(app, smtp, make, api):
    app.config["KIPP_PUBLIC_BASE_URL"] = BASE
    pw = shortlist_world(make)
    page = BASE + notices.path_for("public.selection", selection_id=pw.sel.id)
    got = deliver(smtp, "selection_result")
    # one agency per entry: the Top 3 are on the list, the three others the round ranked are not
    owners = {u.email: u for u in pw.w.owners}
    assert set(got) == set(owners)
    dashboard = BASE + notices.path_for("agency.dashboard") + f"#competition-{pw.comp.id}"
    for n, (rcpt, received) in enumerate(sorted(got.items(), key=lambda i: owners[i[0]].id)):
        entry = next(e for e in pw.entries if e.agency_id == owners[rcpt].agency_id)
        text, _html = check(received, rcpt, "id", page, entry.title, pw.comp.name, dashboard)
        on_list = "Inovasi Anda yang masuk daftar:" in text
        assert on_list == (n < 3), text
        assert ("Inovasi Anda yang tidak masuk daftar:" in text) == (n >= 3), text
        assert ("masuk Top 3" in received.message["Subject"]) == on_list

    body = {
        "entry_id": pw.entries[0].id,
        "name": "Warga Peduli",
        "email": "warga@example.org",
        "statement": "Inovasi ini sudah pernah menang pada tahun sebelumnya dengan nama lain.",
    }
    resp = api().post(f"{A}/public/selections/{pw.sel.id}/objections?lang=en", json=body)
    assert resp.status_code == 201, resp.get_json()
    reference = resp.get_json()["reference"]
    [(rcpt, received)] = deliver(smtp, "objection_received").items()
    check(received, "warga@example.org", "en", page, reference, pw.entries[0].title)
    assert reference in received.message["Subject"]

    refresh()  # the test client's request shared this app context and its cached locale
    indonesian = submit(pw, email="tetangga@example.org", ip="198.51.100.9")
    objections.decide(pw.admin, indonesian, "dismiss", ANSWER)
    db.session.commit()
    [(rcpt, received)] = deliver(smtp, "objection_decided").items()
    check(received, "tetangga@example.org", "id", page, indonesian.reference, ANSWER)
    assert received.message["Subject"] == f"KIPP: jawaban atas sanggahan {indonesian.reference}"
