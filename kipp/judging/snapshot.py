"""Canonical snapshots of a ranking and the choices made on it, and their SHA-256.

Guarantees: the hash is independent of dict and set order; Decimals hash as their plain
strings ("85.00"); floats are refused, because they are not exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from kipp.canonical import canonical_json, sha256_hex
from kipp.judging.ranking import Ranking


def canonical_snapshot(
    ranking: Ranking,
    chosen: Iterable[int],
    justifications: Mapping[int, str] | None = None,
    **context: Any,
) -> dict:
    """A JSON-able record of a ranking and the choices made on it, for `snapshot_sha256`.

    Decimals become strings ("85.00"), dict keys strings, `chosen` is sorted. `context` adds
    top-level fields (e.g. tier, round, competition_id); a name clash raises ValueError.
    """
    data: dict[str, Any] = {
        "method": ranking.method,
        "items": [asdict(s) for s in ranking.items],
        "unscored": ranking.unscored,
        "cut": asdict(ranking.cut),
        "reviewers": [asdict(r) for r in ranking.reviewers],
        "chosen": sorted(set(chosen)),
        "justifications": dict(justifications or {}),
    }
    clash = set(context) & set(data)
    if clash:
        raise ValueError(f"context may not replace snapshot fields: {sorted(clash)}")
    data.update(context)
    return jsonable(data)


def jsonable(obj: Any) -> Any:
    """Canonical JSON-able copy: Decimal → plain string (no exponent), keys → str,
    tuples → lists, sets → sorted lists. Floats raise TypeError: they are not exact."""
    if isinstance(obj, Decimal):
        if not obj.is_finite():
            raise TypeError(f"not a finite Decimal: {obj}")
        return format(obj, "f")
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in a snapshot; use Decimal")
    if isinstance(obj, Mapping):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, set | frozenset):
        return [jsonable(v) for v in sorted(obj)]
    if isinstance(obj, list | tuple):
        return [jsonable(v) for v in obj]
    if obj is None or isinstance(obj, bool | int | str):
        return obj
    raise TypeError(f"cannot put {type(obj).__name__} in a snapshot")


def snapshot_sha256(data: Any) -> str:
    """sha256 hex of json.dumps(jsonable(data), sort_keys, compact separators, UTF-8).

    Independent of dict insertion order and set order; Decimals hash as their strings.
    """
    return sha256_hex(canonical_json(jsonable(data)))
