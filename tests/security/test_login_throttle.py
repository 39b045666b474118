"""Issue 10, finding 3: the 10-failure lock holds under concurrency (v1.1 § Throttling,
continued), and the per-address limit never refuses a correct password on its own.

The race runs on PostgreSQL (SQLite serialises writers, so there is no race to lose): 25
threads, each with its own test client and so its own app context, session and connection,
released together by a barrier.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select

import kipp.auth.services as auth_services
from kipp.extensions import db
from kipp.models import ApiToken, LoginFailure
from tests.conftest import PASSWORD

TOKENS = "/api/v1/auth/tokens"
WRONG = "wrong-password-1"
PARALLEL = 25


@pytest.fixture
def postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to lose")


def attempt(client, door: str, email: str, password: str, ip: str) -> int:
    env = {"REMOTE_ADDR": ip}
    if door == "api":
        resp = client.post(TOKENS, json={"email": email, "password": password}, environ_base=env)
    else:
        data = {"email": email, "password": password}
        resp = client.post("/login", data=data, environ_base=env)
    return 201 if resp.status_code == 302 else resp.status_code  # a web login redirects


def race(app, door: str, email: str, n: int) -> list:
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        client = app.test_client()
        barrier.wait()
        try:  # every thread from its own address: only the account lock is at stake
            results[i] = attempt(client, door, email, WRONG, f"10.20.0.{i}")
        except Exception as exc:  # reported by the assertion below
            results[i] = repr(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a login hung"
    return results


@pytest.mark.parametrize("door", ["api", "web"])
def test_parallel_wrong_passwords_get_at_most_ten_401(app, make, client, postgres_only, door):
    user = make.user("chair")
    results = race(app, door, user.email, PARALLEL)
    assert set(results) <= {401, 429}, results
    answered_401 = results.count(401)
    assert 1 <= answered_401 <= 10, results
    # The failures that were answered count in full: exactly 10 wrong passwords in all get a
    # 401 before the lock, never more.
    more = 0
    while attempt(client, door, user.email, WRONG, "10.30.0.1") == 401:
        more += 1
        assert more <= 10
    assert answered_401 + more == 10
    assert attempt(client, door, user.email, PASSWORD, "10.30.0.2") == 429
    assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_the_attempt_is_on_record_before_the_password_is_checked(app, make, client, monkeypatch):
    """What makes the lock hold under concurrency: every other process can already see the
    attempt (committed) while this one is still checking the password."""
    user = make.user("evaluator")
    seen = []
    check = auth_services.verify_password
    engine = create_engine(db.engine.url)

    def watching(password_hash, password):
        with engine.connect() as other:  # another connection: sees committed rows only
            seen.append(
                other.scalar(
                    select(func.count())
                    .select_from(LoginFailure)
                    .where(LoginFailure.email == user.email)
                )
            )
        return check(password_hash, password)

    monkeypatch.setattr(auth_services, "verify_password", watching)
    try:
        assert attempt(client, "api", user.email, WRONG, "10.0.0.1") == 401
        assert attempt(client, "api", user.email, WRONG, "10.0.0.1") == 401
        assert attempt(client, "api", user.email, PASSWORD, "10.0.0.1") == 201
    finally:
        engine.dispose()
    assert seen == [1, 2, 3]
    db.session.expire_all()
    # The successful attempt left no record behind; the failures stay.
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 2


def test_refusals_while_locked_do_not_extend_the_lock(app, make, client):
    user = make.user("evaluator")
    for _ in range(10):
        assert attempt(client, "api", user.email, WRONG, "10.0.0.1") == 401
    for _ in range(5):
        assert attempt(client, "api", user.email, WRONG, "10.0.0.1") == 429
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)) == 10


@pytest.mark.parametrize("door", ["api", "web"])
def test_a_busy_address_cannot_lock_out_the_chair(app, make, client, door):
    """50 failures from one address (a shared office NAT) must not keep the chair out."""
    chair = make.user("chair")
    office = "10.6.6.6"
    for n in range(50):
        assert attempt(client, door, f"guess{n}@example.id", WRONG, office) == 401
    # Failures from that address are refused now, for every account, the chair's included...
    assert attempt(client, door, "guess99@example.id", WRONG, office) == 429
    assert attempt(client, door, chair.email, WRONG, office) == 429
    # ...but the chair's correct password is not.
    assert attempt(client, door, chair.email, PASSWORD, office) == 201
    # Refused failures still count towards the account's own lock.
    for _ in range(9):
        attempt(client, door, chair.email, WRONG, office)
    assert attempt(client, door, chair.email, PASSWORD, office) == 429
