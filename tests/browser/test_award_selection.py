"""An extra award's ranking page in a real browser: the pass mark's flag, the required
justification box of an entry below the pass mark, and the proposal it records."""

from __future__ import annotations

import re

from sqlalchemy import select

from kipp.extensions import db
from kipp.models import Selection
from tests.awards.fixtures import AWARD, REASON, award_world
from tests.services.judging_fixtures import set_stage


def test_below_pass_mark_box_is_required_and_recorded(page, live_server, make, login_as):
    w = award_world(make, pass_mark=80)
    set_stage(w.comp, "final")
    db.session.commit()
    e = [x.id for x in w.entries]
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    login_as(w.chair)
    page.goto(f"{live_server}/selection/{w.comp.id}/award/{AWARD['code']}?lang=en")
    assert "Top 2 Replikasi" in page.inner_text("h1")
    assert "Below the pass mark" in page.inner_text(f"#row-{e[3]}")
    assert "Below the pass mark" not in page.inner_text(f"#row-{e[1]}")
    assert page.query_selector(f"#row-{e[0]}") is None  # umum: not in this award's ranking
    # Place 2 is a tie of entries 3 and 4: taking entry 3 needs a reason, as it is below 80.
    page.check(f"#pick-{e[3]}")
    assert page.is_visible(f"#just-{e[3]}")
    assert "at least 20 characters" in page.inner_text(f'label[for="just-{e[3]}"]')
    page.fill(f"#just-{e[3]}", REASON)
    page.click("button[name=action][value=chosen]")
    page.wait_for_url(re.compile(r".*/selection/proposals/\d+$"))
    assert errors == []
    db.session.expire_all()
    sel = db.session.scalar(select(Selection).where(Selection.tier == AWARD["code"]))
    assert {se.entry_id: se.justification for se in sel.entries} == {e[1]: None, e[3]: REASON}
