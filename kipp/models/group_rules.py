"""Invitations to invitation-only groups."""

from __future__ import annotations
