"""The panel round's presentation schedule (API)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("schedule_api", __name__, url_prefix="/api/v1", description="Presentation schedule")
