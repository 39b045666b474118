"""Themes (a controlled list the secretariat manages) and the profile an agency keeps current
for each of its directory innovations (API v1.1 § Themes and data that stays true).

- `themes`: code → Indonesian and English label; codes are never renamed or deleted, so an
  entry's `theme` always names a row (checked by the services, see migration 0014).
- `entries.theme` (added by migration 0014, mapped onto `Entry` here so that
  `kipp/models/entries.py` stays untouched): the entry's theme code or NULL.
- `innovation_profiles`: one row per entry once its agency first validates its profile;
  `version` counts the validations, `validated_at` is the last one.
- `innovation_profile_versions`: every validation kept (history rows, never changed).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kipp.clock import now
from kipp.extensions import db
from kipp.models.entries import Entry
from kipp.models.types import UTCDateTime

PROFILE_STATUSES = ("running", "stopped")
CODE_MAX = 40
LABEL_MAX = 100

Entry.theme = mapped_column(String(CODE_MAX), index=True, nullable=True)


class Theme(db.Model):
    __tablename__ = "themes"

    code: Mapped[str] = mapped_column(String(CODE_MAX), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(LABEL_MAX))
    label_en: Mapped[str] = mapped_column(String(LABEL_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class InnovationProfile(db.Model):
    __tablename__ = "innovation_profiles"
    __table_args__ = (CheckConstraint("status IN ('running','stopped')", name="profile_status"),)

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("entries.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    status: Mapped[str] = mapped_column(String(10))
    impact: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(default=1)
    validated_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class InnovationProfileVersion(db.Model):
    __tablename__ = "innovation_profile_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version", name="uq_profile_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("entries.id", ondelete="CASCADE"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))
    impact: Mapped[str | None] = mapped_column(Text)
    links: Mapped[list] = mapped_column(JSON, default=list)
    validated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    validated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
