"""The agency's pages: dashboard, entry editor, attachments, results."""

from flask import Blueprint

bp = Blueprint("agency", __name__, url_prefix="/agency")
