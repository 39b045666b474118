"""kipp.dispatch: calls run after the outermost commit only, never after a rollback."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from kipp.dispatch import after_commit, pending


@pytest.fixture
def session():
    engine = create_engine("sqlite://")
    s = Session(engine)
    s.execute(text("SELECT 1"))  # open a transaction
    yield s
    s.close()
    engine.dispose()


def test_runs_after_commit_in_order_and_once(session):
    ran = []
    after_commit(session, ran.append, "a")
    after_commit(session, ran.append, "b")
    assert ran == []  # nothing while the transaction is open
    session.commit()
    assert ran == ["a", "b"]
    session.execute(text("SELECT 1"))
    session.commit()
    assert ran == ["a", "b"]  # not again at the next commit


def test_a_rollback_forgets_every_call(session):
    ran = []
    after_commit(session, ran.append, "lost")
    session.rollback()
    session.execute(text("SELECT 1"))
    session.commit()
    assert ran == []
    assert pending(session) == []


def test_savepoints_keep_or_drop_only_their_own_calls(session):
    ran = []
    after_commit(session, ran.append, "outer")
    with session.begin_nested():
        after_commit(session, ran.append, "released")
    with pytest.raises(ValueError), session.begin_nested():
        after_commit(session, ran.append, "rolled back")
        raise ValueError
    assert ran == []  # a released savepoint is not the commit
    session.commit()
    assert ran == ["outer", "released"]


def test_a_failing_call_is_logged_and_the_rest_still_run(session, caplog):
    ran = []

    def broken(_x):
        raise ConnectionError("broker down")

    after_commit(session, broken, 1)
    after_commit(session, ran.append, 2)
    with caplog.at_level(logging.WARNING, logger="kipp.dispatch"):
        session.commit()  # does not raise
    assert ran == [2]
    assert "broker down" in caplog.text


def test_a_scoped_session_registers_on_its_current_session():
    engine = create_engine("sqlite://")
    scoped = scoped_session(sessionmaker(engine))
    ran = []
    scoped.execute(text("SELECT 1"))
    after_commit(scoped, ran.append, 1)
    assert pending(scoped) == [(ran.append, (1,))]
    scoped.commit()
    assert ran == [1]
    scoped.remove()
    engine.dispose()
