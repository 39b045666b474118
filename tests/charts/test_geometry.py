"""kipp.charts: the geometry the SVG charts are drawn from (pure)."""

from __future__ import annotations

from decimal import Decimal

from kipp.charts import (
    LABEL_LINE,
    PAIR_ROW,
    ROW,
    STRIP_PAD,
    STRIP_WIDTH,
    WIDTH,
    bars,
    paired_bars,
    strip,
)


def test_bars_are_proportional_to_the_largest_count():
    c = bars([("Jawa", 40), ("Papua", 10), ("Maluku", 0)])
    assert [(b.label, b.count, b.width, b.y) for b in c["bars"]] == [
        ("Jawa", 40, WIDTH, 0),
        ("Papua", 10, WIDTH // 4, ROW),
        ("Maluku", 0, 0, 2 * ROW),
    ]
    assert c["height"] == 3 * ROW
    assert bars([])["height"] == 0 and bars([("a", 0)])["bars"][0].width == 0


def test_paired_bars_share_one_scale():
    c = paired_bars([("Jawa", 50.0, 25.0, "5 (50.0%)", "10 (25.0%)"), ("Papua", 0, 12.5, "", "")])
    first, second = c["pairs"]
    assert (first.a_width, first.b_width) == (WIDTH, WIDTH // 2)
    assert (second.a_width, second.b_width, second.y) == (0, WIDTH // 4, PAIR_ROW)
    assert first.a_text == "5 (50.0%)"
    assert paired_bars([])["pairs"] == [] and paired_bars([])["height"] == 0
    zero = paired_bars([("x", 0, 0, "0", "0")])["pairs"][0]
    assert (zero.a_width, zero.b_width) == (0, 0)


def test_narrow_paired_bars_put_labels_above():
    c = paired_bars([("a", 10, 5, "", ""), ("b", 2, 0, "", "")], width=100, label=0)
    assert c["top"] == LABEL_LINE and c["label"] == 0
    assert [(p.y, p.a_width, p.b_width) for p in c["pairs"]] == [
        (0, 100, 50),
        (PAIR_ROW + LABEL_LINE, 20, 0),
    ]
    assert c["height"] == 2 * (PAIR_ROW + LABEL_LINE)


def test_strip_places_values_on_the_axis_and_clamps():
    s = strip([Decimal("0"), Decimal("50"), Decimal("100"), Decimal("120")], Decimal("50"), 25)
    end = STRIP_PAD + STRIP_WIDTH
    assert s.dots == [STRIP_PAD, STRIP_PAD + STRIP_WIDTH // 2, end, end]
    assert (s.low, s.high) == (STRIP_PAD, STRIP_PAD + STRIP_WIDTH)
    assert s.mean == STRIP_PAD + STRIP_WIDTH // 2
    assert s.reference == STRIP_PAD + STRIP_WIDTH // 4
    empty = strip([])
    assert (empty.dots, empty.low, empty.mean, empty.reference) == ([], None, None, None)
