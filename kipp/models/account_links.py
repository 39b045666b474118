"""Single-use account links: invitations (72 h) and password resets (1 h), stored hashed.

Only the SHA-256 of a link's token is stored (the token itself exists only in the mail), so
reading the table does not give anyone a way in. A link is usable while it is unused, not
expired, and its user's auth epoch is still the one it was issued under: any password change
or disable of the user (both move the epoch on, `kipp.models.users.User.auth_epoch`) kills
every link issued before it. See `kipp.accounts.links` for the rules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kipp.clock import now
from kipp.extensions import db
from kipp.models.types import UTCDateTime
from kipp.models.users import User

LINK_PURPOSES = ("invitation", "reset")


class AccountLink(db.Model):
    """One mailed link that lets its holder set `user`'s password once."""

    __tablename__ = "account_links"
    __table_args__ = (CheckConstraint("purpose IN ('invitation','reset')", name="purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The user's auth epoch when the link was issued; the link dies when the epoch moves on.
    auth_epoch: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
