"""Innovation entries, their attachments and screening decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.agencies import Agency
from kipp.models.competitions import Competition
from kipp.models.types import UTCDateTime
from kipp.models.users import User

ENTRY_STATUSES = ("draft", "submitted", "eligible", "ineligible", "disqualified")
ATTACHMENT_KINDS = ("decree", "replication_statement", "evidence", "other")
# API v1.1 § Replication lineage: adopted whole, adapted, or modified.
REPLICATION_TYPES = ("adopsi", "adaptasi", "modifikasi")


class Entry(db.Model):
    __tablename__ = "entries"
    __table_args__ = (
        Index("ix_entries_competition_status", "competition_id", "status"),
        Index("ix_entries_agency_group", "agency_id", "group", "status"),
        CheckConstraint(
            "status IN ('draft','submitted','eligible','ineligible','disqualified')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    title: Mapped[str] = mapped_column(String(300))
    group: Mapped[str] = mapped_column(String(30))
    category: Mapped[str | None] = mapped_column(String(100))
    summary: Mapped[str] = mapped_column(Text, default="")
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    started_on: Mapped[date | None] = mapped_column(Date)
    video_url: Mapped[str | None] = mapped_column(String(500))
    replicates: Mapped[str | None] = mapped_column(String(500))
    replication_type: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screening_reasons: Mapped[list | None] = mapped_column(JSON)
    screening_note: Mapped[str | None] = mapped_column(Text)
    screened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    screened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    competition: Mapped[Competition] = relationship()
    agency: Mapped[Agency] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="Attachment.id"
    )

    __mapper_args__ = {"version_id_col": version}

    # The innovation directory (kipp/directory): the agency's consent to list a non-winning
    # eligible entry once its year is awarded, and the public innovation it replicates.
    public: Mapped[bool] = mapped_column(default=False)
    replicates_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("entries.id", ondelete="SET NULL"), index=True
    )
    replication_notes: Mapped[str | None] = mapped_column(Text)

    # Drafting units: the account that created the entry (a `drafter` of the agency, or the
    # agency account itself). A drafter reads and edits only the entries it drafted; NULL for
    # entries created before drafting units existed.
    drafted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    drafted_by: Mapped[User | None] = relationship(foreign_keys=[drafted_by_id])


class Attachment(db.Model):
    """A PDF stored under a random name in KIPP_STORAGE_DIR; `filename` is for display only."""

    __tablename__ = "attachments"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('decree','replication_statement','evidence','other')", name="kind"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    entry: Mapped[Entry] = relationship(back_populates="attachments")
