"""Drafting units: the drafter's and the agency's API."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("drafts_api", __name__, url_prefix="/api/v1", description="Drafting units")
