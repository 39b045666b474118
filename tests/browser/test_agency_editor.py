"""The agency's entry editor in a real browser (CSRF on, JavaScript on)."""

import re
import time

from playwright.sync_api import expect

from kipp.extensions import db
from kipp.models import Entry
from tests.browser import keys
from tests.conftest import PASSWORD


def see_status(page, text: str) -> None:
    # expect() polls without eval(): the pages' Content-Security-Policy forbids
    # 'unsafe-eval', which page.wait_for_function(<expression>) needs.
    expect(page.locator("#autosave-status")).to_contain_text(text, timeout=10_000)


SAVE_EVERY_MS = 4_000  # entry-editor.js: the autosave interval


def autosave(page, entry_id: int) -> None:
    """Run the page's clock (Playwright's, installed before the page loaded) past one
    autosave interval and wait for the PATCH it sends, instead of waiting the interval out."""
    url = f"/api/v1/entries/{entry_id}"
    with page.expect_response(lambda r: r.request.method == "PATCH" and r.url.endswith(url)):
        page.clock.run_for(SAVE_EVERY_MS)


def entry_now(entry_id):
    db.session.expire_all()
    return db.session.get(Entry, entry_id)


def test_editor_autosaves_reports_errors_and_keeps_text_on_conflict(
    page, live_server, make, login_as
):
    """Word counter, autosave, a 422 that keeps the text, a 409 that keeps a local copy and
    restores it after reload, and submit with unsaved text."""
    comp = make.competition()
    user = make.user("agency")
    entry = make.entry(comp, user, title="Awal")
    eid = entry.id
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_as(user)
    page.clock.install()  # timers run on their own, and jump ahead in autosave()
    page.goto(f"{live_server}/agency/?lang=en")
    assert "left" in page.inner_text("[data-countdown]")
    page.goto(f"{live_server}/agency/entries/{eid}/edit")
    assert not page.is_visible("#replication")
    page.select_option("select[name=group]", "replikasi")
    assert page.is_visible("#replication")
    page.select_option("select[name=group]", "umum")
    page.fill("#ans_kebaruan", "satu dua tiga")
    assert page.inner_text("#ans_kebaruan-count").strip() == "Words: 3"
    autosave(page, eid)
    see_status(page, "Saved")
    e = entry_now(eid)
    assert e.answers["kebaruan"] == "satu dua tiga"
    assert page.input_value("input[name=version]") == str(e.version)
    # 422: word limit
    long = " ".join(["kata"] * 201)
    page.fill("#ans_ringkasan", long)
    assert "1 too many" in page.inner_text("#ans_ringkasan-count")
    autosave(page, eid)
    see_status(page, "highlighted")
    assert page.input_value("#ans_ringkasan") == long
    assert entry_now(eid).answers["ringkasan"] != long
    page.fill("#ans_ringkasan", "pendek saja")
    autosave(page, eid)
    see_status(page, "Saved")
    assert page.locator("#entry-form .error").count() == 0
    # 409: stale
    e = entry_now(eid)
    e.title = "Diubah orang lain"
    db.session.commit()
    page.fill("#ans_signifikansi", "teks penting saya")
    autosave(page, eid)
    see_status(page, "Someone else")
    stored = page.evaluate(f"localStorage.getItem('kipp:entry:{eid}')")
    assert "teks penting saya" in stored
    page.click("#autosave-errors button")  # reload
    page.wait_for_selector("#autosave-restore button.primary")
    assert page.input_value("#title") == "Diubah orang lain"
    page.click("#autosave-restore button.primary")
    assert page.input_value("#ans_signifikansi") == "teks penting saya"
    autosave(page, eid)
    see_status(page, "Saved")
    e = entry_now(eid)
    assert e.answers["signifikansi"] == "teks penting saya"
    assert page.evaluate(f"localStorage.getItem('kipp:entry:{eid}')") is None
    # plain save while typing, then submit via aside with pending text
    page.fill("#ans_adaptabilitas", "baru sebelum kirim")
    page.click("#submit-form button")
    page.wait_for_url(re.compile(r".*/agency/$"))
    e = entry_now(eid)
    assert e.status == "submitted" and e.answers["adaptabilitas"] == "baru sebelum kirim"
    assert not errors


DESCRIBED = """el => (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
  .map(id => (document.getElementById(id) || {}).textContent || '').join(' | ')"""


def test_editor_by_keyboard_ties_errors_to_fields_and_submits(page, live_server, make):
    """The editor without a mouse: the group chosen with the arrow keys, answers typed,
    autosave's 422 shown tied to its field (aria-invalid, aria-describedby naming the
    message) and announced in a live region, the 409's reload and restore buttons pressed
    with Enter, then the entry submitted from the aside with Enter."""
    comp = make.competition()
    user = make.user("agency")
    eid = make.entry(comp, user, title="Awal").id
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.clock.install()
    keys.login(page, live_server, user.email, PASSWORD, lang="en")
    keys.from_the_top(page)
    keys.follow(page, page.locator(f"main a[href='/agency/entries/{eid}/edit']"))
    # Typing key by key takes time: the page's timers run only in autosave() below, so no
    # autosave of its own can come between typing and the one a step waits for.
    page.clock.pause_at(time.time() * 1000 + 1000)
    status = page.locator("#autosave-status")
    assert status.get_attribute("aria-live") == "polite"
    assert page.locator("#autosave-errors").get_attribute("aria-live") == "polite"

    group = page.locator("select[name=group]")
    keys.choose(page, group, "replikasi")
    assert page.is_visible("#replication")
    keys.choose(page, group, "umum")  # the focus is still there
    assert not page.is_visible("#replication")
    keys.type_into(page, page.locator("#ans_kebaruan"), "satu dua tiga")
    assert page.inner_text("#ans_kebaruan-count").strip() == "Words: 3"
    autosave(page, eid)
    see_status(page, "Saved")
    assert entry_now(eid).answers["kebaruan"] == "satu dua tiga"

    # 422: the word limit; the message is tied to the field and goes once it is fixed
    keys.from_the_top(page)
    summary = page.locator("#ans_ringkasan")
    keys.type_into(page, summary, " ".join(["kata"] * 201))
    autosave(page, eid)
    see_status(page, "highlighted")
    assert summary.get_attribute("aria-invalid") == "true"
    described = summary.evaluate(DESCRIBED)
    assert "Words:" in described and "200" in described.split(" | ")[-1], described
    error_id = summary.get_attribute("aria-describedby").split()[-1]
    assert page.locator(f"#{error_id}.error").is_visible(), error_id  # the message itself
    keys.type_into(page, summary, "pendek saja", limit=0)  # saving kept the focus there
    autosave(page, eid)
    see_status(page, "Saved")
    assert summary.get_attribute("aria-invalid") == "false"
    assert error_id not in (summary.get_attribute("aria-describedby") or "")
    assert page.locator(f"#{error_id}").count() == 0

    # 409: someone else saved; reload and restore by keyboard
    e = entry_now(eid)
    e.title = "Diubah orang lain"
    db.session.commit()
    keys.from_the_top(page)
    keys.type_into(page, page.locator("#ans_signifikansi"), "teks penting saya")
    autosave(page, eid)
    see_status(page, "Someone else")
    keys.follow(page, page.locator("#autosave-errors button"))
    keys.from_the_top(page)
    keys.press(page, page.locator("#autosave-restore button.primary"))
    assert page.input_value("#ans_signifikansi") == "teks penting saya"
    autosave(page, eid)
    see_status(page, "Saved")

    # submit from the aside with text not yet saved
    keys.from_the_top(page)
    keys.type_into(page, page.locator("#ans_adaptabilitas"), "baru sebelum kirim")
    keys.press(page, page.locator("#submit-form button"))
    page.wait_for_url(re.compile(r".*/agency/$"))
    e = entry_now(eid)
    assert e.status == "submitted" and e.answers["adaptabilitas"] == "baru sebelum kirim"
    assert not errors
