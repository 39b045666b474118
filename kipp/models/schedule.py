"""Presentation slots of the panel round."""

from __future__ import annotations
