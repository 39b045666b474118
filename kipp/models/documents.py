"""Document jobs (the truth about progress), their leased items, certificates and cached
score-sheet PDFs.

A job is split into items, one per document. A worker leases an item (`lease_until`) before
rendering it; an item whose lease expired is re-queued by the reconciler, and rendering is
idempotent, so a killed worker loses nothing and duplicates nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.entries import Entry
from kipp.models.types import UTCDateTime

JOB_KINDS = ("certificates", "score_sheets")
JOB_STATUSES = ("queued", "running", "done", "failed")
ITEM_STATUSES = ("queued", "leased", "done", "failed")


class DocumentJob(db.Model):
    __tablename__ = "document_jobs"
    __table_args__ = (
        CheckConstraint("kind IN ('certificates','score_sheets')", name="kind"),
        CheckConstraint("status IN ('queued','running','done','failed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[DocumentItem]] = relationship(
        back_populates="job", cascade="all, delete-orphan", order_by="DocumentItem.id"
    )


class DocumentItem(db.Model):
    """One document of a job; `subject_id` is the entry it is about."""

    __tablename__ = "document_items"
    __table_args__ = (
        UniqueConstraint("job_id", "subject_id"),
        CheckConstraint("status IN ('queued','leased','done','failed')", name="status"),
        Index("ix_document_items_job_status", "job_id", "status"),
        Index("ix_document_items_lease", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("document_jobs.id", ondelete="CASCADE"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    job: Mapped[DocumentJob] = relationship(back_populates="items")


class Certificate(db.Model):
    """An award certificate: one per (competition, entry, award). `award` is the entry's
    highest built-in tier (`final` beats `shortlist`: one of those per entry) or an extra award's
    code, whose `label` is kept on the row (None for the built-in tiers).

    `serial` is `KIPP-<year>-<6 digits>`; the public code adds an HMAC check string derived
    from the app's secret, so it is not stored. Issuing is idempotent: the row, its serial and
    its PDF bytes are created once.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("competition_id", "entry_id", "award"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    award: Mapped[str] = mapped_column(String(20))
    label: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    stored_name: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None]
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    entry: Mapped[Entry] = relationship()


class RenderedDocument(db.Model):
    """A cached PDF (score sheet or selection recap) keyed by the hash of its content."""

    __tablename__ = "rendered_documents"
    __table_args__ = (UniqueConstraint("kind", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    meta: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
