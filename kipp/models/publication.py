"""Published selections: objections, decrees and amendments (masa sanggah).

Invariants in the schema: an objection's reference is unique; its status is received, upheld
or dismissed, and a decided one carries its answer, time and decider; an amendment belongs to
one selection and records the entries it removed and added with the new snapshot hash.
The publication and decree columns themselves live on `kipp.models.judging.Selection`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.entries import Entry
from kipp.models.judging import Selection
from kipp.models.types import UTCDateTime

OBJECTION_STATUSES = ("received", "upheld", "dismissed")

DECIDED_CHECK = (
    "(status = 'received' AND decided_at IS NULL) OR "
    "(status IN ('upheld','dismissed') AND decided_at IS NOT NULL AND answer IS NOT NULL)"
)


class Objection(db.Model):
    """An objection (sanggahan) from the public against one entry of a published selection.

    `name`, `email` and `statement` are personal: only the secretariat and the chair read them;
    the public register shows the reference, the entry, the status and the answer.
    """

    __tablename__ = "objections"
    __table_args__ = (
        CheckConstraint("status IN ('received','upheld','dismissed')", name="status"),
        CheckConstraint(DECIDED_CHECK, name="decided"),
        Index("ix_objections_selection_status", "selection_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="received")
    answer: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    ip: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="id")

    selection: Mapped[Selection] = relationship()
    entry: Mapped[Entry] = relationship()


class SelectionAmendment(db.Model):
    """One amendment of a published selection: disqualified entries out, replacements in."""

    __tablename__ = "selection_amendments"
    __table_args__ = (Index("ix_selection_amendments_selection", "selection_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id"))
    removed: Mapped[list] = mapped_column(JSON, default=list)
    added: Mapped[list] = mapped_column(JSON, default=list)
    justifications: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    snapshot_sha256: Mapped[str] = mapped_column(String(64))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    def summary(self) -> dict:
        """The contract's amendment item."""
        return {
            "removed": list(self.removed),
            "added": list(self.added),
            "at": self.at.isoformat(),
            "snapshot_sha256": self.snapshot_sha256,
        }
