"""The mail outbox for the secretariat: filters, status, last error, retry."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outbox", __name__, url_prefix="/admin/mail")
