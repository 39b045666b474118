"""The reviewer's scoring page in a real browser (CSRF on, JavaScript on): live total,
autosave with field errors and stale-version handling, confirmation before submit."""

import time
from decimal import Decimal

from playwright.sync_api import expect

from kipp.extensions import db
from kipp.judging import scoring
from kipp.models import Assignment
from tests.browser import keys
from tests.conftest import PASSWORD
from tests.services.judging_fixtures import assign, evaluation_setup, full_values


def sheet(assignment_id):
    db.session.expire_all()
    a = db.session.get(Assignment, assignment_id)
    return a, scoring.current_values(a)


def wait_status(page, text):
    # expect() polls without eval(): the pages' Content-Security-Policy forbids
    # 'unsafe-eval', which page.wait_for_function(<expression>) needs.
    expect(page.locator("#autosave-status")).to_contain_text(text, timeout=10_000)


SAVE_EVERY_MS = 3_000  # scoring.js: the autosave interval


def autosave(page, assignment_id: int) -> None:
    """Run the page's clock (Playwright's, installed before the page loaded) past one
    autosave interval and wait for the PUT it sends, instead of waiting the interval out."""
    url = f"/api/v1/assignments/{assignment_id}/score"
    with page.expect_response(lambda r: r.request.method == "PUT" and r.url.endswith(url)):
        page.clock.run_for(SAVE_EVERY_MS)


def test_live_total_autosave_and_submit(page, live_server, make, login_as):
    w = evaluation_setup(make, n_entries=2, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    assign(w, w.entries[1], w.reviewers[0])
    aid = a.id
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_as(w.reviewers[0])
    page.clock.install()  # timers run on their own, and jump ahead in autosave()
    page.goto(f"{live_server}/panel/?lang=en")
    page.click(f"#assignment-{aid} a")
    page.wait_for_selector("#score-form")
    assert page.inner_text("#live-total") == "0.00"
    assert not page.is_visible("#confirm")  # JavaScript asks with confirm() instead

    # Live total: Σ value × weight / 100, half-up to 2 decimals.
    page.fill("#score_signifikansi", "90")  # weight 30 → 27
    assert page.inner_text("#live-total") == "27.00"
    page.fill("#score_adaptabilitas", "85.5")  # weight 20 → 17.1
    page.fill("#score_kebaruan", "77.77")  # weight 15 → 11.6655
    assert page.inner_text("#live-total") == "55.77"
    page.fill("#score_kebaruan", "77.777")
    assert page.inner_text("#live-total") == "—"

    # Autosave: a 422 shows the error and keeps the input as typed; nothing is stored.
    autosave(page, aid)
    wait_status(page, "check the highlighted")
    assert "at most 2 decimals" in page.inner_text("#score-form")
    assert page.input_value("#score_kebaruan") == "77.777"
    assert sheet(aid)[1] == {}
    page.fill("#score_kebaruan", "77.77")
    autosave(page, aid)
    wait_status(page, "Saved")
    saved, values = sheet(aid)
    assert values == {
        "signifikansi": Decimal("90.00"),
        "adaptabilitas": Decimal("85.50"),
        "kebaruan": Decimal("77.77"),
    }
    assert (saved.status, saved.total) == ("draft", Decimal("55.77"))
    assert page.input_value("input[name=version]") == str(saved.version)
    assert page.locator("#score-form .error").count() == 0

    # Fill the rest and submit right away: the pending change is saved first.
    for code, value in full_values(saved, 80).items():
        if code not in values:
            page.fill(f"#score_{code}", str(value))
    page.fill("#comment", "Inovasi yang layak.")
    page.on("dialog", lambda d: d.accept())
    page.click("#submit-button")
    page.wait_for_selector("#sheet-total")
    submitted, values = sheet(aid)
    assert submitted.status == "submitted" and submitted.comment == "Inovasi yang layak."
    assert len(values) == 8
    assert page.inner_text("#sheet-total") == str(submitted.total)
    assert page.locator("input[type=number]").count() == 0
    assert "Next entry" in page.inner_text("main")
    assert errors == []


def test_dismissed_confirmation_submits_nothing(page, live_server, make, login_as):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    scoring.save_sheet(a.user, a, full_values(a, 70))
    db.session.commit()
    aid = a.id
    login_as(w.reviewers[0])
    page.goto(f"{live_server}/panel/assignments/{aid}?lang=en")
    submit_url = f"/panel/assignments/{aid}/submit"
    submits = []
    page.on(
        "request", lambda r: r.method == "POST" and r.url.endswith(submit_url) and submits.append(r)
    )
    answers = iter([False, True])  # dismiss the first confirmation, accept the second
    page.on("dialog", lambda d: d.accept() if next(answers) else d.dismiss())
    with page.expect_event("dialog"):
        page.click("#submit-button")
    assert page.is_visible("#score-form")
    assert sheet(aid)[0].status == "draft"
    # The accepted confirmation submits once; a submit started by the dismissed one would
    # have been sent before it and counted here.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(submit_url)):
        page.click("#submit-button")
    assert len(submits) == 1
    assert sheet(aid)[0].status == "submitted"


def test_stale_version_keeps_a_local_copy(page, live_server, make, login_as):
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    aid = a.id
    login_as(w.reviewers[0])
    page.clock.install()  # timers run on their own, and jump ahead in autosave()
    page.goto(f"{live_server}/panel/assignments/{aid}?lang=en")
    # Saved elsewhere (another tab) after this page was opened.
    scoring.save_sheet(a.user, a, {"kebaruan": 50})
    db.session.commit()
    page.fill("#score_kebaruan", "66")
    autosave(page, aid)
    wait_status(page, "saved elsewhere")
    assert "66" in page.evaluate(f"localStorage.getItem('kipp:sheet:{aid}')")
    assert sheet(aid)[1] == {"kebaruan": Decimal("50.00")}
    page.click("#autosave-errors button")  # reload
    page.wait_for_selector("#autosave-restore button.primary")
    assert page.input_value("#score_kebaruan") == "50.00"
    page.click("#autosave-restore button.primary")
    assert page.input_value("#score_kebaruan") == "66"
    autosave(page, aid)
    wait_status(page, "Saved")
    assert sheet(aid)[1] == {"kebaruan": Decimal("66.00")}


def test_scoring_by_keyboard(page, live_server, make):
    """The evaluator without a mouse: Tab to the assignment, type every score (the live
    total follows), autosave's 422 tied to its field and gone once fixed, then Enter on
    "Submit" and Enter in the confirmation."""
    w = evaluation_setup(make, n_entries=1, n_reviewers=1)
    a = assign(w, w.entries[0], w.reviewers[0])
    aid = a.id
    values = full_values(a, 80)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    keys.login(page, live_server, w.reviewers[0].email, PASSWORD, lang="en")
    page.goto(f"{live_server}/panel/")
    keys.from_the_top(page)
    keys.follow(page, page.locator(f"#assignment-{aid} a"))
    page.clock.pause_at(time.time() * 1000 + 1000)  # timers run only in autosave()
    kebaruan = page.locator("#score_kebaruan")
    keys.from_the_top(page)
    keys.type_into(page, kebaruan, "77.777")
    assert page.inner_text("#live-total") == "—"
    autosave(page, aid)
    wait_status(page, "check the highlighted")
    assert kebaruan.get_attribute("aria-invalid") == "true"
    error_id = kebaruan.get_attribute("aria-describedby").split()[-1]
    assert "at most 2 decimals" in page.inner_text(f"#{error_id}")
    keys.type_into(page, kebaruan, "77.77", limit=0)  # saving kept the focus there
    autosave(page, aid)
    wait_status(page, "Saved")
    assert kebaruan.get_attribute("aria-invalid") is None
    assert error_id not in kebaruan.get_attribute("aria-describedby")

    keys.from_the_top(page)
    for code, value in values.items():
        if code != "kebaruan":
            keys.type_into(page, page.locator(f"#score_{code}"), str(value))
    keys.type_into(page, page.locator("#comment"), "Inovasi yang layak.")
    page.on("dialog", lambda d: d.accept())  # the confirmation: Enter on its OK
    keys.tab_to(page, page.locator("#submit-button"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("#sheet-total")
    submitted, stored = sheet(aid)
    assert submitted.status == "submitted" and submitted.comment == "Inovasi yang layak."
    assert stored["kebaruan"] == Decimal("77.77") and len(stored) == len(values)
    assert errors == []
