"""URL converters: `<int:…>` in every route is an id of a PostgreSQL `integer` column.

Werkzeug's own `int` converter accepts any number of digits, so `/entries/99999999999`
reached the database and failed there (`integer out of range`). The replacement refuses
anything above 2**31 - 1 while routing: such an id is simply not found (404), before any
view, permission check or query runs. The bound is in the converter's regular expression, not
only in its `to_python`: Werkzeug answers 405 instead of 404 when a path's value fails
conversion for one rule while another rule at the same path takes other methods.
flask-smorest documents the bound (`maximum`) in the OpenAPI document: it reads the
converter's `min`/`max`.
"""

from __future__ import annotations

import builtins

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

INT32_MAX = 2**31 - 1


def at_most(n: int) -> str:
    """A regular expression matching exactly the decimal numbers 0..n (leading zeros allowed)."""
    digits = str(n)
    alternatives = []
    if len(digits) > 1:
        alternatives.append(rf"[1-9]\d{{0,{len(digits) - 2}}}")  # fewer digits than n
    for i, ch in enumerate(digits):  # same length: equal up to i, smaller at i, anything after
        low, rest = (1 if i == 0 else 0), len(digits) - i - 1
        if int(ch) > low:
            tail = rf"\d{{{rest}}}" if rest else ""
            alternatives.append(f"{digits[:i]}[{low}-{int(ch) - 1}]{tail}")
    alternatives.append(digits)
    return f"0*(?:{'|'.join(alternatives)})|0+"


class IdConverter(IntegerConverter):
    """`int` bounded to PostgreSQL's `integer` range; a route's own `max` may only lower it."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        bounded = INT32_MAX if max is None else builtins.min(max, INT32_MAX)
        lowest = min if min is not None else (-INT32_MAX - 1 if signed else None)
        super().__init__(map, fixed_digits, lowest, bounded, signed)
        if not signed and not fixed_digits:
            self.regex = at_most(bounded)


def register_converters(app: Flask) -> None:
    """Replace `int` app-wide; must run before any route is added."""
    app.url_map.converters["int"] = IdConverter
