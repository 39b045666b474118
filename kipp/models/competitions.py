"""A competition year: its dates, groups, criteria, tier sizes and stage."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime

if TYPE_CHECKING:
    from kipp.models.awards import ExtraAward
    from kipp.models.group_rules import GroupCriterion


class Stage(StrEnum):
    """The stages of a competition year, in order. A member equals its code (a `str`), so the
    column keeps plain strings and old comparisons keep working; ask the questions instead:
    `Stage(code).reached(Stage.PANEL)`, `.next`, `.is_round`."""

    DRAFT = "draft"
    SUBMISSION = "submission"
    SCREENING = "screening"
    EVALUATION = "evaluation"
    SHORTLIST = "shortlist"
    PANEL = "panel"
    FINAL = "final"
    AWARDED = "awarded"

    def reached(self, other: str) -> bool:
        """True when this stage is `other` or comes after it."""
        return _ORDER[self] >= _ORDER[Stage(other)]

    @property
    def next(self) -> Stage | None:
        """The stage after this one (None after the last)."""
        i = _ORDER[self] + 1
        return STAGES[i] if i < len(STAGES) else None

    @property
    def is_round(self) -> bool:
        """True for the judging rounds (a stage whose reviewers score sheets)."""
        return self in ROUNDS


STAGES: tuple[Stage, ...] = tuple(Stage)
_ORDER = {stage: i for i, stage in enumerate(STAGES)}
ROUNDS = (Stage.EVALUATION, Stage.PANEL)


class Competition(db.Model):
    __tablename__ = "competitions"
    __table_args__ = (
        CheckConstraint("submission_opens_at < submission_closes_at", name="dates_ordered"),
        CheckConstraint("shortlist_size > 0 AND final_size > 0", name="sizes_positive"),
        CheckConstraint("evaluators_per_entry > 0", name="per_entry_positive"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Jakarta")
    submission_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submission_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    shortlist_size: Mapped[int] = mapped_column(default=99)
    final_size: Mapped[int] = mapped_column(default=45)
    evaluators_per_entry: Mapped[int] = mapped_column(default=2)
    # Evaluators read entries without agency, province, kind, 3T and identifying attachments
    # (kipp/judging/blind.py); changeable until stage `evaluation`.
    blind_review: Mapped[bool] = mapped_column(default=False)

    # --- group-rules: Competition
    def criteria_of(self, group: str | None, round_: str) -> list:
        """The criteria an entry of `group` is scored on in `round_`: in round `evaluation`
        the group's own criteria when it has any, otherwise the round's criteria. The one
        answer to "which criteria" for sheets, totals, rankings, exports and documents."""
        g = self.group(group) if group and round_ == "evaluation" else None
        return list(g.criteria) if g is not None and g.criteria else self.round_criteria(round_)

    # --- awards: Competition
    # An evaluation score below it flags the entry `below_pass_mark`; taking such an entry into
    # a selection needs a justification (kipp/judging/selections.py). None: no pass mark.
    pass_mark: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    extra_awards: Mapped[list[ExtraAward]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="ExtraAward.position"
    )
    stage: Mapped[str] = mapped_column(String(20), default="draft")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    groups: Mapped[list[CompetitionGroup]] = relationship(
        back_populates="competition", cascade="all, delete-orphan", order_by="CompetitionGroup.id"
    )
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="competition",
        cascade="all, delete-orphan",
        order_by="(Criterion.round, Criterion.position)",
    )

    __mapper_args__ = {"version_id_col": version}

    def reached(self, stage: str) -> bool:
        """True when the competition is in `stage` or has passed it."""
        return Stage(self.stage).reached(stage)

    def round_open(self, round_: str) -> bool:
        """True while `round_` (a judging round, or a selection's tier) is the current stage."""
        return self.stage == round_

    def round_criteria(self, round_: str) -> list[Criterion]:
        return [c for c in self.criteria if c.round == round_]

    def group(self, code: str) -> CompetitionGroup | None:
        return next((g for g in self.groups if g.code == code), None)

    def extra_award(self, code: str) -> ExtraAward | None:
        """The extra award whose code is `code` (None for a built-in tier or an unknown code)."""
        return next((a for a in self.extra_awards if a.code == code), None)

    def tiers(self) -> list[str]:
        """Every tier a selection may name: shortlist, final, then the extra awards' codes."""
        return ["shortlist", "final", *(a.code for a in self.extra_awards)]


class CompetitionGroup(db.Model):
    """An entry group (umum, replikasi, khusus) with its per-agency quota and age rule."""

    __tablename__ = "competition_groups"
    __table_args__ = (
        UniqueConstraint("competition_id", "code"),
        CheckConstraint("quota >= 0 AND min_implementation_years >= 0", name="non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(30))
    quota: Mapped[int]
    min_implementation_years: Mapped[int]
    # --- group-rules: CompetitionGroup
    # Entries of an invitation-only group come only from invited agencies (group_invitations).
    invitation_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    criteria: Mapped[list[GroupCriterion]] = relationship(
        cascade="all, delete-orphan", order_by="GroupCriterion.position"
    )

    competition: Mapped[Competition] = relationship(back_populates="groups")


class Criterion(db.Model):
    """A weighted criterion of one round; weights of a round sum to 100."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("competition_id", "round", "code"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="weight_range"),
        CheckConstraint("round IN ('evaluation','panel')", name="round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    round: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    word_limit: Mapped[int | None]
    guidance: Mapped[str | None] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(default=0)

    competition: Mapped[Competition] = relationship(back_populates="criteria")

    def summary(self) -> dict:
        """{"code", "name", "weight"}: what a ranking, a score sheet or a snapshot records."""
        return {"code": self.code, "name": self.name, "weight": self.weight}

    def definition(self) -> dict:
        """The criterion as the competition's settings state it (API, forms, re-saving)."""
        return self.summary() | {"word_limit": self.word_limit, "guidance": self.guidance}
