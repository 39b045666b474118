"""Authentication: credentials, API tokens, password changes.

Guarantees: tokens are random 256-bit values stored only as SHA-256; a token dies when it
expires, is revoked, when its user's password changes (auth epoch) or the user is disabled.
Every login attempt is recorded for throttling and committed before the password is checked,
so failures stay recorded even though the request fails (`kipp.auth.throttle`).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from kipp.audit.chain import record
from kipp.auth import throttle
from kipp.auth.passwords import hash_password, needs_rehash, password_problem, verify_password
from kipp.auth.sessions import revoke_other_sessions
from kipp.clock import now
from kipp.errors import RateLimited, Unauthenticated, ValidationFailed
from kipp.extensions import db
from kipp.models import ApiToken, User


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def authenticate(email: str, password: str, ip: str) -> User:
    """Return the active user with these credentials or raise (see `kipp.auth.throttle`).

    The attempt is recorded and committed before anything else. Raises RateLimited without
    checking the password while the account is locked; Unauthenticated on bad credentials,
    or RateLimited instead when this address has used up its failures. A correct password is
    refused only by its account's lock. On success the attempt record is deleted in the
    caller's transaction (flushed here, committed with the session or token it issues), and
    a hash made with older parameters is replaced by one with today's in the same transaction.
    """
    attempt = throttle.begin_attempt(email, ip)
    if throttle.account_refused(email, attempt):
        throttle.forget_attempt(attempt)
        db.session.commit()
        raise RateLimited(_("Too many failed attempts. Try again in 15 minutes."))
    user = find_user_by_email(email)
    ok = verify_password(user.password_hash if user else None, password)
    if ok and user is not None and user.active:
        throttle.forget_attempt(attempt)
        if needs_rehash(user.password_hash):  # older hashing parameters: upgrade in place
            user.password_hash = hash_password(password)
        return user
    if throttle.address_exhausted(ip, attempt):
        raise RateLimited(_("Too many failed attempts. Try again in 15 minutes."))
    raise Unauthenticated(_("Wrong e-mail or password."))


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
    row = db.session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))  # every bearer request: one statement, not two
        .where(ApiToken.token_hash == _digest(token))
    )
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
    """Change the password after checking the policy (ValidationFailed, nothing changed).

    Every token and every other browser session of the user dies (epoch bump, session rows
    revoked); the browser session making the change, if it is the user's own, stays.
    """
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise ValidationFailed(problem, errors={"password": [problem]})
    user.password_hash = hash_password(password)
    user.auth_epoch += 1
    record(actor, "user.password", f"user:{user.id}")
    db.session.flush()
    revoke_other_sessions(user)
