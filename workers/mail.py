"""Mail tasks: thin and idempotent; the rules live in `kipp.mail.sending`.

`send_mail(mail_id)` claims the mail's send lease, hands it to the mail server and records the
outcome (sent, retry later, failed). Running it twice, late, or for a mail another worker holds
sends nothing twice. Mail travels on its own queue, `<KIPP_CELERY_QUEUE>.mail`, so a long
document job never holds up a password reset; a worker started without `-Q` consumes both
queues (`kipp.queues`).

`reconcile_once()` is the mail part of the reconciler loop every worker runs (see
workers.celery_app): due queued mails whose broker message was lost (broker down at commit,
worker killed mid-send, a retry whose wait is over) are handed to the mail queue again.
"""

from __future__ import annotations

import logging

from celery import shared_task
from flask import current_app

from kipp.mail import sending
from kipp.mail.outbox import SEND_MAIL, send_later
from workers.documents import worker_name

log = logging.getLogger(__name__)


@shared_task(
    bind=True, name=SEND_MAIL, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def send_mail(self, mail_id: int) -> str:
    """Send outbox mail `mail_id` if it is still ours to send; returns the outcome."""
    outcome = sending.send_one(mail_id, worker_name(self.request.id))
    if outcome in ("retry", "failed"):
        log.warning("mail %s: %s", mail_id, outcome)
    return outcome


def reconcile_once() -> list[int]:
    """One mail reconciler pass (needs an app context); returns the ids handed out again."""
    ids = sending.reconcile()
    if ids:
        log.warning("mail: handing %d queued mail(s) to the workers again", len(ids))
    app = current_app._get_current_object()
    for mail_id in ids:
        send_later(mail_id, app)
    return ids
