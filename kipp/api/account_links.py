"""Invitations and password resets by e-mail (API v1.1 § Accounts by e-mail)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_account_links",
    __name__,
    url_prefix="/api/v1",
    description="Invitations and password resets by e-mail",
)
