"""Publication, objections, amendments and decrees (API v1.1 § Publication and objections)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "api_publication",
    __name__,
    url_prefix="/api/v1",
    description="Publication, objections, amendments and decrees",
)
