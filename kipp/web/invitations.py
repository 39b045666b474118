"""Invitations to invitation-only groups (pages)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("invitations", __name__)
