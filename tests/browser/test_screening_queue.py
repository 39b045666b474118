"""The screening queue's "select all on this page" box in a real browser, then a bulk pass
of what stays ticked."""

from __future__ import annotations

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Entry
from tests.browser import keys
from tests.conftest import PASSWORD


def test_select_all_ticks_the_page_and_the_bulk_pass_takes_only_the_ticked(
    page, live_server, make, login_as
):
    comp = make.competition(stage="screening")
    owner = make.user("agency")
    entries = [make.entry(comp, owner, status="submitted", title=f"Inovasi {n}") for n in (1, 2, 3)]
    db.session.commit()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_as(make.admin())
    page.goto(f"{live_server}/admin/screening/{comp.id}?lang=en")

    assert page.is_visible("#pick-all")
    page.check("#pick-all")
    assert all(page.is_checked(f"#pick-{e.id}") for e in entries)
    page.uncheck(f"#pick-{entries[1].id}")
    assert page.evaluate("document.getElementById('pick-all').indeterminate")
    assert not page.is_checked("#pick-all")
    page.check(f"#pick-{entries[1].id}")
    assert page.is_checked("#pick-all")
    page.uncheck(f"#pick-{entries[2].id}")

    page.click("button[name=decision][value=pass]")
    page.wait_for_load_state()
    db.session.expire_all()
    status = dict(db.session.execute(select(Entry.id, Entry.status)).all())
    assert [status[e.id] for e in entries] == ["eligible", "eligible", "submitted"]
    assert not errors


def test_screening_queue_by_keyboard(page, live_server, make):
    """The same decisions without a mouse: Space on "select all" and on single boxes, Enter
    on "Pass selected"; then "Fail selected…" opened with Enter, a reason ticked with Space,
    a note typed and Enter on "Fail selected"."""
    comp = make.competition(stage="screening")
    owner = make.user("agency")
    entries = [make.entry(comp, owner, status="submitted", title=f"Inovasi {n}") for n in (1, 2, 3)]
    admin = make.admin()
    db.session.commit()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    keys.login(page, live_server, admin.email, PASSWORD, lang="en")
    page.goto(f"{live_server}/admin/screening/{comp.id}")
    keys.from_the_top(page)
    keys.tick(page, page.locator("#pick-all"))
    assert all(page.is_checked(f"#pick-{e.id}") for e in entries)
    keys.tick(page, page.locator(f"#pick-{entries[2].id}"), on=False)
    assert page.evaluate("document.getElementById('pick-all').indeterminate")
    keys.follow(page, page.locator("button[name=decision][value=pass]"))
    db.session.expire_all()
    status = dict(db.session.execute(select(Entry.id, Entry.status)).all())
    assert [status[e.id] for e in entries] == ["eligible", "eligible", "submitted"]

    page.goto(f"{live_server}/admin/screening/{comp.id}")
    keys.from_the_top(page)
    keys.tick(page, page.locator(f"#pick-{entries[2].id}"))
    keys.press(page, page.locator("#bulk details summary"))
    assert page.locator("#bulk details").get_attribute("open") is not None
    keys.tick(page, page.locator("#bulk details input[type=checkbox]"), limit=3)
    keys.type_into(page, page.locator("#bulk details textarea"), "Bukan inovasi pelayanan.")
    keys.follow(page, page.locator("button[name=decision][value=fail]"))
    db.session.expire_all()
    assert db.session.get(Entry, entries[2].id).status == "ineligible"
    assert not errors
