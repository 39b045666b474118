"""Invitations and password resets by e-mail (API v1.1 § Accounts by e-mail).

The three operations are public (no token; `kipp.api.PUBLIC`). Rules live in
`kipp.accounts.links`: unknown, used or expired token → 422 `invalid_token`; a password the
policy refuses → 422 `validation_error` with `errors.password`; neither changes anything.
`POST /auth/password-reset` answers 202 with the same body whether or not the address has an
account, and 429 `rate_limited` past 5 requests per address or 20 per IP address in an hour.
"""

from __future__ import annotations

import time

from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate

from kipp.accounts import links
from kipp.api.responses_base import Out, Str, problems
from kipp.api.schemas import In, Text, UserIn
from kipp.extensions import db
from kipp.limits import EMAIL_MAX, PASSWORD_MAX

blp = Blueprint(
    "api_account_links",
    __name__,
    url_prefix="/api/v1",
    description="Invitations and password resets by e-mail",
)


class NewUserIn(UserIn):
    """`POST /users`: without `password` the person is mailed an invitation (72 h) in
    `locale` (default: the language of the request)."""

    password = Text(PASSWORD_MAX)
    locale = fields.String(validate=validate.OneOf(("id", "en")))


class LinkPasswordIn(In):
    token = Text(links.TOKEN_MAX, 1, required=True)
    password = Text(PASSWORD_MAX, required=True)


class PasswordResetIn(In):
    email = Text(EMAIL_MAX, 1, required=True)


class ResetRequestedOut(Out):
    """The same body whether or not the address has an account."""

    detail = Str()


@blp.post("/auth/invitations/accept")
@blp.arguments(LinkPasswordIn)
@blp.response(204)
def accept_invitation(data):
    """Set the password of an invited account with the invitation's token; then log in."""
    links.use(data["token"], "invitation", data["password"])
    db.session.commit()
    return ""


@blp.post("/auth/password-reset")
@blp.arguments(PasswordResetIn)
@blp.response(202, ResetRequestedOut)
@blp.doc(responses=problems(429))
def request_password_reset(data):
    """Mail a single-use reset link (1 h) if an active account uses this address. The answer
    is the same, and comes no sooner than 0.3 s, whether or not it does."""
    started = time.monotonic()
    links.request_reset(data["email"], request.remote_addr or "?")
    db.session.commit()
    links.pad(started)
    return {
        "detail": _(
            "If an active account uses this address, a link to reset its password is on its way."
        )
    }


@blp.post("/auth/password-reset/confirm")
@blp.arguments(LinkPasswordIn)
@blp.response(204)
def confirm_password_reset(data):
    """Set a new password with a reset token; every session and token of the user dies."""
    links.use(data["token"], "reset", data["password"])
    db.session.commit()
    return ""
