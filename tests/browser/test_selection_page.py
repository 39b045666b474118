"""The chair's selection form in a real browser (CSRF on, JavaScript on): the inline
justification box, the live count and the live distribution, then a proposal that records
the justification."""

from __future__ import annotations

import re

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Selection
from tests.browser import keys
from tests.conftest import PASSWORD
from tests.services.judging_fixtures import set_stage
from tests.services.test_api_ranking import add_sheet, scored_world

REASON = "Satu-satunya inovasi dari wilayah 3T Papua yang sudah direplikasi."


def papua_world(make):
    """Entries scoring 90 and 80 in Jawa, one scoring 70 in a 3T Papua regency; 2 places."""
    w = scored_world(make, [[90, 90], [80, 80]], shortlist_size=2, final_size=1)
    papua = make.agency("Kabupaten Asmat", province="Papua Selatan", is_3t=True)
    extra = make.entry(w.comp, make.user("agency", agency=papua), status="eligible")
    for reviewer in w.reviewers[:2]:
        add_sheet(w.comp, extra, reviewer, 70)
    db.session.commit()
    set_stage(w.comp, "shortlist")
    return w, extra


def cell(page, dim: str, key: str) -> str:
    return page.inner_text(f'#distribution table[data-dim="{dim}"] tr[data-key="{key}"] .sel-n')


def test_override_box_appears_and_distribution_follows_the_checks(
    page, live_server, make, login_as
):
    w, extra = papua_world(make)
    top, second = w.entries
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login_as(w.chair)
    page.goto(f"{live_server}/selection/{w.comp.id}/ranking?lang=en")

    assert page.inner_text("#selected-count") == "2"
    assert page.is_checked(f"#pick-{top.id}") and page.is_checked(f"#pick-{second.id}")
    assert not page.is_checked(f"#pick-{extra.id}")
    assert not page.is_visible(f"#just-{extra.id}")
    assert (cell(page, "island_group", "papua"), cell(page, "island_group", "jawa")) == ("0", "2")
    assert cell(page, "is_3t", "3t") == "0"

    # Taking the Papua entry as well: three chosen, nothing overridden yet.
    page.check(f"#pick-{extra.id}")
    assert page.inner_text("#selected-count") == "3"
    assert "bad" in page.get_attribute("#selected-count", "class")
    assert not page.is_visible(f"#just-{extra.id}")
    assert cell(page, "island_group", "papua") == "1"
    assert cell(page, "is_3t", "3t") == "1"
    assert (
        page.inner_text(
            '#distribution table[data-dim="island_group"] tr[data-key="papua"] .sel-pct'
        )
        == "33.3"
    )
    assert page.inner_text("#dist-selected-total") == "3"

    # Leaving out the 80-point entry: the 70-point one now takes a place over it.
    page.uncheck(f"#pick-{second.id}")
    assert page.inner_text("#selected-count") == "2"
    assert "ok" in page.get_attribute("#selected-count", "class")
    assert page.is_visible(f"#just-{extra.id}")
    label = page.inner_text(f'label[for="just-{extra.id}"]')
    assert "at least 20 characters" in label and f"“{extra.title}”" in label
    assert "override" in page.get_attribute(f"#row-{extra.id}", "class")
    assert (cell(page, "island_group", "papua"), cell(page, "island_group", "jawa")) == ("1", "1")
    assert (
        page.inner_text(
            '#distribution table[data-dim="island_group"] tr[data-key="papua"] .sel-pct'
        )
        == "50.0"
    )

    # Checking the higher one again hides the (empty) box; unchecking brings it back.
    page.check(f"#pick-{second.id}")
    assert not page.is_visible(f"#just-{extra.id}")
    page.uncheck(f"#pick-{second.id}")
    page.fill(f"#just-{extra.id}", REASON)
    page.click("button[name=action][value=chosen]")
    page.wait_for_url(re.compile(r".*/selection/proposals/\d+$"))
    assert REASON in page.inner_text("#selection-entries")
    assert errors == []

    db.session.expire_all()
    sel = db.session.scalar(select(Selection))
    assert {se.entry_id: se.justification for se in sel.entries} == {
        top.id: None,
        extra.id: REASON,
    }


def test_server_refusal_keeps_the_checks_and_marks_the_box(page, live_server, make, login_as):
    w, extra = papua_world(make)
    top, second = w.entries
    login_as(w.chair)
    page.goto(f"{live_server}/selection/{w.comp.id}/ranking?lang=en")
    page.uncheck(f"#pick-{second.id}")
    page.check(f"#pick-{extra.id}")
    page.fill(f"#just-{extra.id}", "terlalu pendek")
    page.click("button[name=action][value=chosen]")
    page.wait_for_selector(f"#just-{extra.id}[aria-invalid=true]")
    assert page.is_checked(f"#pick-{extra.id}") and not page.is_checked(f"#pick-{second.id}")
    assert page.input_value(f"#just-{extra.id}") == "terlalu pendek"
    assert page.is_visible(f"#just-{extra.id}-err")
    assert page.inner_text("#selected-count") == "2"
    assert cell(page, "island_group", "papua") == "1"
    db.session.expire_all()
    assert db.session.scalar(select(Selection)) is None


def test_chair_proposes_justifies_and_finalises_by_keyboard(page, live_server, make):
    """The chair without a mouse: Space on the boxes (the justification box appears and is
    the next Tab stop), a too-short reason refused and tied to its box, the reason typed
    again, Enter on "Propose this selection", then the confirmation ticked with Space and
    Enter on "Finalise and freeze"."""
    w, extra = papua_world(make)
    top, second = w.entries
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    keys.login(page, live_server, w.chair.email, PASSWORD, lang="en")
    page.goto(f"{live_server}/selection/{w.comp.id}/ranking")
    keys.from_the_top(page)
    keys.tick(page, page.locator(f"#pick-{second.id}"), on=False)
    keys.tick(page, page.locator(f"#pick-{extra.id}"))
    assert page.inner_text("#selected-count") == "2"
    box = page.locator(f"#just-{extra.id}")
    keys.type_into(page, box, "terlalu pendek", limit=1)  # the next stop after its box
    keys.follow(page, page.locator("button[name=action][value=chosen]"))
    assert box.get_attribute("aria-invalid") == "true"
    described = box.get_attribute("aria-describedby")
    assert "20" in page.inner_text(f"#{described}")
    keys.from_the_top(page)
    keys.type_into(page, box, REASON)
    keys.follow(page, page.locator("button[name=action][value=chosen]"))
    assert re.search(r"/selection/proposals/\d+$", page.url), page.url
    assert REASON in page.inner_text("#selection-entries")

    keys.from_the_top(page)
    keys.tick(page, page.locator("#finalize-form input[type=checkbox]"))
    keys.follow(page, page.locator("#finalize-form button.primary"), limit=3)
    db.session.expire_all()
    sel = db.session.scalar(select(Selection))
    assert sel.status == "final"
    assert {se.entry_id: se.justification for se in sel.entries} == {top.id: None, extra.id: REASON}
    assert errors == []
