"""The public innovation directory: search, facets, innovation pages (API v1.1 § Public data)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_directory", __name__, url_prefix="/api/v1", description="The public innovation directory"
)
