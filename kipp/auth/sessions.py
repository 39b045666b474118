"""Browser sessions: Flask-Login over a server-side record per logged-in browser.

Guarantees
- The signed cookie carries only a random 256-bit key; the `user_sessions` row stores its
  SHA-256. A cookie is accepted while its row is alive (`kipp.models.UserSession`): not
  revoked, of the user's current auth epoch, younger than KIPP_SESSION_MAX_HOURS (absolute
  lifetime, default 12 h) and used within KIPP_SESSION_IDLE_MINUTES (idle timeout, default
  120 min). A copied cookie therefore dies with its row, whatever the cookie says.
- Logout revokes the row; a password change revokes every other row of the user (the browser
  that made the change keeps its own); a disable moves the auth epoch on, which kills every
  row for good (re-enabling does not revive them).
- `last_seen_at` is written at most once a minute per session, after the response is built and
  in its own short transaction, so reading pages costs no write per request and never commits
  the request's own work.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_login import login_user
from sqlalchemy import delete, or_, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from kipp.clock import now
from kipp.extensions import db, login_manager
from kipp.models import User, UserSession

log = logging.getLogger(__name__)

TOUCH_EVERY = timedelta(minutes=1)  # granularity of the idle timeout
KEEP_DEAD = timedelta(days=1)  # dead rows are purged at the user's next login after this


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(minutes=config["KIPP_SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["KIPP_SESSION_MAX_HOURS"]),
    )


def start_session(user: User) -> UserSession:
    """Record a new session for `user` and log this browser in with it (flushes; the caller
    commits). The caller clears the Flask session first, so no earlier state is carried over."""
    at = now()
    _idle, lifetime = _limits()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id,
            or_(UserSession.expires_at < at - KEEP_DEAD, UserSession.revoked_at < at - KEEP_DEAD),
        )
    )
    key = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        key_hash=_digest(key),
        auth_epoch=user.auth_epoch,
        created_at=at,
        last_seen_at=at,
        expires_at=at + lifetime,
    )
    db.session.add(row)
    db.session.flush()
    user.session_key = key
    login_user(user)
    g.kipp_session = (row.id, user.id)
    return row


def current_session_id(user: User | None = None) -> int | None:
    """The id of the session row this request is authenticated with (of `user`, if given)."""
    if not has_request_context():
        return None
    found = g.get("kipp_session")
    if found is None or (user is not None and found[1] != user.id):
        return None
    return found[0]


def end_current_session() -> None:
    """Revoke the row of the session this request came with (logout). Flushes."""
    session_id = current_session_id()
    if session_id is not None:
        db.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        db.session.flush()
        g.pop("kipp_session", None)


def revoke_other_sessions(user: User) -> None:
    """Revoke every session of `user` except the one making this request, which moves on to the
    user's current auth epoch. Called after the epoch changed (password change). Flushes."""
    keep = current_session_id(user)
    others = UserSession.id != keep if keep is not None else true()
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None), others)
        .values(revoked_at=now())
    )
    if keep is not None:
        db.session.execute(
            update(UserSession).where(UserSession.id == keep).values(auth_epoch=user.auth_epoch)
        )
    db.session.flush()


def _alive(key: str) -> UserSession | None:
    """The live session row of `key`, read with its user in one statement."""
    row = db.session.scalar(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.key_hash == _digest(key))
    )
    if row is None or row.revoked_at is not None:
        return None
    at = now()
    idle, _lifetime = _limits()
    if at >= row.expires_at or at - row.last_seen_at >= idle:
        return None
    user = row.user
    if not user.active or user.auth_epoch != row.auth_epoch:
        return None
    return row


def _touch(response):
    """Move `last_seen_at` on for a session seen more than a minute ago (see module doc)."""
    session_id = g.pop("kipp_session_touch", None)
    if session_id is None:
        return response
    at = now()
    # SKIP LOCKED: if this request's own transaction still holds the row, skip the touch
    # rather than wait for ourselves (PostgreSQL; SQLite has no row locks and ignores it).
    target = (
        select(UserSession.id)
        .where(UserSession.id == session_id, UserSession.last_seen_at < at - TOUCH_EVERY)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    try:
        with db.engine.begin() as conn:
            conn.execute(
                update(UserSession).where(UserSession.id == target).values(last_seen_at=at)
            )
    except OperationalError:  # a busy SQLite file: the next request will touch it
        log.warning("could not record session activity", exc_info=True)
    return response


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load(key: str) -> User | None:
        row = _alive(key) if key else None
        if row is None:
            return None
        user = row.user
        user.session_key = key
        g.kipp_session = (row.id, user.id)
        if now() - row.last_seen_at >= TOUCH_EVERY:
            g.kipp_session_touch = row.id
        return user

    app.after_request(_touch)

    @login_manager.unauthorized_handler
    def unauthorized():
        return redirect(url_for("auth.login", next=request.full_path))
