"""The secretariat's reports: the stage funnel by province and island group, year on year."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
