"""Reviewers' pages: my assignments and the scoring page."""

from flask import Blueprint

bp = Blueprint("panel", __name__, url_prefix="/panel")
