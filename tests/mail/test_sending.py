"""Sending through a real SMTP server (aiosmtpd on loopback): what arrives, retries with
backoff while the server is down, refusals, the reconciler, and the worker task in-process."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import select

from kipp.clock import now
from kipp.extensions import db
from kipp.mail import sending
from kipp.models.mail import Mail
from tests.mail.conftest import free_port, probe
from workers.mail import reconcile_once


def row(mail_id: int) -> Mail:
    db.session.expire_all()
    mail = db.session.get(Mail, mail_id)
    db.session.commit()
    return mail


def test_a_mail_arrives_with_recipient_language_link_and_both_bodies(app, smtp):
    app.config["KIPP_PUBLIC_BASE_URL"] = "https://kipp.example.go.id"
    mail_id = probe(to="sari@example.org", language="id", link="/entries/42")
    assert sending.send_one(mail_id, "test") == "sent"
    [got] = smtp.messages
    assert got.rcpt_tos == ["sari@example.org"] and got.mail_from == "kipp@kipp.example"
    msg = got.message
    assert msg["To"] == "sari@example.org" and msg["From"] == "KIPP <kipp@kipp.example>"
    assert msg["Subject"] == "Masuk: Sari" and msg["Content-Language"] == "id"
    assert msg["Message-ID"] == row(mail_id).message_id and msg["Date"]
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Kata sandi — Sari" in text and "https://kipp.example.go.id/entries/42" in text
    assert 'href="https://kipp.example.go.id/entries/42"' in html
    mail = row(mail_id)
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 1, None)
    assert mail.sent_at is not None and mail.worker is None and mail.lease_until is None


def test_sending_twice_sends_once(app, smtp):
    mail_id = probe()
    assert sending.send_one(mail_id, "a") == "sent"
    assert sending.send_one(mail_id, "b") == "skipped"
    assert len(smtp.messages) == 1


def test_a_mail_leased_by_another_worker_is_not_sent(app, smtp):
    mail_id = probe()
    assert sending.claim(mail_id, "other") is not None
    assert sending.send_one(mail_id, "me") == "skipped"
    assert smtp.messages == []


def test_smtp_down_then_up_delivers_everything_once(app, smtp):
    app.config.update(KIPP_MAIL_RETRY_SECONDS=60, KIPP_MAIL_MAX_ATTEMPTS=5)
    smtp.stop()
    ids = [probe(to=f"user{k}@example.org") for k in range(5)]
    start = now()
    with time_machine.travel(start, tick=False):
        assert [sending.send_one(i, "w") for i in ids] == ["retry"] * 5
        assert reconcile_once() == []  # nothing due during the backoff
    mails = [row(i) for i in ids]
    assert {(m.status, m.attempts) for m in mails} == {("queued", 1)}
    assert all("Connection refused" in m.last_error or "Errno" in m.last_error for m in mails)
    assert {m.next_attempt_at for m in mails} == {start + timedelta(seconds=60)}
    smtp.start()
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert reconcile_once() == ids  # handed to the mail queue again
        # the broker messages go to the sqla broker; run them here as a worker would
        assert [sending.send_one(i, "w") for i in ids] == ["sent"] * 5
        assert [sending.send_one(i, "w") for i in ids] == ["skipped"] * 5
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == [
        f"user{k}@example.org" for k in range(5)
    ]
    assert {(row(i).status, row(i).attempts) for i in ids} == {("sent", 2)}


def test_backoff_doubles_and_the_last_attempt_fails(app, smtp):
    app.config.update(KIPP_MAIL_RETRY_SECONDS=10, KIPP_MAIL_MAX_ATTEMPTS=3)
    smtp.stop()
    mail_id = probe()
    t = now()
    waits = []
    for _ in range(2):
        with time_machine.travel(t, tick=False):
            assert sending.send_one(mail_id, "w") == "retry"
        waits.append(row(mail_id).next_attempt_at - t)
        t = row(mail_id).next_attempt_at
    assert waits == [timedelta(seconds=10), timedelta(seconds=20)]
    with time_machine.travel(t, tick=False):
        assert sending.send_one(mail_id, "w") == "failed"
    mail = row(mail_id)
    assert (mail.status, mail.attempts) == ("failed", 3) and mail.last_error


def test_backoff_is_capped():
    from flask import Flask

    app = Flask(__name__)
    app.config["KIPP_MAIL_RETRY_SECONDS"] = 60
    with app.app_context():
        assert sending.backoff(1) == timedelta(seconds=60)
        assert sending.backoff(4) == timedelta(seconds=480)
        assert sending.backoff(40) == timedelta(hours=6)


def test_a_refused_recipient_fails_at_once_with_the_servers_answer(app, smtp):
    mail_id = probe(to="refused@example.org")
    assert sending.send_one(mail_id, "w") == "failed"
    mail = row(mail_id)
    assert (mail.status, mail.attempts) == ("failed", 1)
    assert mail.last_error.startswith("recipient refused: 550")
    assert "User unknown" in mail.last_error
    assert smtp.messages == []


def test_a_temporary_refusal_is_retried(app, smtp):
    mail_id = probe(to="busy@example.org")
    assert sending.send_one(mail_id, "w") == "retry"
    mail = row(mail_id)
    assert mail.status == "queued" and mail.last_error.startswith("recipient refused: 451")


def test_a_connection_timeout_is_temporary(app):
    app.config.update(KIPP_MAIL_URL="smtp://10.255.255.1:25", KIPP_MAIL_TIMEOUT=0.2)
    mail_id = probe()
    assert sending.send_one(mail_id, "w") == "retry"
    assert row(mail_id).status == "queued"


def test_starttls_refused_by_the_server_is_temporary(app, smtp):
    app.config["KIPP_MAIL_URL"] = smtp.url + "?starttls=1"
    mail_id = probe()
    assert sending.send_one(mail_id, "w") == "retry"
    assert "STARTTLS" in row(mail_id).last_error
    assert smtp.messages == []


def test_the_reconciler_resends_lost_messages_and_expired_leases_only(app, smtp):
    app.config.update(KIPP_MAIL_PATIENCE_SECONDS=60, KIPP_MAIL_LEASE_SECONDS=300)
    lost, leased, fresh, sent = (probe(to=f"u{k}@example.org") for k in range(4))
    assert sending.claim(leased, "killed-worker") is not None
    assert sending.send_one(sent, "w") == "sent"
    t = now()
    with time_machine.travel(t + timedelta(seconds=30), tick=False):
        assert reconcile_once() == []  # messages may still be on their way
    with time_machine.travel(t + timedelta(seconds=61), tick=False):
        fresh_now = probe(to="late@example.org")
        assert reconcile_once() == [lost, fresh]  # pickup deadline over; the lease still runs
        assert reconcile_once() == []  # new pickup deadline
    with time_machine.travel(t + timedelta(seconds=301), tick=False):
        # the lease is over; so are the second pickup deadlines (t + 121 s)
        assert reconcile_once() == [lost, leased, fresh, fresh_now]
        assert row(leased).worker is None
        assert sending.send_one(leased, "w") == "sent"
    assert [m.rcpt_tos for m in smtp.messages] == [["u3@example.org"], ["u1@example.org"]]


def test_a_worker_lost_on_the_last_attempt_ends_failed(app, smtp):
    app.config.update(KIPP_MAIL_MAX_ATTEMPTS=1, KIPP_MAIL_LEASE_SECONDS=10)
    mail_id = probe()
    assert sending.claim(mail_id, "killed-worker") is not None
    with time_machine.travel(now() + timedelta(seconds=11), tick=False):
        assert reconcile_once() == []
    mail = row(mail_id)
    assert mail.status == "failed" and "worker stopped" in mail.last_error


def test_the_task_sends_through_the_celery_app(app, smtp):
    import workers.mail  # noqa: F401  (registers the task)

    mail_id = probe()
    task = app.extensions["celery"].tasks["workers.mail.send_mail"]
    assert task(mail_id) == "sent"
    assert task(mail_id) == "skipped"
    assert len(smtp.messages) == 1


def test_an_unused_port_is_a_temporary_failure(app):
    app.config["KIPP_MAIL_URL"] = f"smtp://127.0.0.1:{free_port()}"
    mail_id = probe()
    assert sending.send_one(mail_id, "w") == "retry"
    assert db.session.scalar(select(Mail.status).where(Mail.id == mail_id)) == "queued"
