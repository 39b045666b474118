"""The agency's entry editor in a real browser (CSRF on, JavaScript on)."""

import re

from kipp.extensions import db
from kipp.models import Entry


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
    page.goto(f"{live_server}/agency/?lang=en")
    assert "left" in page.inner_text("[data-countdown]")
    page.goto(f"{live_server}/agency/entries/{eid}/edit")
    assert not page.is_visible("#replication")
    page.select_option("select[name=group]", "replikasi")
    assert page.is_visible("#replication")
    page.select_option("select[name=group]", "umum")
    page.fill("#ans_kebaruan", "satu dua tiga")
    assert page.inner_text("#ans_kebaruan-count").strip() == "Words: 3"
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Saved')"
    )
    e = entry_now(eid)
    assert e.answers["kebaruan"] == "satu dua tiga"
    assert page.input_value("input[name=version]") == str(e.version)
    # 422: word limit
    long = " ".join(["kata"] * 201)
    page.fill("#ans_ringkasan", long)
    assert "1 too many" in page.inner_text("#ans_ringkasan-count")
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('highlighted')"
    )
    assert page.input_value("#ans_ringkasan") == long
    assert entry_now(eid).answers["ringkasan"] != long
    page.fill("#ans_ringkasan", "pendek saja")
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Saved')"
    )
    assert page.locator("#entry-form .error").count() == 0
    # 409: stale
    e = entry_now(eid)
    e.title = "Diubah orang lain"
    db.session.commit()
    page.fill("#ans_signifikansi", "teks penting saya")
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Someone else')"
    )
    stored = page.evaluate(f"localStorage.getItem('kipp:entry:{eid}')")
    assert "teks penting saya" in stored
    page.click("#autosave-errors button")  # reload
    page.wait_for_selector("#autosave-restore button.primary")
    assert page.input_value("#title") == "Diubah orang lain"
    page.click("#autosave-restore button.primary")
    assert page.input_value("#ans_signifikansi") == "teks penting saya"
    page.wait_for_function(
        "document.getElementById('autosave-status').textContent.includes('Saved')"
    )
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
