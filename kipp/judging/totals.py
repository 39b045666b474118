"""Sheet totals: score values and the weighted total of one sheet, exactly.

No Flask, no database. Guarantees
- `validate_value` accepts a score only as a finite number in 0..100 with at most 2 decimals
  and returns it as a Decimal with exactly 2 places; anything else raises `InvalidValue`
  with a machine-readable `code`.
- `sheet_total` is Σ value × weight / 100 over the round's criteria, computed with fractions
  and rounded once, half-up, to 2 decimals; codes that differ from the criteria raise
  `CriteriaMismatch`.
- `half_up` rounds any exact value half away from zero, without floats or a decimal context.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction

_CENT = Decimal("0.01")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


class InvalidValue(ValueError):
    """A score value is rejected; `code` is one of not_a_number, out_of_range, too_many_decimals."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class CriteriaMismatch(ValueError):
    """A sheet's codes differ from the round's criteria; both lists are sorted."""

    def __init__(self, missing: Sequence[str] = (), unknown: Sequence[str] = ()):
        parts = [f"missing criteria: {', '.join(missing)}"] if missing else []
        parts += [f"unknown criteria: {', '.join(unknown)}"] if unknown else []
        super().__init__("; ".join(parts))
        self.missing, self.unknown = list(missing), list(unknown)


def validate_value(v: object) -> Decimal:
    """Return `v` as a Decimal with exactly 2 decimal places, or raise `InvalidValue`.

    Accepts int, float (read by its shortest repr, so 85.1 is 85.10), Decimal and plain decimal
    strings ("85", "85.25"; surrounding blanks ignored). Rejects bool, NaN, infinities,
    exponent or other non-decimal strings, values outside 0..100 and more than 2 decimals
    (85.500 is fine: it equals 85.50). -0 becomes 0.00.
    """
    if isinstance(v, bool):
        raise InvalidValue("not_a_number", "A score must be a number, not true/false.")
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, float):
        if not math.isfinite(v):
            raise InvalidValue("not_a_number", "A score must be a finite number.")
        d = Decimal(repr(v))
    elif isinstance(v, Decimal):
        if not v.is_finite():
            raise InvalidValue("not_a_number", "A score must be a finite number.")
        d = v
    elif isinstance(v, str) and _NUMBER.fullmatch(v.strip()):
        d = Decimal(v.strip())
    else:
        raise InvalidValue("not_a_number", f"A score must be a number, got {v!r}.")
    if d < 0 or d > 100:
        raise InvalidValue("out_of_range", f"A score must be between 0 and 100, got {v}.")
    q = d.quantize(_CENT)
    if q != d:
        raise InvalidValue("too_many_decimals", f"A score has at most 2 decimals, got {v}.")
    return q if q != 0 else Decimal("0.00")


def sheet_total(
    values: Mapping[str, object], weights: Mapping[str, int], *, partial: bool = False
) -> Decimal:
    """Σ value × weight / 100, rounded half-up to 2 decimals, exactly.

    Every criterion must have a value, weight-0 ones included (they count 0); with
    `partial=True` (a draft's running total) missing values count 0 instead of raising.
    Raises `CriteriaMismatch` for missing/unknown codes, `InvalidValue` for a bad value and
    ValueError when weights are not non-negative integers summing to 100.
    """
    unknown = sorted(set(values) - set(weights))
    missing = [] if partial else sorted(set(weights) - set(values))
    if unknown or missing:
        raise CriteriaMismatch(missing, unknown)
    if any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights.values()):
        raise ValueError("weights must be non-negative integers")
    if sum(weights.values()) != 100:
        raise ValueError("weights must sum to 100")
    acc = sum(
        (Fraction(validate_value(values[c])) * w for c, w in weights.items() if c in values),
        Fraction(0),
    )
    return half_up(acc / 100, 2)


def half_up(q: Fraction | Decimal | int, places: int) -> Decimal:
    """Round exactly, half away from zero, to `places` decimals (no context, no floats)."""
    scaled = Fraction(q) * 10**places
    n = (2 * abs(scaled.numerator) + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(f"{-n if scaled < 0 else n}E-{places}")
