"""A request that only read ends its transaction with COMMIT, so psycopg keeps its prepared
statements; anything that wrote, or failed, is still rolled back (kipp/transaction_end.py).

An app of its own, with routes made for the test and a pool of one connection, served by its
test client without an app context held open, as a server serves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, insert, select, text

from kipp import create_app
from kipp.extensions import db
from kipp.models import LoginFailure

EMAIL = "end-of-transaction@kipp.test"


@pytest.fixture
def served(database, tmp_path):
    if not database["url"]:
        pytest.skip("needs PostgreSQL: psycopg's prepared statements are what this keeps")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database["url"],
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 1, "max_overflow": 0, "pool_pre_ping": True},
        KIPP_STORAGE_DIR=str(tmp_path / "storage"),
    )
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def failure():
        return insert(LoginFailure).values(email=EMAIL, ip="192.0.2.1", at=datetime.now(UTC))

    @app.get("/t/read")
    def read():
        db.session.execute(select(LoginFailure.id).where(LoginFailure.email == EMAIL)).all()
        db.session.execute(text("SET LOCAL work_mem = '8MB'"))
        db.session.execute(text("WITH x AS (SELECT 1 AS one) SELECT one FROM x")).all()
        return "read"

    @app.get("/t/write")
    def write():
        db.session.execute(failure())
        return "wrote, never committed"

    @app.get("/t/pending")
    def pending():
        db.session.add(LoginFailure(email=EMAIL, ip="192.0.2.2", at=datetime.now(UTC)))
        return "added, never flushed"

    @app.get("/t/with")
    def with_query():
        written = failure().returning(LoginFailure.id).cte("written")
        db.session.execute(select(written.c.id)).all()
        return "a WITH holding an INSERT"

    @app.get("/t/for-update")
    def for_update():
        db.session.execute(select(LoginFailure.id).with_for_update()).all()
        return "a lock: counted as a write"

    @app.get("/t/fail")
    def fail():
        db.session.execute(select(LoginFailure.id)).all()
        raise RuntimeError("failed after reading")

    commits: list[int] = []
    with app.app_context():
        event.listen(db.engine, "commit", lambda conn: commits.append(1))
    yield app, commits
    with app.app_context():
        db.session.execute(db.delete(LoginFailure).where(LoginFailure.email == EMAIL))
        db.session.commit()
        db.engine.dispose()


def _stored(app) -> int:
    with app.app_context():
        n = db.session.scalar(
            select(func.count()).select_from(LoginFailure).where(LoginFailure.email == EMAIL)
        )
        db.session.rollback()
        return n


def test_a_read_only_request_commits_and_keeps_prepared_statements(served):
    app, commits = served
    client = app.test_client()
    for _ in range(8):  # psycopg prepares a statement on its 5th run
        assert client.get("/t/read").status_code == 200
    assert len(commits) == 8
    with app.app_context():  # the pool's one connection, which served every request
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
        db.session.rollback()
    assert any("login_failures" in s for s in prepared)


@pytest.mark.parametrize("path", ["/t/write", "/t/pending", "/t/with", "/t/for-update", "/t/fail"])
def test_anything_else_is_rolled_back(served, path):
    app, commits = served
    response = app.test_client().get(path)
    assert response.status_code == (500 if path == "/t/fail" else 200)
    assert commits == []
    assert _stored(app) == 0


def test_a_write_then_a_read_on_the_same_connection_are_told_apart(served):
    """The mark of a write belongs to its transaction: the next, read-only one commits."""
    app, commits = served
    client = app.test_client()
    assert client.get("/t/write").status_code == 200
    assert commits == []
    assert client.get("/t/read").status_code == 200
    assert commits == [1]
    assert _stored(app) == 0


@pytest.mark.parametrize(
    "statement, read",
    [
        ("SELECT 1", True),
        ("  select * from entries where updated_at > now()", True),
        ("SHOW plan_cache_mode", True),
        ("SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT", True),
        ("WITH hits AS MATERIALIZED (SELECT 1) SELECT * FROM hits", True),
        ("WITH old AS (SELECT 1) UPDATE audit_heads SET seq = 2", False),
        ("WITH n AS (INSERT INTO t VALUES (1) RETURNING id) SELECT id FROM n", False),
        ("SELECT id FROM entries FOR UPDATE", False),
        ("INSERT INTO t VALUES (1)", False),
        ("update t set a = 1", False),
        ("DELETE FROM t", False),
        ("TRUNCATE t", False),
        ("CREATE TABLE t (a int)", False),
    ],
)
def test_what_counts_as_a_read(statement, read):
    from kipp.transaction_end import reads_only

    assert reads_only(statement) is read
