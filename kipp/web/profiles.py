"""Themes (secretariat) and an innovation's public profile kept current by its agency."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("profiles", __name__, url_prefix="/profiles")
