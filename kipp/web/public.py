"""Public pages without login: home, published results, objection form, answer register."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__)
