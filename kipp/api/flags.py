"""Entry flags for the secretariat (API v1.1 § Competition rules: flags)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_flags", __name__, url_prefix="/api/v1", description="Entry flags for the secretariat"
)
