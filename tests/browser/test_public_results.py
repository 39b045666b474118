"""A visitor without an account in a real browser (CSRF on, JavaScript on, CSP enforced):
opens the home page, follows the published list, objects during the window, gets a
reference, and after the secretariat decides (through the service) reads the answer in the
register. The public pages are also checked with axe-core (no serious or critical violation),
injected from the npm package the browser setup installs into the project's node_modules."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from kipp.extensions import db
from kipp.models.publication import Objection
from kipp.publication import objections
from tests.browser import keys
from tests.browser.axe import AXE, axe_violations
from tests.public.fixtures import STATEMENT, close_window, public_world

ANSWER = "Inovasi masih berjalan; bukti lapangan diperiksa tim sekretariat pada 3 Desember."


def test_a_visitor_objects_and_later_reads_the_answer(page, live_server, make):
    w = public_world(make)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # CSP refusals and script errors; a refused form's 422 (and a missing favicon) are not
    page.on(
        "console",
        lambda m: (
            m.type == "error"
            and not m.text.startswith("Failed to load resource")
            and errors.append(m.text)
        ),
    )

    page.goto(f"{live_server}/?lang=en")
    assert page.locator("h1").inner_text() == "Public Service Innovation Competition"
    assert page.get_by_role("link", name="Log in").first.is_visible()
    assert page.locator("form[role=search]").get_attribute("action") == "/innovations"
    # the live countdown of the open objection window is ticking text, not an empty span
    assert re.search(r"\d+ days? \d+ hours? left", page.locator(".countdown").first.inner_text())

    page.get_by_role("link", name=re.compile("KIPP 2026")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/results/{w.comp.id}#selection-{w.shortlist.id}")
    table = page.locator(f"#selection-{w.shortlist.id} table").first
    assert "Mal Pelayanan Publik Kudus" in table.inner_text()
    assert '<script>alert("x")</script>' in table.inner_text()  # shown as text, never run

    page.get_by_role("link", name="Submit an objection").click()
    page.wait_for_load_state()
    page.select_option("#entry_id", str(w.entries[0].id))
    page.fill("#name", "Siti Rahayu")
    page.fill("#email", "siti@example.id")
    page.fill("#statement", "Terlalu pendek.")  # refused first: nothing typed is lost
    page.get_by_role("button", name="Send the objection").click()
    page.wait_for_load_state()
    assert page.locator("#statement-err").is_visible()
    assert page.input_value("#name") == "Siti Rahayu"
    assert page.input_value("#entry_id") == str(w.entries[0].id)
    page.fill("#statement", STATEMENT)
    page.get_by_role("button", name="Send the objection").click()
    page.wait_for_load_state()
    reference = page.locator("#objection-reference").inner_text()
    assert re.fullmatch(r"SGH-2026-[2-9A-Z]{6}", reference)

    # later: the secretariat answers and the window closes
    db.session.expire_all()
    obj = db.session.scalars(select(Objection).where(Objection.reference == reference)).one()
    objections.decide(w.admin, obj, "dismiss", ANSWER)
    db.session.commit()
    close_window(w.shortlist)

    page.get_by_role("link", name="Back to the list").click()
    page.wait_for_load_state()
    row = page.locator(f"#objection-{reference}")
    assert "Dismissed" in row.inner_text() and ANSWER in row.inner_text()
    body = page.locator("main").inner_text()
    assert "Siti" not in body and "siti@example.id" not in body
    assert page.get_by_role("link", name="Submit an objection").count() == 0
    assert not errors, errors


def test_public_pages_have_no_serious_accessibility_violation(browser, live_server, make):
    if not AXE.exists():
        pytest.skip(f"axe-core is not installed ({AXE}; npm install axe-core)")
    w = public_world(make)
    # axe is injected as an inline script, which the pages' CSP (rightly) refuses
    context = browser.new_context(bypass_csp=True, locale="id-ID")
    page = context.new_page()
    for path in (
        "/?lang=id",
        f"/results/{w.comp.id}",
        f"/results/{w.old.id}",
        f"/results/selections/{w.shortlist.id}/objection",
    ):
        page.goto(f"{live_server}{path}")
        assert axe_violations(page) == [], path
    context.close()


def test_a_visitor_objects_by_keyboard(page, live_server, make):
    """The visitor's journey without a mouse: Tab and Enter from the home page to the list
    and its objection form, the entry chosen with the arrow keys, a refused statement whose
    message is tied to its field (and the focus ring on every field reached), then the
    objection sent and the way back to the list."""
    w = public_world(make)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server}/?lang=en")
    keys.from_the_top(page)
    keys.follow(page, page.get_by_role("link", name=re.compile("KIPP 2026")))
    assert urlparse(page.url).path == f"/results/{w.comp.id}"
    keys.follow(page, page.get_by_role("link", name="Submit an objection"))
    entry = str(w.entries[0].id)
    keys.choose(page, page.locator("#entry_id"), entry)
    keys.type_into(page, page.locator("#name"), "Siti Rahayu")
    keys.type_into(page, page.locator("#email"), "siti@example.id")
    keys.type_into(page, page.locator("#statement"), "Terlalu pendek.")
    keys.follow(page, page.get_by_role("button", name="Send the objection"))
    statement = page.locator("#statement")
    assert statement.get_attribute("aria-invalid") == "true"
    assert "statement-err" in statement.get_attribute("aria-describedby").split()
    assert page.locator("#statement-err").is_visible()
    assert page.input_value("#entry_id") == entry
    keys.from_the_top(page)
    keys.type_into(page, statement, STATEMENT)
    keys.follow(page, page.get_by_role("button", name="Send the objection"))
    assert re.fullmatch(r"SGH-2026-[2-9A-Z]{6}", page.inner_text("#objection-reference"))
    keys.from_the_top(page)
    keys.follow(page, page.get_by_role("link", name="Back to the list"))
    assert urlparse(page.url).path == f"/results/{w.comp.id}"
    assert not errors, errors
