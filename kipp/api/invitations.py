"""Invitations to invitation-only groups (API)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("invitations_api", __name__, url_prefix="/api/v1", description="Invitations")
