"""/assignments, /me/assignments and score sheets."""

from flask_smorest import Blueprint

blp = Blueprint(
    "api_judging", __name__, url_prefix="/api/v1", description="Assignments and score sheets"
)
