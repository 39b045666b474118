"""Canonical JSON: the one text that hashes and snapshots are computed over.

`canonical_json` sorts keys at every level, uses compact separators and keeps non-ASCII
characters as they are (UTF-8 when encoded), so equal data always gives the same bytes,
whatever the insertion order of its dicts. The audit chain, the selection snapshot (whose
SHA-256 is published and whose download must match it byte for byte) and the score-sheet
content hash all use it; changing it would break every recorded hash, which
`tests/unit/test_canonical.py` pins.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any


def canonical_json(data: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """The canonical text of `data`; `default` converts values JSON has no type for."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=default
    )


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of `text`, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
