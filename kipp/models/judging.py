"""Assignments with their score sheets, and the chair's selections.

Invariants in the schema: one assignment per (entry, reviewer, round); score values 0–100 with
two decimals; one value per (assignment, criterion); a sheet's status is pending, draft or
submitted; only a submitted sheet can be marked conflicted, and then it carries the time it was
marked; at most one finalised selection per (competition, tier).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.entries import Entry
from kipp.models.types import UTCDateTime
from kipp.models.users import User

SHEET_STATUSES = ("pending", "draft", "submitted")
# The built-in tiers; a competition's extra awards add their codes (`Competition.tiers`), so
# the schema checks no fixed list of tiers.
TIERS = ("shortlist", "final")


# A conflicted sheet is a submitted one whose reviewer declared a conflict afterwards.
CONFLICTED_CHECK = (
    "(NOT conflicted AND conflicted_at IS NULL) OR "
    "(conflicted AND conflicted_at IS NOT NULL AND status = 'submitted')"
)


class Assignment(db.Model):
    """A reviewer's assignment to one entry in one round; it carries the score sheet.

    `conflicted`: the reviewer declared a conflict with the entry's agency after submitting this
    sheet (`kipp.accounts.services.add_conflict`). The sheet is kept as a record but leaves
    every ranking, and its reviewer can no longer read it or the entry.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("entry_id", "user_id", "round"),
        CheckConstraint("round IN ('evaluation','panel')", name="round"),
        CheckConstraint("status IN ('pending','draft','submitted')", name="status"),
        CheckConstraint(CONFLICTED_CHECK, name="conflicted"),
        Index("ix_assignments_competition_round", "competition_id", "round", "status"),
        Index("ix_assignments_user_round", "user_id", "round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    round: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    comment: Mapped[str | None] = mapped_column(Text)
    total: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    version: Mapped[int] = mapped_column(default=1)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    conflicted: Mapped[bool] = mapped_column(default=False, server_default=false())
    conflicted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)

    entry: Mapped[Entry] = relationship()
    user: Mapped[User] = relationship()
    values: Mapped[list[ScoreValue]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="ScoreValue.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ScoreValue(db.Model):
    __tablename__ = "score_values"
    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion_code"),
        CheckConstraint("value >= 0 AND value <= 100", name="value_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    criterion_code: Mapped[str] = mapped_column(String(40))
    value: Mapped[Decimal] = mapped_column(Numeric(5, 2))

    assignment: Mapped[Assignment] = relationship(back_populates="values")


class Selection(db.Model):
    """The chair's proposed or finalised shortlist / final tier, or an extra award (`tier` is
    the award's code: kipp/models/awards.py).

    A finalised selection may be published (`published_at`, `objection_closes_at`), amended
    after upheld objections (`kipp.models.publication.SelectionAmendment`) and fixed by a decree
    (`decree_number`, `decree_signed_on`, the signed PDF `decree_file` with `decree_sha256`).
    """

    __tablename__ = "selections"
    __table_args__ = (
        CheckConstraint("status IN ('proposed','final')", name="status"),
        Index(
            "uq_selections_one_final",
            "competition_id",
            "tier",
            unique=True,
            postgresql_where=text("status = 'final'"),
            sqlite_where=text("status = 'final'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id"))
    tier: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    size: Mapped[int]
    snapshot: Mapped[dict | None] = mapped_column(JSON)
    snapshot_sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=1)
    # Publication (kipp/publication): the objection window, then the decree that fixes it.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    objection_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decree_number: Mapped[str | None] = mapped_column(String(100))
    decree_signed_on: Mapped[date | None] = mapped_column(Date)
    decree_file: Mapped[str | None] = mapped_column(String(64))
    decree_sha256: Mapped[str | None] = mapped_column(String(64))

    entries: Mapped[list[SelectionEntry]] = relationship(
        back_populates="selection", cascade="all, delete-orphan", order_by="SelectionEntry.place"
    )

    __mapper_args__ = {"version_id_col": version}


class SelectionEntry(db.Model):
    __tablename__ = "selection_entries"
    __table_args__ = (UniqueConstraint("selection_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    selection_id: Mapped[int] = mapped_column(ForeignKey("selections.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id"))
    place: Mapped[int]
    rank: Mapped[int | None]
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 4))
    justification: Mapped[str | None] = mapped_column(Text)

    selection: Mapped[Selection] = relationship(back_populates="entries")
    entry: Mapped[Entry] = relationship()
