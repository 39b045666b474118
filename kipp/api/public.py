"""Public data without login (API v1.1 § Public data): competitions, published selections,
objections, open data."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_public", __name__, url_prefix="/api/v1", description="Public data without login"
)
