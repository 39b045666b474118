"""The charts in Debian chromium: accessible (axe-core, headings, landmarks: tests/browser/axe.py)
and drawn with JavaScript switched off (server-rendered SVG, visible, with their text)."""

from __future__ import annotations

import pytest

from kipp.extensions import db
from tests.browser import keys
from tests.browser.axe import check_page
from tests.browser.conftest import ARGS, CHROMIUM  # noqa: F401
from tests.charts.test_pages import TOTALS
from tests.conftest import PASSWORD
from tests.services.test_api_ranking import scored_world

CHARTS = {  # page → the charts it must draw
    "assignments": ["svg.strip"],
    "ranking": ['svg[data-chart="dist-island_group"]', 'svg[data-chart="dist-is_3t"]'],
    "reports": ['svg[data-chart="funnel-chart"]', 'svg[data-chart="island-chart"]'],
}


@pytest.fixture
def paths(make):
    w = scored_world(make, TOTALS)
    w.comp.shortlist_size = 2
    db.session.commit()
    return w, {
        "assignments": f"/admin/assignments/{w.comp.id}?round=evaluation",
        "ranking": f"/selection/{w.comp.id}/ranking?round=evaluation",
        "reports": "/reports",
    }


def _login(context, base, user):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button.primary")
    page.wait_for_load_state()
    assert "/login" not in page.url
    return page


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_charts_are_accessible_and_need_no_javascript(browser, live_server, paths, javascript):  # noqa: F811
    w, where = paths
    context = browser.new_context(
        bypass_csp=True,  # axe-core is injected inline
        locale="id-ID",
        viewport={"width": 1200, "height": 900},
        java_script_enabled=javascript,
    )
    try:
        page = _login(context, live_server, w.admin)
        problems = []
        for name, path in where.items():
            page.goto(f"{live_server}{path}")
            page.wait_for_load_state()
            for selector in CHARTS[name]:
                chart = page.locator(selector).first
                chart.scroll_into_view_if_needed()
                box = chart.bounding_box()
                assert box and box["width"] > 50 and box["height"] > 10, (name, selector)
                assert chart.locator("title").count() == 1
            if javascript:
                problems += check_page(page, path)
        assert problems == []
    finally:
        context.close()


def test_chart_pages_by_keyboard(browser, live_server, paths):
    """The chart pages reached and read without a mouse: "Reports" is followed from the
    navigation with Enter, and on every chart page each element Tab reaches (links, the
    focusable frames of the wide tables next to the charts, form controls) shows its focus."""
    w, where = paths
    context = browser.new_context(locale="id-ID", viewport={"width": 1200, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(15_000)
        keys.login(page, live_server, w.admin.email, PASSWORD)
        keys.from_the_top(page)
        keys.follow(page, page.locator("header nav a[href='/reports']"))
        assert page.url.endswith("/reports")
        for name in ("reports", "assignments", "ranking"):
            path = where[name]
            if name != "reports":
                page.goto(f"{live_server}{path}")
            reached = keys.tab_through(page)
            assert len(reached) > 3, (path, reached)
            assert page.locator(CHARTS[name][0]).count() >= 1, path
    finally:
        context.close()
