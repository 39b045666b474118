"""Setting a password from an invitation or a reset link, and 'forgot password'."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account_links", __name__, url_prefix="/account")
