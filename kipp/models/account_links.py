"""Single-use account links: invitations (72 h) and password resets (1 h), stored hashed."""

from __future__ import annotations
