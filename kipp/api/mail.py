"""The mail outbox (admin): GET /mail, POST /mail/{id}/retry (API v1.1 § Accounts by e-mail)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("api_mail", __name__, url_prefix="/api/v1", description="The mail outbox")
