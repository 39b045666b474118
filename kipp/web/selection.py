"""The panel chair's ranking and selection pages."""

from flask import Blueprint

bp = Blueprint("selection_web", __name__, url_prefix="/selection")
