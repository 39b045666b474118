"""The demo shows a generated schedule: KIPP 2025's Top 20 in two rooms, seen by its people."""

from __future__ import annotations

from sqlalchemy import select

from kipp.auth.services import find_user_by_email
from kipp.demo import seed
from kipp.demo.people import DEMO_PASSWORD
from kipp.extensions import db
from kipp.models import AuditEvent, Competition
from kipp.models.mail import Mail
from kipp.models.schedule import Schedule
from kipp.schedule.queries import shortlisted, slots_for


def test_the_demo_year_has_a_schedule_its_people_see(app, client):
    out = seed()
    db.session.commit()
    assert "KIPP 2025 presentation schedule: 20 slots in 2 rooms" in out
    comp = db.session.scalar(select(Competition).where(Competition.name == "KIPP 2025"))
    schedule = db.session.scalar(select(Schedule).where(Schedule.competition_id == comp.id))
    assert {s.entry_id for s in schedule.slots} == {e.id for e in shortlisted(comp)}
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.competition_id == comp.id, AuditEvent.action == "schedule.generate"
        )
    )
    assert not db.session.scalars(select(Mail.id).where(Mail.kind == "schedule")).all()
    panelist = find_user_by_email("panelist1@kipp.demo")
    assert len(slots_for(panelist)) == 10
    times = [v.starts.strftime("%Y-%m-%d %H:%M %Z") for v in slots_for(panelist)]
    assert times[0] == "2025-09-15 08:00 WIB"
    agencies = {s.entry.agency_id for s in schedule.slots}
    # Every room's panelists may hear each entry placed there.
    for slot in schedule.slots:
        for member in slot.room.members:
            assert slot.entry.agency_id not in {c.agency_id for c in member.user.conflicts}
    assert agencies
    # The demo's agency3 (Kabupaten Kepulauan Aru) is in the Top 20: its dashboard shows it.
    aru = find_user_by_email("agency3@kipp.demo")
    (slot,) = slots_for(aru)
    resp = client.post("/login", data={"email": aru.email, "password": DEMO_PASSWORD})
    page = client.get("/agency/").get_data(as_text=True)
    assert resp.status_code == 302 and 'id="my-presentations"' in page
    assert slot.starts.strftime("%d-%m-%Y %H:%M WIB") in page and slot.meeting_url in page
    assert seed().startswith("KIPP demo data: already loaded")
