"""Login throttling shared by every process through the database.

Rules (API contract § Conventions and v1.1 § Throttling, continued): after 10 failed attempts
for one account within 15 minutes, that account's logins answer 429 for 15 minutes from the
10th failure, however many attempts arrive at once; one IP address gets at most 50 failed
attempts per 15 minutes answered 401, later failures from it answer 429, but a correct
password for an account that is not itself locked is never refused because of its address.
Successful logins are never counted.

How the account limit holds under concurrency: every attempt is written and committed as a
`login_failures` row *before* its password is checked (`begin_attempt`), and only then are
the other rows of that account counted (`account_refused`). Of any set of attempts answered
401, the one committed last counted all the others, so no more than 10 can be answered 401
within a window. The row of a successful attempt is deleted (`forget_attempt`), and so is the
row of an attempt refused by the lock (a refusal is no failure, and the lock lasts 15 minutes
from the 10th failure, not from the latest refusal). Works the same on PostgreSQL and SQLite.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from kipp.clock import now
from kipp.extensions import db
from kipp.models import LoginFailure

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 10
IP_LIMIT = 50


def account_locked(failures: list, at) -> bool:
    """Pure rule: `failures` are ascending timestamps. Locked while some run of 10 failures
    within 15 minutes ended less than 15 minutes ago."""
    n = ACCOUNT_LIMIT
    for i in range(n - 1, len(failures)):
        if failures[i] - failures[i - n + 1] <= WINDOW and at < failures[i] + WINDOW:
            return True
    return False


def _email(email: str) -> str:
    return email.strip().lower()[:254]


def begin_attempt(email: str, ip: str) -> int:
    """Record an attempt (as a failure until proven otherwise) and COMMIT it, so that every
    concurrent attempt for the account sees it. Returns its id for the calls below."""
    at = now()
    row = LoginFailure(email=_email(email), ip=ip[:64], at=at)
    db.session.add(row)
    db.session.flush()
    attempt_id = row.id  # read now: the commit expires the row, and reading it then costs a query
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < at - timedelta(days=1)))
    db.session.commit()
    return attempt_id


def account_refused(email: str, attempt_id: int) -> bool:
    """Whether the account is locked by the attempts recorded before or alongside this one."""
    at = now()
    others = db.session.scalars(
        select(LoginFailure.at)
        .where(
            LoginFailure.email == _email(email),
            LoginFailure.at > at - 2 * WINDOW,
            LoginFailure.id != attempt_id,
        )
        .order_by(LoginFailure.at)
    ).all()
    return account_locked(list(others), at)


def address_exhausted(ip: str, attempt_id: int) -> bool:
    """Whether this address already had its 50 failures in the window (besides this one)."""
    count = db.session.scalar(
        select(func.count()).where(
            LoginFailure.ip == ip[:64],
            LoginFailure.at > now() - WINDOW,
            LoginFailure.id != attempt_id,
        )
    )
    return count >= IP_LIMIT


def forget_attempt(attempt_id: int) -> None:
    """The attempt succeeded or was refused unchecked: it is no failure. Flushes."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.id == attempt_id))
    db.session.flush()
