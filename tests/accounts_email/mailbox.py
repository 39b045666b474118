"""Reading the queued mails of the outbox in tests: the link a person would click."""

from __future__ import annotations

import re

from sqlalchemy import select

from kipp.extensions import db
from kipp.models.mail import Mail

LINK = re.compile(r"https?://\S+/account/(setup|reset)/([A-Za-z0-9_-]+)")


def mails(to: str, kind: str | None = None) -> list[Mail]:
    db.session.expire_all()
    query = select(Mail).where(Mail.to == to).order_by(Mail.id)
    if kind is not None:
        query = query.where(Mail.kind == kind)
    return list(db.session.scalars(query))


def last_link(to: str, kind: str) -> str:
    """The absolute link of the newest mail of `kind` to `to`."""
    found = mails(to, kind)
    assert found, f"no {kind} mail to {to}"
    match = LINK.search(found[-1].text_body)
    assert match, found[-1].text_body
    return match.group(0)


def last_token(to: str, kind: str) -> str:
    return last_link(to, kind).rsplit("/", 1)[1]
