"""One countdown script (countdown.js) on the agency pages and the public pages: the server
writes each countdown's text, and the script rewrites it on its own as the clock runs
(Playwright's clock, installed before the page loads, jumps ahead instead of waiting)."""

from datetime import timedelta

from playwright.sync_api import expect

from kipp.clock import now
from kipp.extensions import db

DAY_MS = 24 * 3600 * 1000


def runs_to_closed(page, url: str, selector: str, texts: list[str], closed: str) -> None:
    """Load `url` on Playwright's clock; the countdown shows texts[0], then each next text a
    day later, and `closed` after a few more days; no script error on the way."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    page.goto(url)
    countdown = page.locator(selector).first
    for text in texts:
        expect(countdown).to_contain_text(text)
        page.clock.fast_forward(DAY_MS)
    page.clock.fast_forward(4 * DAY_MS)
    expect(countdown).to_have_text(closed)
    assert not errors


def test_the_agency_dashboard_countdown_runs_to_closed(page, live_server, make, login_as):
    comp = make.competition(closes=now() + timedelta(days=2, hours=3, minutes=30))
    user = make.user("agency")
    make.entry(comp, user)
    login_as(user)
    texts = ["2 days 3 hours left", "1 day 3 hours left"]
    url = f"{live_server}/agency/?lang=en"
    runs_to_closed(page, url, "[data-countdown]", texts, "Submission closed")


def test_the_public_home_countdown_runs_to_closed(page, live_server, make):
    comp = make.competition(stage="submission", name="KIPP 2027", year=2027)
    comp.submission_closes_at = now() + timedelta(days=3, hours=5, minutes=30)
    db.session.commit()
    texts = ["3 days 5 hours left", "2 days 5 hours left"]
    runs_to_closed(page, f"{live_server}/?lang=en", "[data-deadline]", texts, "Closed")
