"""A stand-in renderer for the job tests, plugged in through `tests.workers.renderers`.

`render(kind, entry_id)` sleeps KIPP_TEST_RENDER_DELAY seconds (env, default 0), then adds a
row to `test_render_log` in the caller's transaction, exactly as a real renderer writes its
rows: the row commits together with the item's `done`, so counting rows per entry counts
completed renders. Failures: `app.config["TEST_RENDER_FAILURES"]` maps an entry id to how
many more calls fail (a negative number: every call).
"""

from __future__ import annotations

import os
import time

from flask import current_app
from sqlalchemy import Column, Integer, MetaData, String, Table, func, select

from kipp.extensions import db

metadata = MetaData()
render_log = Table(
    "test_render_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("subject_id", Integer, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("pid", Integer, nullable=False),
)


class RenderFailed(RuntimeError):
    """A render failure scripted by a test."""


def create_table() -> None:
    metadata.create_all(db.engine, checkfirst=True)


def render(kind: str, entry_id: int) -> None:
    failures = current_app.config.setdefault("TEST_RENDER_FAILURES", {})
    left = failures.get(entry_id, 0)
    if left:
        failures[entry_id] = left - 1 if left > 0 else left
        raise RenderFailed(f"cannot lay out entry {entry_id}")
    delay = float(os.environ.get("KIPP_TEST_RENDER_DELAY", "0"))
    if delay:
        time.sleep(delay)
    db.session.execute(render_log.insert().values(subject_id=entry_id, kind=kind, pid=os.getpid()))


def renders_per_subject() -> dict[int, int]:
    """{entry_id: committed renders}."""
    rows = db.session.execute(
        select(render_log.c.subject_id, func.count()).group_by(render_log.c.subject_id)
    ).all()
    db.session.commit()
    return dict(rows)
