"""Who is calling the API: a bearer token or a browser session (CSRF-checked on writes)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user

from kipp.auth.services import user_for_token
from kipp.errors import Forbidden, NotFound, Unauthenticated
from kipp.extensions import csrf
from kipp.models import User

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def resolve_api_caller() -> None:
    """Set `g.api_user` (or None) and `g.api_token`; called before every /api/v1 request."""
    g.api_user, g.api_token = None, None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        found = user_for_token(header[7:].strip())
        if found is None:
            # A bad token is never silently downgraded to "anonymous".
            raise Unauthenticated(_("The token is missing, expired or revoked."))
        g.api_user, g.api_token = found
        return
    if current_user.is_authenticated:
        # Session writes need the CSRF token (header X-CSRFToken); exchanging credentials for
        # a token does not act with the session, so it needs none.
        if (
            request.method not in SAFE_METHODS
            and request.endpoint != "api_accounts.create_token"
            and current_app.config.get("WTF_CSRF_ENABLED", True)
        ):
            csrf.protect()
        g.api_user = current_user._get_current_object()


def caller() -> User:
    """The authenticated caller, or Unauthenticated (401)."""
    user = getattr(g, "api_user", None)
    if user is None:
        raise Unauthenticated(_("Log in or send a bearer token."))
    return user


def require(predicate: Callable[..., bool], *objects) -> User:
    """The caller if `predicate(caller, *objects)` holds (a `kipp.permissions` predicate);
    otherwise Forbidden (403: the caller may still read what they may not change). Objects the
    caller may not even read are refused earlier with 404 (`visible_or_404`)."""
    user = caller()
    if not predicate(user, *objects):
        raise Forbidden(_("Your role does not allow this action."))
    return user


def visible_or_404(obj, allowed: bool):
    if obj is None or not allowed:
        raise NotFound(_("Not found."))
    return obj
