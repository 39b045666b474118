"""Assertions and queries shared by the test modules."""

from __future__ import annotations

from sqlalchemy import func, select

from kipp.extensions import db


def assert_problem(resp, status: int, code: str | None = None) -> dict:
    """The response is problem+json with this status (and machine code, when given); returns
    the body."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.content_type == "application/problem+json"
    body = resp.get_json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code
    return body


def count(model, *where) -> int:
    """Rows of `model` matching `where`, read afresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))
