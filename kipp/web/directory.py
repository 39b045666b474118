"""The public innovation directory: search, facets, charts and innovation pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/innovations")
