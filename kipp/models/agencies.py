"""Agencies: the ministries, regions and companies that enter innovations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime

AGENCY_KINDS = ("kementerian", "lembaga", "provinsi", "kabupaten", "kota", "bumn", "bumd")


class Agency(db.Model):
    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('kementerian','lembaga','provinsi','kabupaten','kota','bumn','bumd')",
            name="kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    province: Mapped[str] = mapped_column(String(80))
    is_3t: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
