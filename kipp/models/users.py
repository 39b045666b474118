"""Accounts, their API tokens, declared conflicts and login attempts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.agencies import Agency
from kipp.models.types import UTCDateTime

ROLES = ("admin", "agency", "evaluator", "panelist", "chair", "drafter")
# Roles that belong to one agency and always name it: its Admin Lokal and its drafting units.
AGENCY_ROLES = ("agency", "drafter")
REVIEWER_ROLES = ("evaluator", "panelist", "chair")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('admin','agency','evaluator','panelist','chair','drafter')", name="role"
        ),
        CheckConstraint(
            "role NOT IN ('agency','drafter') OR agency_id IS NOT NULL", name="agency_has_agency"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on every password change or disable: sessions and tokens of older epochs die.
    auth_epoch: Mapped[int] = mapped_column(default=0)
    locale: Mapped[str | None] = mapped_column(String(5))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    agency: Mapped[Agency | None] = relationship()
    conflicts: Mapped[list[Conflict]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    # Not a column: the key of the browser session (kipp.auth.sessions) this object was loaded
    # for or has just logged in with. Flask-Login keeps it in the signed cookie as the user id.
    session_key = None

    def get_id(self) -> str:
        """Flask-Login's id: the server-side session key, never the bare user id, so that
        ending that session on the server ends the cookie too."""
        if not self.session_key:
            raise RuntimeError("log users in with kipp.auth.sessions.start_session()")
        return self.session_key

    def __eq__(self, other) -> bool:
        # UserMixin compares get_id(), which is per session here; the account is what counts.
        if isinstance(other, User):
            return self is other or (self.id is not None and self.id == other.id)
        return NotImplemented

    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_reviewer(self) -> bool:
        return self.role in REVIEWER_ROLES


class Conflict(db.Model):
    """A reviewer's declared conflict of interest with an agency."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("user_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    user: Mapped[User] = relationship(back_populates="conflicts")
    agency: Mapped[Agency] = relationship()


class ApiToken(db.Model):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    auth_epoch: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed login, kept for the throttling window (shared by every process)."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_at", "email", "at"),
        Index("ix_login_failures_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
