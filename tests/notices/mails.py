"""Reading the outbox in the notice tests."""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import User
from kipp.models.mail import Mail

BASE = "http://127.0.0.1:5000"


def mails(kind: str | None = None, to: User | None = None) -> list[Mail]:
    """Queued mails, oldest first, read afresh."""
    db.session.expire_all()
    query = select(Mail).order_by(Mail.id)
    if kind is not None:
        query = query.where(Mail.kind == kind)
    if to is not None:
        query = query.where(Mail.user_id == to.id)
    return list(db.session.scalars(query))


def set_locale(user: User, locale: str | None) -> User:
    user.locale = locale
    db.session.commit()
    return user
