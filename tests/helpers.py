"""Assertions and queries shared by the test modules."""

from __future__ import annotations

import io
import threading

from pypdf import PdfWriter
from sqlalchemy import func, select

from kipp.extensions import db
from tests.conftest import PASSWORD


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


def pdf_bytes(pages: int = 1, size: int = 72) -> bytes:
    """A valid PDF of blank `size`-point square pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=size, height=size)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def token_for(client, user, password: str = PASSWORD) -> str:
    """A fresh API bearer token of `user`."""
    resp = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": password})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()["token"]


def race(app, requests: list[tuple[str, str, str, dict | None]]) -> list:
    """Run (token, method, url, json) requests at once, one thread and test client each,
    released together by a barrier; returns (status, json) per request, in order, or
    (None, repr(exception)) for a request that raised."""
    barrier = threading.Barrier(len(requests))
    results: list = [None] * len(requests)

    def worker(i: int, token: str, method: str, url: str, body: dict | None) -> None:
        client = app.test_client()
        barrier.wait()
        try:
            resp = client.open(
                url, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
            )
            results[i] = (resp.status_code, resp.get_json())
        except Exception as exc:  # reported by the caller's assertions
            results[i] = (None, repr(exc))

    threads = [threading.Thread(target=worker, args=(i, *r)) for i, r in enumerate(requests)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a request hung"
    return results
