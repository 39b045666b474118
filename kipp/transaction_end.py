"""How a request's database transaction ends when the request only read.

Guarantees (PostgreSQL; SQLite is left as it was)
- A request that ends without an exception, whose transaction ran only reads (`reads_only`:
  statements beginning SELECT, SHOW, SET or WITH that name no writing command) and holds no
  pending ORM change, ends that transaction with COMMIT. For such a transaction COMMIT does
  what ROLLBACK does: nothing was written, and locks and `SET LOCAL` settings end with it
  either way.
- Anything else — an INSERT, UPDATE or DELETE, a WITH holding one, a SELECT … FOR UPDATE, any
  other statement, an unflushed change, an exception — leaves the transaction as it is, and
  Flask-SQLAlchemy's teardown rolls it back, as before: a rejected request still changes
  nothing.

KIPP's requests call no writing function from a SELECT (the indexing functions run from
triggers, migrations and `flask directory reindex` only).

Why: psycopg forgets every prepared statement on ROLLBACK and deallocates them on the server.
With read requests ending in ROLLBACK, no statement stayed prepared from one request to the
next, so PostgreSQL parsed and planned every statement of every request afresh. Measured in the
deadline surge (benchmarks/deadline_surge.py, 32 clients): 166–210 req/s with the statements
kept against 156–183 without, and an autosave alone 8.6 ms against 12 ms; the directory's items
are read with a kept generic plan (kipp.directory.queries).
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError

from kipp.extensions import db

log = logging.getLogger(__name__)

_READ = re.compile(r"\s*(SELECT|SHOW|SET|WITH)\b", re.IGNORECASE)
_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE|COPY|LOCK|CALL|DO)\b", re.IGNORECASE)
WROTE = "kipp_wrote"  # key in the DBAPI connection's `info`: this transaction ran a non-read


def reads_only(statement: str) -> bool:
    """A read: begins SELECT, SHOW, SET or WITH, and names no writing command anywhere (so a
    WITH holding an UPDATE, or a SELECT … FOR UPDATE, counts as a write)."""
    return bool(_READ.match(statement)) and not _WRITE.search(statement)


def _note(conn, cursor, statement, parameters, context, executemany) -> None:
    if not reads_only(statement):
        conn.info[WROTE] = True


def _forget(conn) -> None:
    conn.info.pop(WROTE, None)


def _commit_if_only_read(exc: BaseException | None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get(WROTE):
        return
    try:
        session.commit()
    except SQLAlchemyError:  # the teardown's rollback then ends it, as before
        log.warning("could not end a read-only transaction with COMMIT", exc_info=True)


def init_transaction_end(app: Flask) -> None:
    """PostgreSQL: watch what each transaction runs, and end read-only ones with COMMIT after
    each request (a `teardown_request`, which runs before Flask-SQLAlchemy's session teardown)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "before_cursor_execute", _note)
    event.listen(engine, "begin", _forget)
    app.teardown_request(_commit_if_only_read)
