"""Steps of the demo walkthrough as a person takes them in the browser.

Each step only clicks, fills and reads pages (element ids, form field names and roles, not
exact markup); it asserts what the person would check on the page before moving on. The
database is never written here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import Locator, Page, expect

from kipp.demo import DEMO_PASSWORD
from tests.browser import keys

WAIT = 30_000  # ms: the machine is shared, pages may be slow to come
STAGE_LABELS = {
    "evaluation": "Evaluation",
    "shortlist": "Shortlist",
    "panel": "Panel",
    "final": "Final",
    "awarded": "Awarded",
}


class Hands:
    """How the person acts: with the mouse (Playwright's click, fill, check) or, with
    `keyboard`, by keyboard only (tests/browser/keys.py: Tab to the element, then Enter,
    Space, typing or the arrow keys)."""

    def __init__(self, keyboard: bool = False):
        self.keyboard = keyboard

    def click(self, page: Page, target: Locator) -> None:
        if not self.keyboard:
            target.click()
            return
        keys.reach(page, target)
        page.keyboard.press("Enter")

    def fill(self, page: Page, target: Locator, text: str) -> None:
        if not self.keyboard:
            target.fill(text)
            return
        keys.reach(page, target)
        keys.type_into(page, target, text, limit=0)

    def check(self, page: Page, target: Locator, on: bool = True) -> None:
        if not self.keyboard:
            target.set_checked(on)
            return
        if target.first.get_attribute("type") == "radio":
            # a group is one Tab stop: Tab into it, the arrow keys choose in it
            keys.from_the_top(page)
            keys.radio(page, target, limit=200)
            return
        keys.reach(page, target)
        keys.tick(page, target, on=on, limit=0)

    def select(self, page: Page, target: Locator, value: str) -> None:
        if not self.keyboard:
            target.select_option(value)
            return
        keys.reach(page, target)
        keys.choose(page, target, value, limit=0)


HANDS: dict[int, Hands] = {}  # id(page) -> how the person acts on that page


def use(page: Page, hands: Hands) -> None:
    HANDS[id(page)] = hands


def hands(page: Page) -> Hands:
    return HANDS.get(id(page)) or Hands()


def see(locator, text: str | re.Pattern) -> None:
    expect(locator).to_contain_text(text, timeout=WAIT)


def flash(page: Page, text: str | re.Pattern) -> None:
    """The confirmation message shown at the top of the page after a form was accepted."""
    see(page.locator("main .flash.ok").first, text)


def login(page: Page, base: str, email: str, name: str) -> None:
    """Log out whoever was logged in, log in with the demo password, in English."""
    page.context.clear_cookies()
    if hands(page).keyboard:
        keys.login(page, base, email, DEMO_PASSWORD, lang="en")
    else:
        page.goto(f"{base}/login?lang=en")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
    see(page.locator("header"), name)


# ----------------------------------------------------------------- secretariat
def screen_queue(page: Page, base: str, comp_id: int, reason: str, note: str) -> dict:
    """Fail the first unscreened entry on its own page (with `reason`), pass the rest of the
    queue at once. Returns {"failed": id, "passed": [ids]}."""
    page.goto(f"{base}/admin/screening/{comp_id}")
    picks = page.locator("#bulk input[name=entry_ids]")
    waiting = [int(v) for v in picks.evaluate_all("els => els.map(e => e.value)")]
    assert waiting, "the demo queue should still hold unscreened entries"
    see(page.locator("#range"), f"of {len(waiting)}")

    failed = waiting[0]
    act = hands(page)
    act.click(page, page.locator(f"#bulk a[href*='/entries/{failed}']"))
    page.wait_for_url(re.compile(rf".*/entries/{failed}(\?.*)?$"), timeout=WAIT)
    act.check(page, page.locator("#decision-fail"))
    act.check(page, page.locator(f"#reason-{reason}"))
    act.fill(page, page.locator("textarea[name=note]"), note)
    act.click(page, page.get_by_role("button", name="Save and go to the next entry"))
    flash(page, "Ineligible")
    act.click(page, page.get_by_role("link", name="Back to the queue"))
    page.wait_for_url(re.compile(rf".*/admin/screening/{comp_id}(\?.*)?$"), timeout=WAIT)

    rest = [int(v) for v in picks.evaluate_all("els => els.map(e => e.value)")]
    assert sorted(rest) == sorted(waiting[1:])
    for entry_id in rest:
        act.check(page, page.locator(f"#pick-{entry_id}"))
    act.click(page, page.get_by_role("button", name="Pass selected"))
    flash(page, f"{len(rest)} entries marked eligible.")
    see(page.locator("#range"), "No entries match this view.")
    return {"failed": failed, "passed": rest}


def competition_counts(page: Page, base: str, comp_id: int) -> dict[str, int]:
    page.goto(f"{base}/admin/competitions/{comp_id}")
    cells = page.locator("td[data-status]")
    pairs = cells.evaluate_all("els => els.map(e => [e.dataset.status, e.textContent.trim()])")
    return {status: int(n) for status, n in pairs}


def move_stage(page: Page, base: str, comp_id: int, to: str) -> None:
    """On the competition page: nothing blocks the next step; move; the stepper follows."""
    page.goto(f"{base}/admin/competitions/{comp_id}")
    label = STAGE_LABELS[to]
    see(page.locator("main"), f"Next step: {label}")
    see(page.locator("main"), "Nothing blocks this step.")
    hands(page).click(page, page.get_by_role("button", name=f"Move to {label}"))
    flash(page, f"The competition moved to stage {label}.")
    see(page.locator("li[aria-current=step]"), label)


def blockers(page: Page, base: str, comp_id: int) -> list[str]:
    page.goto(f"{base}/admin/competitions/{comp_id}")
    return page.locator(".blockers li").all_inner_texts()


def auto_assign(page: Page, base: str, comp_id: int, round_: str) -> dict[str, int]:
    """Press "Assign automatically" for the round; returns the coverage figures shown."""
    page.goto(f"{base}/admin/assignments/{comp_id}?round={round_}")
    see(page.locator("#coverage"), "Entries to cover")
    hands(page).click(
        page, page.locator("#auto").get_by_role("button", name="Assign automatically")
    )
    flash(page, re.compile(r"\d+ assignments created\."))
    coverage = page.locator("#coverage dd[data-count]")
    pairs = coverage.evaluate_all("els => els.map(e => [e.dataset.count, e.textContent.trim()])")
    counts = {key: int(text.split()[0]) for key, text in pairs}
    loads = page.locator("#loads td[data-field=assigned]").all_inner_texts()
    counts["max_load"], counts["min_load"] = max(map(int, loads)), min(map(int, loads))
    return counts


# ----------------------------------------------------------------- reviewers
def expected_total(values: dict[str, int], weights: dict[str, int]) -> str:
    raw = sum(Decimal(values[c]) * weights[c] for c in values) / 100
    return str(raw.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def score_all(
    page: Page,
    base: str,
    comp_id: int,
    round_: str,
    values_for: Callable[[int, list[str]], dict[str, int]],
    comment: str,
) -> dict[int, str]:
    """Score every sheet of the round from "My assignments": open the first, fill every
    criterion and the comment, submit (accepting the confirmation), check the read-only
    sheet, go on with "Next entry". `values_for(assignment_id, codes)` gives the scores.
    Returns {assignment id: total shown on the submitted sheet}."""
    page.goto(f"{base}/panel/")
    group = page.locator(f"section[aria-labelledby='round-{comp_id}-{round_}']")
    see(group, "open")
    rows = group.locator("tr[id^=assignment-]")
    mine = rows.evaluate_all("rs => rs.map(r => [r.id.slice(11), r.dataset.status])")
    ids = [int(i) for i, _status in mine]
    assert ids and all(status == "pending" for _i, status in mine), mine
    see(group, f"0 of {len(ids)} submitted")

    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    totals: dict[int, str] = {}
    act = hands(page)
    act.click(page, rows.first.get_by_role("link").first)
    while True:
        form = page.locator("#score-form")
        expect(form).to_be_visible(timeout=WAIT)
        aid = int(form.get_attribute("data-sheet-id"))
        inputs = form.locator("input[data-code]")
        spec = inputs.evaluate_all("els => els.map(e => [e.dataset.code, e.dataset.weight])")
        weights = {code: int(w) for code, w in spec}
        values = values_for(aid, list(weights))
        for code, value in values.items():
            act.fill(page, page.locator(f"#score_{code}"), str(value))
        act.fill(page, page.locator("#comment"), comment)
        total = expected_total(values, weights)
        expect(page.locator("#live-total")).to_have_text(total, timeout=WAIT)
        act.click(page, page.locator("#submit-button"))
        expect(page.locator("#sheet-total")).to_have_text(total, timeout=WAIT)
        assert page.locator("input[type=number]").count() == 0  # read-only now
        totals[aid] = total
        following = page.locator("a[rel=next]")
        if following.count() == 0:
            break
        act.click(page, following.first)
        page.wait_for_url(re.compile(rf".*/panel/assignments/(?!{aid}$)\d+$"), timeout=WAIT)
    page.remove_listener("dialog", accept)
    assert len(asked) == len(ids)  # one confirmation per submitted sheet

    page.goto(f"{base}/panel/")
    see(group, f"{len(ids)} of {len(ids)} submitted")
    statuses = rows.evaluate_all("rs => rs.map(r => r.dataset.status)")
    assert statuses == ["submitted"] * len(ids)
    assert sorted(totals) == sorted(ids)
    return totals


# ----------------------------------------------------------------- panel chair
def _ids(locator) -> list[int]:
    return [int(v) for v in locator.evaluate_all("rs => rs.map(r => r.dataset.entry)")]


def select_tier(
    page: Page, base: str, comp_id: int, round_: str, size: int, reason: str | None
) -> dict:
    """On the ranking page: start from the cut, decide a split tie as the page asks, and
    with `reason` take the first entry below the cut instead of the last one above it
    (justified in the box that appears); propose, check the proposal, finalise.
    Returns {"selection_id", "chosen", "taken", "left_out", "sha256"}."""
    page.goto(f"{base}/selection/{comp_id}/ranking?round={round_}")
    expect(page.locator("#selection-form")).to_be_visible(timeout=WAIT)
    see(page.locator("#selected-target"), str(size))
    order = _ids(page.locator("#ranking tr[data-entry]"))
    tied = set(_ids(page.locator("#ranking tr.tied[data-entry]")))
    assert len(order) > size
    boxes = page.locator("#ranking input[name=entry_ids]:checked")
    checked = {int(v) for v in boxes.evaluate_all("els => els.map(e => e.value)")}
    if tied:  # the cut is never decided silently: the page names the tied entries
        notice = page.locator("#tie-notice")
        see(notice, "Decide the tie")
        for e in [e for e in order if e in tied and e not in checked][: size - len(checked)]:
            hands(page).check(page, page.locator(f"#pick-{e}"))
            checked.add(e)
    else:
        assert checked == set(order[:size])
    see(page.locator("#selected-count"), str(size))

    taken = left_out = None
    if reason:
        left_out = [e for e in order[:size] if e in checked and e not in tied][-1]
        taken = next(e for e in order[size:] if e not in tied)
        assert not page.is_visible(f"#just-{taken}")
        hands(page).check(page, page.locator(f"#pick-{left_out}"), on=False)
        hands(page).check(page, page.locator(f"#pick-{taken}"))
        checked = (checked - {left_out}) | {taken}
        expect(page.locator(f"#just-{taken}")).to_be_visible(timeout=WAIT)
        overridden = _ids(page.locator("#ranking tr.override[data-entry]"))
        assert taken in overridden
        for e in overridden:
            hands(page).fill(page, page.locator(f"#just-{e}"), reason)
        see(page.locator("#selected-count"), str(size))

    hands(page).click(page, page.get_by_role("button", name="Propose this selection"))
    page.wait_for_url(re.compile(r".*/selection/proposals/\d+$"), timeout=WAIT)
    selection_id = int(page.url.rsplit("/", 1)[1])
    see(page.locator("#selection-status"), "proposed")
    listed = _ids(page.locator("#selection-entries tr[data-entry]"))
    assert sorted(listed) == sorted(checked)
    if taken is not None:
        row = page.locator(f"#selection-entries tr[data-entry='{taken}']")
        see(row, reason)

    hands(page).check(page, page.locator("#finalize-form input[name=confirm]"))
    hands(page).click(page, page.get_by_role("button", name="Finalise and freeze"))
    flash(page, "The selection is final.")
    see(page.locator("#selection-status"), "final")
    sha = page.inner_text("#snapshot-sha256").strip()
    assert re.fullmatch(r"[0-9a-f]{64}", sha), sha
    return {
        "selection_id": selection_id,
        "chosen": sorted(checked),
        "taken": taken,
        "left_out": left_out,
        "sha256": sha,
    }


# ----------------------------------------------------------------- documents
def start_certificates(page: Page, base: str, comp_id: int, expected: int) -> int:
    """Start the certificates job on the documents page; returns the job's id."""
    page.goto(f"{base}/admin/documents/{comp_id}")
    see(page.locator("main"), "Current stage: Awarded.")
    hands(page).select(page, page.locator("select[name=kind]"), "certificates")
    hands(page).click(page, page.get_by_role("button", name="Start", exact=True))
    flash(page, f"Certificates: {expected} document(s) queued.")
    job = page.locator("article.job").first
    see(job, "Certificates")
    see(job.locator("[data-field=total]"), str(expected))
    return int(job.get_attribute("data-job-id"))


def watch_job_finish(page: Page, job_id: int, expected: int) -> None:
    """The open documents page follows the job by itself until it is done."""
    job = page.locator(f"#job-{job_id}")
    expect(job.locator("[data-field=done]")).to_have_text(str(expected), timeout=WAIT)
    expect(job.locator("[data-field=status]")).to_have_text("Done", timeout=WAIT)
    expect(job.locator("[data-field=failed]")).to_have_text("0", timeout=WAIT)
