"""Themes and innovation profiles (API v1.1 § Themes and data that stays true)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_themes", __name__, url_prefix="/api/v1", description="Themes and innovation profiles"
)
