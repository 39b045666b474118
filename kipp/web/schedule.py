"""The panel round's presentation schedule (pages)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("schedule", __name__)
