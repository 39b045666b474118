"""Published selections: objections, decrees and amendments (masa sanggah)."""

from __future__ import annotations
