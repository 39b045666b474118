"""The secretariat's screening queue."""

from flask import Blueprint

bp = Blueprint("screening", __name__, url_prefix="/admin/screening")
