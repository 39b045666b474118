"""Geometry of the server-rendered SVG charts (readable without JavaScript).

Templates draw inline SVG from what these functions return; the numbers are always also shown
as text (inside the SVG and in a table next to it), so a chart is never the only way to read
them. Pure: no Flask, no database. The Content-Security-Policy forbids `style="…"`, so the
templates use SVG presentation attributes (`fill`, `stroke`) only.

- `bars(rows)`: one horizontal bar per `(label, count)`, widths proportional to the largest
  count (the directory's charts, the report's funnel).
- `paired_bars(rows)`: two bars per row (e.g. a selection's share against its pool's share),
  both scaled to the largest value of either series, so the two are directly comparable.
- `strip(values, ...)`: one reviewer's sheet totals as dots on a 0–100 axis with their range,
  their mean and a reference mark (the panel's mean).

Guarantees: widths and positions are integers in SVG units, never negative, and never wider
than the drawing; an empty input draws nothing (zero height); a series whose values are all
0 draws zero-width bars (no division by zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

WIDTH = 320  # drawing width of the longest bar, in SVG units
ROW = 26
LABEL = 150


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: int


def _scaled(value: float, top: float, width: int = WIDTH) -> int:
    return max(0, min(width, round(width * value / top))) if top > 0 else 0


def bars(rows: list[tuple[str, int]]) -> dict:
    """{"bars", "height", "width", "label"}; an empty list draws nothing."""
    top = max((n for _, n in rows), default=0)
    out = [Bar(label, n, i * ROW, _scaled(n, top)) for i, (label, n) in enumerate(rows)]
    return {"bars": out, "height": len(out) * ROW, "width": LABEL + WIDTH + 50, "label": LABEL}


PAIR_ROW = 40  # two 14-unit bars and a gap
LABEL_LINE = 16  # with `label=0` each row's label is drawn on a line of its own, above


@dataclass(frozen=True)
class Pair:
    label: str
    a: float
    b: float
    a_text: str
    b_text: str
    y: int
    a_width: int
    b_width: int


def paired_bars(
    rows: Sequence[tuple[str, float, float, str, str]],
    *,
    width: int = WIDTH,
    label: int = LABEL,
) -> dict:
    """Rows `(label, a, b, a_text, b_text)` → {"pairs", "height", "width", "label", "top"}.

    `a` and `b` share one scale (the largest of both): equal values draw equal bars, the
    largest is `width` units long. The texts are printed after each bar (e.g. "12 (30.0%)").
    `label` is the room left of the bars for the labels; with 0 (narrow columns) each label
    sits on its own line above its bars and `top` is that line's height."""
    top = max((max(a, b) for _, a, b, _, _ in rows), default=0)
    line = 0 if label else LABEL_LINE
    row = PAIR_ROW + line
    pairs = [
        Pair(name, a, b, at, bt, i * row, _scaled(a, top, width), _scaled(b, top, width))
        for i, (name, a, b, at, bt) in enumerate(rows)
    ]
    return {
        "pairs": pairs,
        "height": len(pairs) * row,
        "width": label + width + 80,
        "label": label,
        "top": line,
    }


STRIP_WIDTH = 240  # 0..100 points drawn over this many units
STRIP_PAD = 6


@dataclass(frozen=True)
class Strip:
    dots: list[int]  # x of each value, in input order
    low: int | None  # x of the smallest and largest value
    high: int | None
    mean: int | None
    reference: int | None
    width: int
    height: int


def _x(value: Decimal | float, lo: float, hi: float) -> int:
    share = (float(value) - lo) / (hi - lo)
    return STRIP_PAD + round(STRIP_WIDTH * max(0.0, min(1.0, share)))


def strip(
    values: Sequence[Decimal | float],
    mean: Decimal | float | None = None,
    reference: Decimal | float | None = None,
    lo: float = 0,
    hi: float = 100,
) -> Strip:
    """Positions of `values` (clamped to lo..hi), their range, `mean` and `reference`."""
    dots = [_x(v, lo, hi) for v in values]
    return Strip(
        dots=dots,
        low=min(dots) if dots else None,
        high=max(dots) if dots else None,
        mean=None if mean is None else _x(mean, lo, hi),
        reference=None if reference is None else _x(reference, lo, hi),
        width=STRIP_WIDTH + 2 * STRIP_PAD,
        height=24,
    )
