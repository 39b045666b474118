"""Real Celery workers send the outbox (`celery -A workers.celery_app worker`, prefork, in
subprocesses, like tests/workers/test_worker_real.py) to a real SMTP server (aiosmtpd).

- Mail goes to the queue `<KIPP_CELERY_QUEUE>.mail`, which a worker started without `-Q` (as
  `make run` starts it) consumes next to the documents queue; a committed mail is delivered
  without anybody calling the worker.
- A worker SIGKILLed while the mail server holds one mail's DATA (the mail is in flight): after a
  second worker starts, every mail is sent, the in-flight one at most twice, no other twice.
- The mail server down, then up: everything queued meanwhile is delivered once.
"""

from __future__ import annotations

import asyncio
import subprocess
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from kipp.documents.celery_app_factory import init_celery
from kipp.extensions import db
from kipp.models.mail import Mail
from tests.mail.conftest import probe
from tests.workers.test_worker_real import BROKERS, CELERY, REPO, Workers, wait_until

MAIL_ENV = {
    "KIPP_MAIL_LEASE_SECONDS": "4",
    "KIPP_MAIL_PATIENCE_SECONDS": "2",
    "KIPP_MAIL_RETRY_SECONDS": "1",
    "KIPP_MAIL_TIMEOUT": "60",
    "KIPP_RECONCILE_SECONDS": "0.5",
}


class MailWorkers(Workers):
    """Workers started without -Q (so on the documents and mail queues of KIPP_CELERY_QUEUE),
    sending to `smtp`."""

    def __init__(self, app, broker_url, tmp_path, smtp):
        super().__init__(app, broker_url, tmp_path, None)
        self.env |= MAIL_ENV | {"KIPP_MAIL_URL": smtp.url, "KIPP_MAIL_FROM": "kipp@kipp.example"}
        app.config.update(KIPP_MAIL_LEASE_SECONDS=4.0, KIPP_MAIL_PATIENCE_SECONDS=2.0)

    def start(self) -> subprocess.Popen:
        n = len(self.procs)
        log_path = self.tmp / f"mail-worker-{n}.log"
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                [CELERY, "-A", "workers.celery_app", "worker", "--pool=prefork"]
                + ["--concurrency=2"]  # no -Q: both queues, as `make run` starts it
                + ["-n", f"{self.queue}-{n}@%h", "--loglevel=INFO"]
                + ["--without-mingle", "--without-gossip", "--without-heartbeat"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append((proc, log_path))
        wait_until(lambda: b" ready." in log_path.read_bytes(), 40, "the worker to start", self)
        return proc


@pytest.fixture
def mail_workers(app, smtp, tmp_path):
    previous = app.extensions.get("celery")
    started = []

    def make(broker: str) -> MailWorkers:
        from tests.workers.test_worker_real import redis_url_or_fail

        url = (
            redis_url_or_fail()
            if broker == "redis"
            else (f"sqla+sqlite:///{tmp_path / 'mail-broker.sqlite3'}")
        )
        workers = MailWorkers(app, url, tmp_path, smtp)
        started.append(workers)
        return workers

    yield make
    for workers in started:
        workers.stop_all()
    app.extensions.pop("celery", None)
    if previous is not None:
        app.extensions["celery"] = previous
        previous.set_default()
    else:
        init_celery(app)


def statuses() -> dict[str, int]:
    rows = db.session.execute(select(Mail.status, func.count()).group_by(Mail.status)).all()
    db.session.commit()
    return dict(rows)


def all_sent(n: int):
    return lambda: statuses() == {"sent": n}


def deliveries(smtp) -> Counter:
    return Counter(rcpt for m in smtp.messages for rcpt in m.rcpt_tos)


@pytest.mark.parametrize("broker", BROKERS)
def test_a_committed_mail_is_delivered_by_a_worker_on_the_mail_queue(mail_workers, smtp, broker):
    workers = mail_workers(broker)
    workers.start()
    ids = [probe(to=f"user{k}@example.org") for k in range(6)]
    wait_until(all_sent(6), 30, "the mails to be sent", workers)
    assert deliveries(smtp) == Counter({f"user{k}@example.org": 1 for k in range(6)})
    assert f"{workers.queue}.mail" in workers.logs()
    assert {db.session.get(Mail, i).attempts for i in ids} == {1}


@pytest.mark.parametrize("broker", BROKERS)
def test_a_worker_killed_mid_send_duplicates_at_most_the_mail_in_flight(mail_workers, smtp, broker):
    hold, holding = threading.Event(), threading.Event()
    original = smtp.inbox.handle_DATA

    async def slow_data(server, session, envelope):
        """The first mail to hang@…: the server has its DATA (and keeps it, as a real server
        that delivers anyway would) but does not answer until released."""
        result = await original(server, session, envelope)
        if "hang@example.org" in envelope.rcpt_tos and not holding.is_set():
            holding.set()
            while not hold.is_set():
                await asyncio.sleep(0.05)
        return result

    smtp.inbox.handle_DATA = slow_data
    workers = mail_workers(broker)
    first = workers.start()
    for k in range(8):
        probe(to=f"before{k}@example.org")
    wait_until(all_sent(8), 30, "the first mails", workers)
    in_flight = probe(to="hang@example.org")
    wait_until(holding.is_set, 30, "the mail in flight", workers)
    workers.kill(first)
    hold.set()
    assert db.session.get(Mail, in_flight).worker is not None  # leased by the dead worker
    db.session.commit()
    for k in range(5):  # queued while no worker runs
        probe(to=f"after{k}@example.org")
    workers.start()
    wait_until(all_sent(14), 45, "every mail after the kill", workers)
    counts = deliveries(smtp)
    assert counts.pop("hang@example.org") == 2  # the one in flight, delivered again
    assert counts == Counter(
        {f"before{k}@example.org": 1 for k in range(8)}
        | {f"after{k}@example.org": 1 for k in range(5)}
    )
    mail = db.session.get(Mail, in_flight)
    assert (mail.status, mail.attempts) == ("sent", 2)


def test_smtp_down_then_up_delivers_everything_once(mail_workers, smtp):
    smtp.stop()
    workers = mail_workers(BROKERS[-1])
    workers.start()
    ids = [probe(to=f"late{k}@example.org") for k in range(5)]
    wait_until(
        lambda: all((db.session.get(Mail, i).attempts or 0) >= 1 for i in ids) or None,
        30,
        "the first attempts",
        workers,
    )
    db.session.commit()
    assert statuses().get("sent", 0) == 0
    smtp.start()
    wait_until(all_sent(5), 45, "the mails once the server is back", workers)
    assert deliveries(smtp) == Counter({f"late{k}@example.org": 1 for k in range(5)})
