"""Single-use account links: invitations (72 h) and password resets (1 h).

Guarantees
- A token is 256 random bits (`secrets.token_urlsafe(32)`), shown only in the one mail that
  carries its link; the database stores its SHA-256 (`AccountLink.token_hash`), found by that
  digest and compared again with `hmac.compare_digest`.
- A link works while it is unused, before `expires_at` (valid up to, not at, the instant), for
  an active user whose auth epoch is still the link's. Setting a password through a link moves
  the epoch on, so that link and every other link of the user die with it; so do an admin's
  password change and a disable.
- Using a link claims it with one conditional UPDATE (`used_at IS NULL`): of two requests with
  the same token at once, one sets the password and the other gets `invalid_token`.
- An unknown, used or expired token raises `InvalidToken` (422 `invalid_token`) and a password
  the policy refuses raises `ValidationFailed` (`errors.password`), both before anything
  changes. After a reset every session and API token of the user is dead, the current
  browser's included.
- `request_reset` does the same whether or not the address has an account, up to mailing an
  active one (whose stored address the outbox accepts: an older row holding an address it
  refuses gets nothing rather than an error that would tell it exists); the views answer it
  no sooner than `answer_floor()` (0.3 s) after the request arrived, so the time taken does
  not tell registered addresses apart. It throttles through `kipp.ratelimit`: more than 5
  requests per e-mail address or 20 per IP address within an hour raise `RateLimited`,
  counting only requests that were let through.
- Every issue and use of a link is an audit event on the global chain (never the token).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta

from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from kipp import ratelimit
from kipp.audit.chain import record
from kipp.auth.passwords import password_problem
from kipp.auth.services import find_user_by_email, set_password
from kipp.clock import now
from kipp.errors import InvalidToken, RateLimited, ValidationFailed
from kipp.extensions import db
from kipp.mail import addresses
from kipp.models import User, UserSession
from kipp.models.account_links import AccountLink

INVITATION_TTL = timedelta(hours=72)
RESET_TTL = timedelta(hours=1)
TTL = {"invitation": INVITATION_TTL, "reset": RESET_TTL}
MAIL_KIND = {"invitation": "invitation", "reset": "password_reset"}
PATH = {"invitation": "/account/setup/", "reset": "/account/reset/"}

RESET_WINDOW = timedelta(hours=1)
RESETS_PER_EMAIL = 5
RESETS_PER_ADDRESS = 20
BUCKET_EMAIL = "reset_email"
BUCKET_ADDRESS = "reset_ip"
RESET_ANSWER_SECONDS = 0.3

TOKEN_MAX = 200  # a real token has 43 characters; anything this long is refused unread


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _language(user: User, purpose: str) -> str:
    """The user's language; else, for a reset, the language the request was made in (likely
    the person's own), and for an invitation the app's default language."""
    if user.locale:
        return user.locale
    if purpose == "invitation" or not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def issue(actor: User | None, user: User, purpose: str) -> str:
    """Create a link for `user`, mail it (`invitation` or `password_reset`) and return the
    token (for the caller's tests only: nothing shows it). Flushes; the caller commits."""
    from kipp.mail.outbox import enqueue

    token = secrets.token_urlsafe(32)
    at = now()
    link = AccountLink(
        user_id=user.id,
        purpose=purpose,
        token_hash=digest(token),
        auth_epoch=user.auth_epoch,
        created_at=at,
        expires_at=at + TTL[purpose],
    )
    db.session.add(link)
    db.session.flush()
    hours = int(TTL[purpose].total_seconds() // 3600)
    enqueue(
        MAIL_KIND[purpose],
        to=user.email,
        user_id=user.id,
        language=_language(user, purpose),
        context={"name": user.name, "link": PATH[purpose] + token, "hours": hours},
    )
    record(
        actor,
        f"account_link.{purpose}",
        f"user:{user.id}",
        after={"link_id": link.id, "expires_at": link.expires_at.isoformat()},
    )
    return token


def invite(actor: User | None, user: User) -> str:
    """Mail `user` an invitation to set a password (72 h). `ValidationFailed` for a disabled
    user or one who already set a password (nothing to invite to)."""
    if not user.active or user.id not in awaiting_password([user.id]):
        message = _("This person has already set a password or the account is disabled.")
        raise ValidationFailed(message, errors={"user": [message]})
    return issue(actor, user, "invitation")


def request_reset(email: str, ip: str) -> None:
    """Mail a reset link if `email` belongs to an active account; otherwise do nothing.

    Both paths take the same steps up to the user lookup (two rate-limit counts, one query);
    only an existing active account adds a link row, a queued mail and an audit event (about
    ten milliseconds more, measured), which is why the views answer no sooner than
    `answer_floor()` after the request arrived (`pad`). Raises `RateLimited` (nothing
    counted) past 5 requests per address or 20 per IP address in an hour.
    """
    email = (email or "").strip().lower()
    refused = _("Too many password reset requests. Try again in an hour.")
    if not ratelimit.allow(BUCKET_ADDRESS, ip or "?", RESETS_PER_ADDRESS, RESET_WINDOW):
        raise RateLimited(refused)
    if not ratelimit.allow(BUCKET_EMAIL, email, RESETS_PER_EMAIL, RESET_WINDOW):
        raise RateLimited(refused)
    user = find_user_by_email(email) if email else None
    if user is not None and user.active and addresses.is_valid(addresses.normalise(user.email)):
        issue(None, user, "reset")  # an address the outbox refuses would raise: same answer


def answer_floor() -> float:
    """Seconds a reset request's answer waits for at least (`KIPP_RESET_ANSWER_SECONDS`,
    default 0.3): far above the few milliseconds the mailing path adds, so whether an address
    has an account does not show in how long the answer took."""
    return float(current_app.config.get("KIPP_RESET_ANSWER_SECONDS", RESET_ANSWER_SECONDS))


def pad(started: float) -> None:
    """Sleep until `answer_floor()` seconds after `started` (a `time.monotonic()` value)."""
    left = started + answer_floor() - time.monotonic()
    if left > 0:
        time.sleep(left)


def find(token: str | None, purpose: str) -> AccountLink | None:
    """The usable link of `purpose` with this token, or None (see the module docstring)."""
    if not token or len(token) > TOKEN_MAX:
        return None
    wanted = digest(token)
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == wanted))
    if link is None or not hmac.compare_digest(link.token_hash, wanted):
        return None
    if link.purpose != purpose or link.used_at is not None or now() >= link.expires_at:
        return None
    user = link.user
    if not user.active or user.auth_epoch != link.auth_epoch:
        return None
    return link


def invalid_token() -> InvalidToken:
    message = _("This link is not valid: it was already used, has expired or is incomplete.")
    return InvalidToken(message, errors={"token": [message]})


def use(token: str | None, purpose: str, password: str) -> User:
    """Set the password of the link's user and spend the link; raises before any change
    (`InvalidToken`, `ValidationFailed`). Every session and token of the user dies."""
    link = find(token, purpose)
    if link is None:
        raise invalid_token()
    user = link.user
    problem = password_problem(password, email=user.email, name=user.name)
    if problem:
        raise ValidationFailed(problem, errors={"password": [problem]})
    at = now()
    claimed = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=at)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # a concurrent request used it first
        raise invalid_token()
    set_password(user, user, password)  # new auth epoch: tokens and older links die
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        .values(revoked_at=at)
        .execution_options(synchronize_session=False)
    )
    record(user, f"account_link.use_{purpose}", f"user:{user.id}", after={"link_id": link.id})
    db.session.flush()
    return user


def awaiting_password(user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` who were invited and have not set a password since (an invitation
    of their current auth epoch exists; any password change moves the epoch on)."""
    ids = list(user_ids)
    if not ids:
        return set()
    query = (
        select(AccountLink.user_id)
        .join(User, User.id == AccountLink.user_id)
        .where(
            AccountLink.user_id.in_(ids),
            AccountLink.purpose == "invitation",
            AccountLink.auth_epoch == User.auth_epoch,
        )
    )
    return set(db.session.scalars(query))
