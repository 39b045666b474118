"""Server-rendered SVG bar charts of the directory (readable without JavaScript).

`bars(rows)` turns `[(label, count)]` into the geometry a template draws as inline SVG: one
horizontal bar per row, widths proportional to the largest count, the label and the count as
text inside the SVG (so screen readers and text browsers read it), and the page shows the
same numbers as a table next to it. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 320  # drawing width of the longest bar, in SVG units
ROW = 26
LABEL = 150


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int
    width: int


def bars(rows: list[tuple[str, int]]) -> dict:
    """{"bars", "height", "width", "label_width"}; an empty list draws nothing."""
    top = max((n for _, n in rows), default=0)
    out = [
        Bar(label, n, i * ROW, round(WIDTH * n / top) if top else 0)
        for i, (label, n) in enumerate(rows)
    ]
    return {"bars": out, "height": len(out) * ROW, "width": LABEL + WIDTH + 50, "label": LABEL}
