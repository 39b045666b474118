"""kipp.mail.outbox.enqueue: a row in the caller's transaction, rendered in the recipient's
language, handed to the mail queue only after the commit, and once per key."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from kipp import dispatch
from kipp.errors import ValidationFailed
from kipp.extensions import db
from kipp.mail.links import public_url
from kipp.mail.outbox import enqueue, send_later
from kipp.models.mail import Mail
from tests.helpers import count
from tests.mail.conftest import probe


def test_enqueue_writes_a_rendered_queued_row_in_the_callers_transaction(app):
    app.config["KIPP_PUBLIC_BASE_URL"] = "https://kipp.example.go.id/"
    mail = enqueue(
        "probe", to=" Sari@Example.ORG ", language="en", context={"name": "Sari", "link": "/x/1"}
    )
    assert mail.id is not None  # flushed
    assert (mail.status, mail.attempts, mail.to, mail.kind) == (
        "queued",
        0,
        "Sari@example.org",
        "probe",
    )
    assert mail.subject == "Log in: Sari"
    assert "https://kipp.example.go.id/x/1" in mail.text_body
    assert 'href="https://kipp.example.go.id/x/1"' in mail.html_body
    assert mail.message_id.startswith("<") and mail.message_id.endswith("@localhost>")
    assert [fn for fn, _args in dispatch.pending(db.session)] == [send_later]
    db.session.rollback()
    assert count(Mail) == 0
    assert dispatch.pending(db.session) == []


def test_mail_is_written_in_the_recipients_language(app):
    id_ = db.session.get(Mail, probe(language="id"))
    en = db.session.get(Mail, probe(language="en"))
    assert id_.subject == "Masuk: Sari" and id_.language == "id"
    assert "Kata sandi" in id_.text_body and "Kata sandi" in id_.html_body
    assert '<html lang="id">' in id_.html_body
    assert en.subject == "Log in: Sari" and "Password" in en.text_body
    unknown = db.session.get(Mail, probe(language="fr"))
    assert unknown.language == app.config["BABEL_DEFAULT_LOCALE"]


def test_html_body_escapes_the_context_and_text_body_does_not(app):
    mail = db.session.get(Mail, probe(name="<b>Ani & Co</b>"))
    assert "&lt;b&gt;Ani &amp; Co&lt;/b&gt;" in mail.html_body
    assert "<b>Ani & Co</b>" in mail.text_body


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "no-at-sign",
        "a@b@c.org",
        "a b@c.org",
        "a@c.org\r\nBcc: x@y.org",
        "<a@c.org>",
        "a@c.org, b@c.org",
        "a@-c.org",
        "a@c..org",
        "ä@c.org",
        "a" * 65 + "@c.org",
        ".a@c.org",
        "a@" + "c" * 250 + ".org",
        "a@c.org;b@d.org",
        "a\x00@c.org",
    ],
)
def test_an_invalid_address_is_refused_and_nothing_is_written(app, bad):
    with pytest.raises(ValidationFailed) as refused:
        enqueue("probe", to=bad, language="en", context={"name": "x", "link": "/"})
    assert "email" in refused.value.errors
    db.session.commit()
    assert count(Mail) == 0


def test_a_key_sends_once(app):
    first = probe(key="probe:1")
    assert first is not None
    assert probe(key="probe:1") is None
    assert probe(key="probe:2") is not None
    assert count(Mail) == 2


def test_a_key_taken_by_a_concurrent_transaction_adds_nothing_and_keeps_the_callers_work(app):
    """Simulates the loser of a race: the check before the insert saw no row, the insert hits
    the unique index; the savepoint rolls back only the mail."""
    other = Mail(
        to="x@example.org",
        kind="probe",
        language="en",
        subject="s",
        text_body="t",
        html_body="h",
        message_id="<m@x>",
        key="race:1",
    )
    db.session.add(other)
    db.session.flush()
    db.session.expunge(other)  # the pre-check cannot see it through the identity map...
    from unittest import mock

    with mock.patch.object(db.session, "scalar", return_value=None):  # ...nor by query
        assert (
            enqueue(
                "probe",
                to="a@example.org",
                language="en",
                context={"name": "x", "link": "/"},
                key="race:1",
            )
            is None
        )
    mine = probe(to="b@example.org")
    db.session.commit()
    assert count(Mail) == 2 and db.session.get(Mail, mine).to == "b@example.org"


def test_subject_is_one_line_whatever_the_context(app):
    mail = db.session.get(Mail, probe(name="Sari\r\nBcc: victim@example.org\n\tX-Evil: 1"))
    assert "\r" not in mail.subject and "\n" not in mail.subject and "\t" not in mail.subject
    assert mail.subject == "Log in: Sari Bcc: victim@example.org X-Evil: 1"


def test_public_url_joins_the_base_and_needs_a_path(app):
    app.config["KIPP_PUBLIC_BASE_URL"] = "https://kipp.example.go.id/"
    assert public_url("/account/setup/abc") == "https://kipp.example.go.id/account/setup/abc"
    with pytest.raises(ValueError):
        public_url("account")


def test_a_broker_failure_after_commit_leaves_the_mail_queued(app, monkeypatch):
    def broken(*a, **kw):
        raise ConnectionError("broker down")

    monkeypatch.setattr(app.extensions["celery"], "send_task", broken)
    mail_id = probe()
    mail = db.session.scalar(select(Mail).where(Mail.id == mail_id))
    assert mail.status == "queued"


def test_two_transactions_racing_for_one_key_create_one_mail(app, is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def one() -> None:
        try:
            with app.app_context():
                db.session.execute(select(1))
                barrier.wait(10)
                mail = enqueue(
                    "probe",
                    to="a@example.org",
                    language="en",
                    context={"name": "x", "link": "/"},
                    key="race:2",
                )
                time.sleep(0.3)  # hold the row (or the wait for it) open: both overlap
                db.session.commit()
                outcomes.append(mail is not None)
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(outcomes) == [False, True]
    assert count(Mail) == 1
