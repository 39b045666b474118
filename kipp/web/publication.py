"""Publishing selections, deciding objections, amending and recording decrees (secretariat,
chair)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("publication", __name__, url_prefix="/publication")
