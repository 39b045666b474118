"""Authentication: credentials, API tokens, password changes.

Guarantees: tokens are random 256-bit values stored only as SHA-256; a token dies when it
expires, is revoked, when its user's password changes (auth epoch) or the user is disabled.
Failed credentials are recorded for throttling and committed even though the request fails.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.audit.chain import record
from kipp.auth import throttle
from kipp.auth.passwords import hash_password, password_problem, verify_password
from kipp.clock import now
from kipp.errors import RateLimited, Unauthenticated, ValidationFailed
from kipp.extensions import db
from kipp.models import ApiToken, User


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str, ip: str) -> User:
    """Return the active user with these credentials or raise.

    Raises RateLimited (before checking the password) while throttled, Unauthenticated on bad
    credentials (after recording and committing the failure).
    """
    if throttle.is_throttled(email, ip):
        raise RateLimited(_("Too many failed attempts. Try again in 15 minutes."))
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active:
        throttle.record_failure(email, ip)
        db.session.commit()
        raise Unauthenticated(_("Wrong e-mail or password."))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    token = secrets.token_urlsafe(32)
    hours = current_app.config["KIPP_TOKEN_HOURS"]
    row = ApiToken(
        user_id=user.id,
        token_hash=_digest(token),
        auth_epoch=user.auth_epoch,
        expires_at=now() + timedelta(hours=hours),
    )
    db.session.add(row)
    db.session.flush()
    record(user, "token.issue", f"user:{user.id}", after={"token_id": row.id})
    return token, row


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now():
        return None
    user = row.user
    if not user.active or user.auth_epoch != row.auth_epoch:
        return None
    return user, row


def revoke_token(user: User, row: ApiToken) -> None:
    row.revoked_at = now()
    record(user, "token.revoke", f"user:{user.id}", after={"token_id": row.id})
    db.session.flush()


def set_password(actor: User | None, user: User, password: str) -> None:
    """Change the password; every session and token of the user dies (epoch bump)."""
    problem = password_problem(password)
    if problem:
        raise ValidationFailed(problem, errors={"password": [problem]})
    user.password_hash = hash_password(password)
    user.auth_epoch += 1
    record(actor, "user.password", f"user:{user.id}")
    db.session.flush()
