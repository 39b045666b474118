"""When each periodic pass of the workers last ran, shared by every worker (kipp/periodic.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kipp.extensions import db
from kipp.models.types import UTCDateTime


class PeriodicRun(db.Model):
    """One periodic pass (e.g. "reminders"): the next time any worker may start it."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    worker: Mapped[str | None] = mapped_column(String(200))
