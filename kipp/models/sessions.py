"""Server-side records of browser sessions (see `kipp.auth.sessions`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime
from kipp.models.users import User


class UserSession(db.Model):
    """One logged-in browser. The cookie carries a random key; only its SHA-256 is stored.

    The session is alive while `revoked_at` is empty, `auth_epoch` equals the user's (a
    password change or a disable moves the user's epoch on), `expires_at` (the absolute
    lifetime) is in the future and `last_seen_at` is within the idle timeout.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    auth_epoch: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
