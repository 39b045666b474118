"""The secretariat's pages: agencies, users, competitions, stages and audit."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
