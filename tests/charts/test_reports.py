"""/reports: the stage funnel of a year against the mean of the earlier years, by island group
and province; the numbers in the SVG and tables are counted from the entries."""

from __future__ import annotations

import re

import pytest

from kipp.charts import WIDTH
from kipp.extensions import db
from kipp.models import Competition, Entry
from tests.charts.test_pages import login, svg
from tests.services.judging_fixtures import selection


@pytest.fixture
def years(make):
    """2024: 2 entries (Jawa Tengah; one shortlisted and final). 2025: 3 entries (Jawa Tengah,
    Papua). 2026: 5 entries — 1 draft, 1 ineligible, 1 submitted, 2 eligible (Papua, one of
    them shortlisted), 1 more eligible in Jawa Tengah that was disqualified after being final."""
    admin, chair = make.admin(), make.user("chair")
    java = make.user("agency", agency=make.agency(province="Jawa Tengah"))
    papua = make.user("agency", agency=make.agency(province="Papua Selatan", is_3t=True))
    old = make.competition(stage="awarded", year=2024, name="KIPP 2024")
    a = make.entry(old, java, status="eligible")
    make.entry(old, java, status="submitted")
    selection(old, "shortlist", [a], chair)
    selection(old, "final", [a], chair)
    mid = make.competition(stage="awarded", year=2025, name="KIPP 2025")
    make.entry(mid, java, status="eligible")
    make.entry(mid, papua, status="eligible")
    make.entry(mid, papua, status="draft")
    now = make.competition(stage="panel", year=2026, name="KIPP 2026")
    make.entry(now, java, status="draft")
    make.entry(now, java, status="ineligible")
    make.entry(now, papua, status="submitted")
    s = make.entry(now, papua, status="eligible")
    make.entry(now, papua, status="eligible")
    gone = make.entry(now, java, status="disqualified")
    selection(now, "shortlist", [s, gone], chair)
    selection(now, "final", [gone], chair)
    return {"admin": admin, "chair": chair, "old": old, "mid": mid, "now": now}


def cells(html: str, table: str, row: str) -> list[str]:
    body = re.search(rf'<table id="{table}".*?</table>', html, re.S).group(0)
    tr = re.search(rf"<tr[^>]*>\s*<th scope=\"row\">{row}</th>(.*?)</tr>", body, re.S).group(1)
    return re.findall(r"<td[^>]*>([^<]*)</td>", tr)


def test_funnel_of_the_newest_year_against_earlier_years(app, years):
    resp = login(app, years["admin"]).get("/reports")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    # Columns: 2026, 2025, 2024.
    assert cells(html, "funnel-table", "Drafts") == ["6", "3", "2"]
    assert cells(html, "funnel-table", "Submitted") == ["5", "2", "2"]
    assert cells(html, "funnel-table", "Eligible") == ["3", "2", "1"]
    assert cells(html, "funnel-table", "Shortlisted") == ["1", "0", "1"]
    assert cells(html, "funnel-table", "Final") == ["0", "0", "1"]
    chart = svg(html, 'data-chart="funnel-chart"')
    assert 'role="img"' in chart and "<title" in chart
    texts = re.findall(r'<rect class="[ab]"[^>]*></rect>\s*<text[^>]*>([^<]*)</text>', chart)
    # this year, then the mean of 2025 and 2024, stage by stage
    assert texts == ["6", "2.5", "5", "2.0", "3", "1.5", "1", "0.5", "0", "0.5"]
    # By island group (stage "submitted" in the bars): Jawa 3 drafts … ; Papua 3 drafts …
    assert cells(html, "island-table", "Jawa") == ["3", "2", "1", "0", "0", "1.5"]
    assert cells(html, "island-table", "Papua") == ["3", "3", "2", "1", "0", "0.5"]
    assert cells(html, "province-table", "Papua Selatan") == ["3", "3", "2", "1", "0", "0.5"]
    island = svg(html, 'data-chart="island-chart"')
    assert re.findall(r'<rect class="a"[^>]*width="(\d+)"', island) == [
        str(round(WIDTH * 2 / 3)),
        str(WIDTH),
    ]


def test_a_chosen_year_and_stage(app, years):
    client = login(app, years["admin"])
    html = client.get(f"/reports?competition_id={years['mid'].id}&stage=eligible").get_data(
        as_text=True
    )
    assert cells(html, "funnel-table", "Drafts") == ["3", "2"]  # 2025 against 2024 only
    assert cells(html, "island-table", "Jawa") == ["1", "1", "1", "0", "0", "1.0"]
    island = svg(html, 'data-chart="island-chart"')
    assert "Eligible by island group: 2025" in island
    # Unknown values fall back to the newest year and the submitted stage.
    for query in ("competition_id=99999999999", "competition_id=x&stage=x", "stage=nope"):
        resp = client.get(f"/reports?{query}")
        assert resp.status_code == 200
        assert "Submitted by island group: 2026" in resp.get_data(as_text=True)
    assert client.get("/reports?stage=%00").status_code == 422  # the app's NUL guard


def test_by_default_the_newest_year_with_submitted_entries(app, make, years):
    """A year open for drafts only would compare nothing: the default is the newest year with a
    submitted entry (here 2026, not 2027)."""
    new = make.competition(stage="submission", year=2027, name="KIPP 2027")
    make.entry(new, make.user("agency"), status="draft")
    html = login(app, years["admin"]).get("/reports").get_data(as_text=True)
    assert "Funnel of KIPP 2026" in html
    assert cells(html, "funnel-table", "Drafts") == ["6", "3", "2"]
    assert f'<option value="{new.id}" >KIPP 2027 (2027)</option>' in html


def test_no_competition_yet(app, make):
    html = login(app, make.admin()).get("/reports").get_data(as_text=True)
    assert "No competition yet." in html


@pytest.mark.parametrize("role", ["chair", "panelist", "evaluator", "agency"])
def test_only_the_secretariat_reads_reports(app, make, role):
    assert login(app, make.user(role)).get("/reports").status_code == 403


def test_anonymous_goes_to_login(client):
    resp = client.get("/reports")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_funnels_take_two_statements_however_many_entries(app, years):
    """One for the competitions, one grouped count: more entries add no statement."""
    from kipp.competitions.reports import funnels
    from tests.services.test_api_ranking import count_statements

    now: Competition = years["now"]
    agency_id = db.session.scalars(db.select(Entry.agency_id)).first()
    db.session.add_all(
        Entry(
            competition_id=now.id,
            agency_id=agency_id,
            title=f"More {i}",
            group="umum",
            summary="s",
            answers={},
            status="draft",
        )
        for i in range(200)
    )
    db.session.commit()
    with count_statements() as seen:
        fs = funnels()
    assert len(seen) == 2
    assert [f.total["drafts"] for f in fs] == [206, 3, 2]
