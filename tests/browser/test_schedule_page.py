"""The secretariat generates the presentation schedule and moves a slot, keyboard only, in
Debian's chromium (CSRF on): a move into a clash is refused naming it, a free one is made."""

from __future__ import annotations

from sqlalchemy import select

from kipp.accounts.services import add_conflict
from kipp.clock import local
from kipp.extensions import db
from kipp.models.schedule import ScheduleSlot
from tests.browser import keys
from tests.conftest import PASSWORD
from tests.services.judging_fixtures import finalised_shortlist


def world(make):
    comp = make.competition(stage="panel", name="KIPP Jadwal")
    admin = make.admin()
    owners = [make.user("agency") for _ in range(3)]
    entries = [make.entry(comp, owners[i % 3], status="eligible") for i in range(5)]
    panel = [make.user("panelist", name=f"Panelis {i}") for i in range(3)]
    chair = make.user("chair", name="Ketua Panel")
    add_conflict(admin, panel[0], owners[0].agency_id, "Pernah menjadi pendamping instansi.")
    db.session.commit()
    finalised_shortlist(comp, entries, chair)
    return comp, admin, owners, panel, chair


def test_generate_and_move_by_keyboard(page, live_server, make):
    comp, admin, owners, panel, chair = world(make)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    keys.login(page, live_server, admin.email, PASSWORD, lang="en")
    page.goto(f"{live_server}/schedule/competitions/{comp.id}")

    date = page.locator("#first_day")
    keys.reach(page, date)
    # The date field's segments come in the order of chromium's own locale: find it out by
    # typing a probe, then load the form afresh and type the date in that order.
    page.keyboard.type("01022026")
    day_first = date.evaluate("el => el.value") == "2026-02-01"
    page.reload()
    keys.reach(page, date)
    page.keyboard.type("10122026" if day_first else "12102026")
    assert date.evaluate("el => el.value") == "2026-12-10"
    keys.type_into(page, page.locator("#day_end"), "1000")
    keys.type_into(page, page.locator("#breaks"), "")
    keys.type_into(page, page.locator("#rooms-0-name"), "Ruang A")
    keys.type_into(page, page.locator("#rooms-0-meeting_url"), "https://meet.example.id/a")
    for p in panel[:2]:
        keys.tick(page, page.locator(f"input[name='rooms-0-panelists'][value='{p.id}']"))
    keys.type_into(page, page.locator("#rooms-1-name"), "Ruang B")
    for p in (panel[2], chair):
        keys.tick(page, page.locator(f"input[name='rooms-1-panelists'][value='{p.id}']"))
    keys.follow(page, page.locator("#generate-form button[type=submit]"))
    assert "5 presentations" in page.inner_text("main"), page.inner_text("main")[:2000]
    assert page.locator("#schedule-grid td[data-slot]").count() == 5

    slots = db.session.scalars(select(ScheduleSlot).order_by(ScheduleSlot.id)).all()
    conflicted = next(s for s in slots if s.entry.agency_id == owners[0].agency_id)
    room_a = next(r for r in conflicted.schedule.rooms if r.name == "Ruang A")
    value = f"{conflicted.id}:{conflicted.version}"

    # Into room A: its panelist conflicts with the entry's agency. Refused, naming it.
    keys.choose(page, page.locator("#slot"), value)
    keys.choose(page, page.locator("#room"), str(room_a.id))
    start = local(conflicted.starts_at).replace(tzinfo=None).isoformat()
    keys.choose(page, page.locator("#start"), start)
    keys.follow(page, page.locator("#move-form button[type=submit]"))
    alert = page.inner_text("#schedule-error")
    assert "Panelis 0 conflicts with this entry's agency" in alert, alert

    # Into a free period of its own room: moved.
    own = conflicted.room
    taken = {
        local(s.starts_at).replace(tzinfo=None).isoformat() for s in slots if s.room_id == own.id
    }
    free = next(
        f"2026-12-10T{t}:00"
        for t in ("08:00", "08:30", "09:00", "09:30")
        if f"2026-12-10T{t}:00" not in taken
    )
    keys.choose(page, page.locator("#slot"), value)
    keys.choose(page, page.locator("#room"), str(own.id))
    keys.choose(page, page.locator("#start"), free)
    keys.follow(page, page.locator("#move-form button[type=submit]"))
    assert "The presentation is moved" in page.inner_text("main"), page.inner_text("main")[:1500]
    db.session.expire_all()
    moved = db.session.get(ScheduleSlot, conflicted.id)
    assert local(moved.starts_at).replace(tzinfo=None).isoformat() == free
    assert not errors
