"""The charts on the pages: the numbers drawn in the SVG are those of the data, the charts are in
the server's HTML (no JavaScript needed), and who may see each page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from kipp.charts import STRIP_PAD, STRIP_WIDTH
from kipp.extensions import db
from kipp.models import Agency
from tests.conftest import PASSWORD
from tests.services.test_api_ranking import scored_world


def login(app, user):
    client = app.test_client()
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    client.get("/lang/en")
    return client


def svg(html: str, marker: str) -> str:
    """The <svg> element whose attributes contain `marker`."""
    return re.search(rf"<svg[^>]*{marker}.*?</svg>", html, re.S).group(0)


def x(total) -> int:
    return STRIP_PAD + round(STRIP_WIDTH * float(total) / 100)


# ----------------------------------------------------------------- assignments: strips
HARSH = [40, 45, 42, 43]
TOTALS = [[80, 79, 40], [82, 81, 45], [78, 80, 42], [80, 80, 43]]  # entry i: by reviewer


@pytest.fixture
def scored(make):
    return scored_world(make, TOTALS)


def test_each_reviewer_strip_draws_their_totals_and_the_harsh_one_stands_out(app, scored):
    html = (
        login(app, scored.admin)
        .get(f"/admin/assignments/{scored.comp.id}?round=evaluation")
        .get_data(as_text=True)
    )
    all_totals = [t for row in TOTALS for t in row]
    panel_mean = Decimal(sum(all_totals)) / len(all_totals)
    for i, reviewer in enumerate(scored.reviewers):
        mine = sorted(row[i] for row in TOTALS)
        row = re.search(rf'<tr data-reviewer="{reviewer.id}".*?</tr>', html, re.S).group(0)
        strip = svg(row, 'class="strip"')
        assert 'role="img"' in strip and "<title" in strip
        cxs = [int(v) for v in re.findall(r'<circle cx="(\d+)"', strip)]
        assert cxs == [x(t) for t in mine]
        mean = Decimal(sum(mine)) / len(mine)
        assert f'data-field="mean">{mean:.2f}<' in row
        assert re.search(rf'class="mean" x1="{x(mean)}"', strip)
        assert re.search(rf'class="reference" x1="{x(panel_mean)}"', strip)
        title = re.search(r"<title[^>]*>(.*?)</title>", strip, re.S).group(1)
        assert ", ".join(f"{Decimal(t):.2f}" for t in mine) in title
        harsh = mine == sorted(HARSH)
        assert ("leaning-harsh" in row) is harsh
        assert ("Harsh" in row) is harsh
    assert "No submitted sheet in this round yet." not in html


def test_no_sheets_no_strips(app, make):
    from tests.services.judging_fixtures import evaluation_setup

    w = evaluation_setup(make)
    html = login(app, w.admin).get(f"/admin/assignments/{w.comp.id}").get_data(as_text=True)
    assert "No submitted sheet in this round yet." in html and 'class="strip"' not in html


# ----------------------------------------------------------------- ranking: distribution bars
def test_distribution_bars_show_selection_against_pool(app, scored):
    # The top two by mean are entries 1 and 3 (the cut at 2); entry 1 is in Papua and 3T.
    agencies = [db.session.get(Agency, e.agency_id) for e in scored.entries]
    agencies[1].province, agencies[1].is_3t = "Papua Selatan", True
    agencies[3].province, agencies[3].kind = "Jawa Timur", "kota"
    db.session.commit()
    scored.comp.shortlist_size = 2
    db.session.commit()
    resp = login(app, scored.chair).get(f"/selection/{scored.comp.id}/ranking?round=evaluation")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    chart = svg(html, 'data-chart="dist-island_group"')
    assert 'role="img"' in chart and "<title" in chart
    rows = re.findall(
        r'<g transform[^>]*>\s*<text[^>]*>([^<]*)</text>\s*<rect class="a"[^>]*width="(\d+)"[^>]*'
        r'data-value="([\d.]+)"></rect>\s*<text[^>]*>([^<]*)</text>\s*<rect class="b"[^>]*'
        r'width="(\d+)"[^>]*data-value="([\d.]+)"></rect>\s*<text[^>]*>([^<]*)</text>',
        chart,
    )
    # Pool: 3 in Jawa, 1 in Papua; selection (top 2: entries 1 and 3): 1 and 1.
    assert [(r[0], r[3], r[6]) for r in rows] == [
        ("Jawa", "1 (50.0%)", "3 (75.0%)"),
        ("Papua", "1 (50.0%)", "1 (25.0%)"),
    ]
    top, width = 75.0, 150  # the aside's bars are 150 units at most
    assert [int(r[1]) for r in rows] == [round(width * 50 / top), round(width * 50 / top)]
    assert [int(r[4]) for r in rows] == [width, round(width * 25 / top)]
    t3 = svg(html, 'data-chart="dist-is_3t"')
    assert "1 (50.0%)" in t3 and "1 (25.0%)" in t3
    assert svg(html, 'data-chart="dist-agency_kind"') and svg(html, 'data-chart="dist-group"')
