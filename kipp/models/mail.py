"""The mail outbox: every mail is a row first, sent afterwards by the workers.

A row is written in the transaction of the change it reports (kipp.mail.outbox.enqueue), with
its subject and both bodies already rendered in the recipient's language, so what is sent never
depends on data that changed later. A worker claims a row with a lease (`lease_until`) before
talking to the SMTP server and marks it `sent` afterwards; a row whose lease expired, or whose
broker message was lost, is sent by the reconciler (workers.mail.reconcile_once).

`key` makes "send once" a database rule: a unique (nullable) column, so two transactions that
both try to announce the same thing cannot both commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime

MAIL_STATUSES = ("queued", "sent", "failed")
# Bounds of the stored values (the outbox refuses longer ones before writing).
MAX_ADDRESS = 254
MAX_KIND = 40
MAX_SUBJECT = 300
MAX_KEY = 200


class Mail(db.Model):
    """One mail to one recipient, queued until the SMTP server accepted it.

    `status`: `queued` (waiting, being sent, or waiting for a retry at `next_attempt_at`),
    `sent` (accepted by the server at `sent_at`), `failed` (refused for good, or retries spent;
    `last_error` says why). `attempts` counts the tries that reached the transport.
    """

    __tablename__ = "mails"
    __table_args__ = (
        CheckConstraint("status IN ('queued','sent','failed')", name="status"),
        Index("ix_mails_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_mails_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column("to_address", String(MAX_ADDRESS), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(MAX_KIND), index=True)
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(MAX_SUBJECT))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    # Stable across retries, so a receiver can recognise the (rare) duplicate delivery.
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a queued mail is due (now at creation; later after a temporary failure).
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    # Send lease: a worker owns the row until then; expired leases are taken over.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(MAX_KEY), unique=True)
