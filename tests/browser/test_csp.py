"""The Content-Security-Policy in a real browser: the main pages of every role load under the
strict policy without a single violation (no inline script, inline handler or inline style is
needed), and the scripts moved out of the templates still do their work."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Assignment
from kipp.security_headers import CSP
from tests.services.judging_fixtures import set_stage
from tests.services.test_api_ranking import scored_world
from tests.workers.job_fixtures import job_for

WAIT = 30_000  # ms: the machine is shared, pages may be slow to come

# Reports every violation of this document (a listener added before any page script runs).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  var where = e.sourceFile + ":" + e.lineNumber;
  window.kippCspViolation([e.violatedDirective, e.blockedURI, where].join(" "));
});
"""


class Watch:
    """Collects CSP violations (event and console) and script errors of a browser page."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.context.expose_function(
            "kippCspViolation", lambda text: self.problems.append(f"{page.url}: {text}")
        )
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"{page.url}: error {exc}"))

    def _console(self, msg) -> None:
        text = msg.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"{self.page.url}: console {text}")

    def visit(self, url: str) -> None:
        resp = self.page.goto(url, wait_until="load")
        assert resp is not None and resp.status == 200, (url, resp and resp.status)
        assert resp.headers.get("content-security-policy") == CSP, url
        self.page.wait_for_load_state("load")
        assert self.problems == []


def login(page, base: str, user) -> None:
    from tests.conftest import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{base}/login?lang=en")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_load_state()


@pytest.fixture
def world(make):
    w = scored_world(make, [[90, 90], [80, 80], [70, None]], shortlist_size=2, final_size=1)
    drafting = make.competition(stage="submission")
    draft = make.entry(drafting, w.owners[0])
    job, _ids = job_for(w.comp, w.entries[:2])  # queued: its page keeps polling
    open_sheet = db.session.scalar(
        select(Assignment.id).where(
            Assignment.entry_id == w.entries[2].id, Assignment.user_id == w.reviewers[1].id
        )
    )
    return w, drafting, draft, job, open_sheet


def test_main_pages_of_every_role_have_no_csp_violation(page, live_server, world):
    w, drafting, draft, job, open_sheet = world
    page.set_default_timeout(WAIT)
    watch = Watch(page)
    base = live_server
    comp = w.comp.id

    for path in ("/login", "/"):
        watch.visit(f"{base}{path}?lang=en")

    login(page, base, w.admin)
    for path in (
        "/admin/competitions",
        f"/admin/competitions/{comp}",
        f"/admin/competitions/{comp}/audit",
        "/admin/users",
        "/admin/agencies",
        "/admin/audit",
        f"/admin/screening/{drafting.id}",
        f"/admin/assignments/{comp}",
    ):
        watch.visit(f"{base}{path}")
    # The competition form's script (moved out of the page) runs: it sums the weights.
    watch.visit(f"{base}/admin/competitions/new")
    expect(page.locator("fieldset[data-criteria] output.weight-sum").first).not_to_have_text(
        "–", timeout=WAIT
    )
    # The documents page's script (moved out of the page) polls the unfinished job.
    with page.expect_response(lambda r: f"/{job.id}" in r.url and r.status == 200):
        watch.visit(f"{base}/admin/documents/{comp}")

    login(page, base, w.owners[0])
    watch.visit(f"{base}/agency/")
    watch.visit(f"{base}/agency/entries/{draft.id}/edit")

    login(page, base, w.reviewers[1])
    watch.visit(f"{base}/panel/")
    # The progress bar gets its width from data-width through bars.js, not style="…".
    assert page.locator(".meter > span").first.evaluate("e => e.style.width").endswith("%")
    watch.visit(f"{base}/panel/assignments/{open_sheet}")  # an unsubmitted sheet: the form
    page.wait_for_selector("#score-form")

    set_stage(w.comp, "shortlist")
    login(page, base, w.chair)
    watch.visit(f"{base}/selection/")
    watch.visit(f"{base}/selection/{comp}/ranking")
    page.check(f"#pick-{w.entries[2].id}")  # selection.js updates the distribution bars
    bar = page.locator("#distribution .bar.sel > span").first
    assert bar.evaluate("e => e.style.width").endswith("%")

    assert watch.problems == []
