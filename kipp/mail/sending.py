"""How the workers send the outbox: claim with a lease, deliver, record the outcome.

A queued row carries `next_attempt_at` (when it is due) and `lease_until`, whose meaning
depends on `worker`:
- `worker` empty: a pickup deadline. A broker message for the row is on its way; any worker
  receiving one may claim the row. When the deadline passes with the row still queued, the
  message is presumed lost and the reconciler sends another.
- `worker` set: a send lease. That worker is talking to the mail server; nobody else claims
  the row until the lease expires (the worker was killed or hung), then the reconciler sends
  it again.

Guarantees (delivery is at least once; only a mail in flight can be delivered twice)
- `claim` is one conditional UPDATE, committed before the mail server hears anything: of any
  number of workers holding messages for one row, one sends it.
- A mail is marked `sent` only after the server accepted it; a worker killed between the two
  leaves the row leased, and it is sent again once the lease expires. No other row is
  affected, and the Message-ID is the same both times.
- Temporary failures (server down, 4xx) leave the row queued with an exponential backoff
  (KIPP_MAIL_RETRY_SECONDS, doubled per attempt, at most 6 hours) until KIPP_MAIL_MAX_ATTEMPTS
  tries were made, then `failed`; a permanent refusal (5xx) is `failed` at once. `last_error`
  says why.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select, update

from kipp.clock import now
from kipp.extensions import db
from kipp.mail import transport
from kipp.models.mail import Mail

BACKOFF_MAX = timedelta(hours=6)
RECONCILE_BATCH = 500
_FIELDS = ("id", "to", "kind", "language", "subject", "text_body", "html_body", "message_id")


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=float(current_app.config[name]))


def patience() -> timedelta:
    return _seconds("KIPP_MAIL_PATIENCE_SECONDS")


def lease() -> timedelta:
    return _seconds("KIPP_MAIL_LEASE_SECONDS")


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: base, 2×base, 4×base, … at most 6 hours."""
    base = _seconds("KIPP_MAIL_RETRY_SECONDS")
    return min(base * 2 ** max(0, min(attempts - 1, 30)), BACKOFF_MAX)


def _claimable(t):
    free = Mail.worker.is_(None) | Mail.lease_until.is_(None) | (Mail.lease_until < t)
    return (Mail.status == "queued") & (Mail.next_attempt_at <= t) & free


def claim(mail_id: int, worker: str) -> SimpleNamespace | None:
    """Take the send lease of a due queued mail and commit; a snapshot of what to send, or
    None when the row is not ours to send (sent, failed, not due, or leased by another)."""
    t = now()
    claimed = db.session.execute(
        update(Mail)
        .where(Mail.id == mail_id, _claimable(t))
        .values(worker=worker, lease_until=t + lease(), attempts=Mail.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    mail = db.session.get(Mail, mail_id, populate_existing=True)
    snapshot = SimpleNamespace(**{f: getattr(mail, f) for f in _FIELDS}, attempts=mail.attempts)
    db.session.commit()  # no transaction stays open while the mail server is slow
    return snapshot


def _finish(mail_id: int, **values) -> None:
    db.session.execute(
        update(Mail)
        .where(Mail.id == mail_id, Mail.status == "queued")
        .values(lease_until=None, worker=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_one(mail_id: int, worker: str) -> str:
    """Claim and send one mail; returns `sent`, `retry`, `failed` or `skipped`."""
    mail = claim(mail_id, worker)
    if mail is None:
        return "skipped"
    config = current_app.config
    try:
        transport.deliver(
            mail, config["KIPP_MAIL_URL"], config["KIPP_MAIL_FROM"], config["KIPP_MAIL_TIMEOUT"]
        )
    except transport.TemporaryFailure as exc:
        if mail.attempts >= int(config["KIPP_MAIL_MAX_ATTEMPTS"]):
            _finish(mail_id, status="failed", last_error=str(exc))
            return "failed"
        _finish(mail_id, last_error=str(exc), next_attempt_at=now() + backoff(mail.attempts))
        return "retry"
    except (transport.PermanentFailure, ValueError) as exc:  # ValueError: a bad header
        _finish(mail_id, status="failed", last_error=transport.short(str(exc)))
        return "failed"
    _finish(mail_id, status="sent", sent_at=now(), last_error=None)
    return "sent"


def reconcile(limit: int = RECONCILE_BATCH) -> list[int]:
    """Repair the outbox and commit; returns the ids to hand to the mail queue again.

    Due queued rows without a live lease or pickup deadline (a lost message, a killed worker,
    a retry whose wait is over) get a new pickup deadline. Rows whose worker died on the last
    allowed attempt end `failed`. Safe on several workers at once (conditional UPDATEs)."""
    t = now()
    stale = Mail.lease_until.is_(None) | (Mail.lease_until < t)
    due = (Mail.status == "queued") & (Mail.next_attempt_at <= t) & stale
    spent = Mail.worker.is_not(None) & (
        Mail.attempts >= current_app.config["KIPP_MAIL_MAX_ATTEMPTS"]
    )
    db.session.execute(
        update(Mail)
        .where(due, spent)
        .values(status="failed", lease_until=None, worker=None, last_error=WORKER_LOST)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(select(Mail.id).where(due).order_by(Mail.id).limit(limit)))
    taken = []
    if ids:
        taken = list(
            db.session.scalars(
                update(Mail)
                .where(Mail.id.in_(ids), due)
                .values(lease_until=t + patience(), worker=None)
                .returning(Mail.id)
                .execution_options(synchronize_session=False)
            )
        )
    db.session.commit()
    return sorted(taken)


WORKER_LOST = "the worker stopped while sending, on the last allowed attempt"
