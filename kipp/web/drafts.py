"""Drafting units: the drafter's and the agency's pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("drafts", __name__)
