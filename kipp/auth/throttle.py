"""Login throttling shared by every process through the database.

Rules (API contract § Conventions): after 10 failed attempts for one account within 15
minutes, that account's logins answer 429 for 15 minutes from the 10th failure; one IP address
gets at most 50 failed attempts per 15 minutes. Successful logins are never counted.
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


def is_throttled(email: str, ip: str) -> bool:
    at = now()
    email = email.strip().lower()
    recent = db.session.scalars(
        select(LoginFailure.at)
        .where(LoginFailure.email == email, LoginFailure.at > at - 2 * WINDOW)
        .order_by(LoginFailure.at)
    ).all()
    if account_locked(list(recent), at):
        return True
    ip_count = db.session.scalar(
        select(func.count()).where(LoginFailure.ip == ip, LoginFailure.at > at - WINDOW)
    )
    return ip_count >= IP_LIMIT


def record_failure(email: str, ip: str) -> None:
    at = now()
    db.session.add(LoginFailure(email=email.strip().lower()[:254], ip=ip[:64], at=at))
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < at - timedelta(days=1)))
    db.session.flush()
