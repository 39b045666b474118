"""The public innovation directory: what it needs beyond the entries themselves."""

from __future__ import annotations
