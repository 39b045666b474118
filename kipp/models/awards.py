"""Extra awards of a competition."""

from __future__ import annotations
