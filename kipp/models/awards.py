"""Extra awards of a competition (e.g. "Top 5 Replikasi", "Outstanding Achievement").

An extra award is a tier beyond `shortlist` and `final`: its `code` is what a selection names
as its `tier`, drawn from the evaluation ranking of one `group`'s eligible entries, `size`
places, printed on its certificates as `label`. Invariants in the schema: codes unique per
competition, a positive size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.extensions import db

if TYPE_CHECKING:
    from kipp.models.competitions import Competition

BUILTIN_TIERS = ("shortlist", "final")
AWARD_CODE_MAX = 15  # a tier column holds 20; a certificate serial appends the code
AWARD_LABEL_MAX = 200


class ExtraAward(db.Model):
    """One extra award of a competition (see the module docstring)."""

    __tablename__ = "extra_awards"
    __table_args__ = (
        UniqueConstraint("competition_id", "code"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(AWARD_CODE_MAX))
    label: Mapped[str] = mapped_column(String(AWARD_LABEL_MAX))
    group: Mapped[str] = mapped_column(String(30))
    size: Mapped[int]
    position: Mapped[int] = mapped_column(default=0)

    competition: Mapped[Competition] = relationship(back_populates="extra_awards")

    def definition(self) -> dict:
        """{"code", "label", "group", "size"}: the award as the competition's settings state it."""
        return {"code": self.code, "label": self.label, "group": self.group, "size": self.size}
