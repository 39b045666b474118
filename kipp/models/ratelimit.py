"""Counted requests for the rate limits of public and e-mail operations (kipp/ratelimit.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime


class RateHit(db.Model):
    """One counted request of `bucket` by `key` (an IP address or an e-mail address)."""

    __tablename__ = "rate_hits"
    __table_args__ = (Index("ix_rate_hits_bucket_key_at", "bucket", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bucket: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
