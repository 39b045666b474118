"""The secretariat's assignment pages: loads, progress, auto and manual assignment, reopen."""

from flask import Blueprint

bp = Blueprint("assignments_web", __name__, url_prefix="/admin/assignments")
