"""/ranking, /selections and result exports."""

from flask_smorest import Blueprint

blp = Blueprint(
    "api_selections", __name__, url_prefix="/api/v1", description="Rankings, selections and exports"
)
