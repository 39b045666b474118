"""The innovation directory in a real browser: the pages under the CSP, and the editor's picker
that searches the directory's API and fills the replicated innovation's number."""

from __future__ import annotations

from playwright.sync_api import expect

from kipp.extensions import db
from kipp.models import Entry
from tests.browser import keys
from tests.conftest import PASSWORD
from tests.directory.conftest import world  # noqa: F401  (fixture)


def test_directory_pages_and_editor_picker(page, live_server, make, login_as, world):  # noqa: F811
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.goto(f"{live_server}/innovations?lang=en&q=kesehatan")
    expect(page.locator("main")).to_contain_text("Pelayanan Kesehatan Keliling")
    assert page.locator("figure.chart svg").count() == 2
    page.click("text=Pelayanan Kesehatan Keliling")
    expect(page.locator("main")).to_contain_text("Replicated by 2 agencies")

    comp = make.competition("submission", year=2027)
    draft = make.entry(comp, world.users["pap"], group="replikasi", replicates=None)
    login_as(world.users["pap"])
    page.goto(f"{live_server}/agency/entries/{draft.id}/edit")
    picker = page.locator("[data-directory-picker]")
    expect(picker).to_be_visible()  # shown by the script only
    page.fill("#directory-q", "kesehatan keliling")
    choice = picker.locator("ul button", has_text="Pelayanan Kesehatan Keliling")
    choice.click()
    final_id = str(world.e["final"].id)
    expect(page.locator("#replicates_entry_id")).to_have_value(final_id)
    page.select_option("select[name=replication_type]", "adaptasi")
    page.click("#entry-form button.primary")
    page.wait_for_load_state()
    db.session.expire_all()
    assert db.session.get(Entry, draft.id).replicates_entry_id == world.e["final"].id
    assert not problems, problems


def test_directory_search_and_editor_picker_by_keyboard(page, live_server, make, world):  # noqa: F811
    """The same journey without a mouse: the query typed into the search form and sent with
    Enter, Tab and Enter to the innovation; in the editor the picker's search typed, Tab to
    the match and Enter, the replication type chosen with the arrow keys, Enter on Save."""
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server}/innovations?lang=en")
    keys.from_the_top(page)
    keys.type_into(page, page.locator("main form[role=search] input[name=q]"), "kesehatan")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Pelayanan Kesehatan Keliling")
    keys.from_the_top(page)
    keys.follow(page, page.locator("main a", has_text="Pelayanan Kesehatan Keliling"))
    expect(page.locator("main")).to_contain_text("Replicated by 2 agencies")

    comp = make.competition("submission", year=2027)
    draft = make.entry(comp, world.users["pap"], group="replikasi", replicates=None)
    keys.login(page, live_server, world.users["pap"].email, PASSWORD)
    page.goto(f"{live_server}/agency/entries/{draft.id}/edit")
    keys.from_the_top(page)
    keys.type_into(page, page.locator("#directory-q"), "kesehatan keliling")
    choice = page.locator("[data-directory-picker] ul button", has_text="Pelayanan Kesehatan")
    expect(choice).to_be_visible()
    keys.press(page, choice, limit=3)
    final_id = str(world.e["final"].id)
    expect(page.locator("#replicates_entry_id")).to_have_value(final_id)
    expect(page.locator("[data-directory-picker] [data-chosen]")).to_contain_text(final_id)
    assert keys.focused_name(page).startswith("input#directory-q")  # not lost with the list
    keys.choose(page, page.locator("select[name=replication_type]"), "adaptasi")
    keys.follow(page, page.locator("#entry-form button.primary"))
    db.session.expire_all()
    assert db.session.get(Entry, draft.id).replicates_entry_id == world.e["final"].id
    assert not problems, problems
