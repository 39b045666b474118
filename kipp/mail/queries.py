"""Reads of the outbox, shared by the admin page and the API."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from kipp.extensions import db
from kipp.models.mail import Mail


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def mail_query(status: str | None = None, kind: str | None = None, to: str | None = None) -> Select:
    """Mails, newest first; `status` and `kind` exact, `to` any part of the address, in any
    case."""
    query = select(Mail).order_by(Mail.id.desc())
    if status:
        query = query.where(Mail.status == status)
    if kind:
        query = query.where(Mail.kind == kind)
    if to and to.strip():
        query = query.where(func.lower(Mail.to).like(_like(to.strip()), escape="\\"))
    return query


def kinds() -> list[str]:
    """The kinds present in the outbox (for the page's filter)."""
    return list(db.session.scalars(select(Mail.kind).distinct().order_by(Mail.kind)))
