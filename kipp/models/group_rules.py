"""Groups with their own rules (API v1.1 § Competition rules).

- `group_criteria`: a group's own evaluation criteria (same shape and weight rule as the
  competition's `criteria`); a group without rows is scored on the competition's criteria.
  Rows belong to a `competition_groups` row and go with it (groups change only in `draft`).
- `group_invitations`: the agencies invited into an invitation-only group. The group is kept
  by its code, not by a foreign key: groups are replaced wholesale while a competition is a
  draft, and invitations must survive that. Unique per (competition, group, agency).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.agencies import Agency
from kipp.models.types import UTCDateTime


class GroupCriterion(db.Model):
    """A weighted evaluation criterion of one group; the weights of a group sum to 100.

    Duck-types `Criterion` (code, name, weight, word_limit, guidance, `summary`, `definition`)
    so score sheets, totals and documents take either."""

    __tablename__ = "group_criteria"
    __table_args__ = (
        UniqueConstraint("group_id", "code"),
        CheckConstraint("weight >= 0 AND weight <= 100", name="group_weight_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("competition_groups.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    weight: Mapped[int]
    word_limit: Mapped[int | None]
    guidance: Mapped[str | None] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(default=0)

    round = "evaluation"

    def summary(self) -> dict:
        """{"code", "name", "weight"}: what a ranking, a score sheet or a snapshot records."""
        return {"code": self.code, "name": self.name, "weight": self.weight}

    def definition(self) -> dict:
        """The criterion as the competition's settings state it (API, forms, re-saving)."""
        return self.summary() | {"word_limit": self.word_limit, "guidance": self.guidance}


class Invitation(db.Model):
    """An agency invited into an invitation-only group of one competition."""

    __tablename__ = "group_invitations"
    __table_args__ = (UniqueConstraint("competition_id", "group", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    group: Mapped[str] = mapped_column(String(30))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    agency: Mapped[Agency] = relationship()
