"""A person's presentations as an iCalendar file (RFC 5545), built with `icalendar`.

Guarantees: one VEVENT per slot with a stable UID (`schedule-slot-<id>@kipp`), so a calendar
that imports the file again updates the events instead of doubling them; DTSTART/DTEND in UTC
(every calendar client converts them to the reader's zone); SEQUENCE is the slot's version, so
a moved slot supersedes the old one; the room, its panelists and the meeting link in LOCATION,
URL and DESCRIPTION. An empty list gives a valid calendar with no events.
"""

from __future__ import annotations

from icalendar import Calendar, Event

from kipp.clock import now
from kipp.schedule.queries import SlotView


def ics(views: list[SlotView], name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//KIPP//Presentation schedule//ID")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = now()
    for v in views:
        event = Event()
        event.add("uid", f"schedule-slot-{v.id}@kipp")
        event.add("dtstamp", stamp)
        event.add("sequence", v.version)
        event.add("dtstart", v.starts_utc)
        event.add("dtend", v.ends_utc)
        event.add("summary", f"KIPP #{v.entry_id}: {v.title}")
        event.add("location", v.meeting_url or v.room)
        if v.meeting_url:
            event.add("url", v.meeting_url)
        lines = [v.competition, f"{v.agency}", f"{v.room}: {', '.join(v.panelists)}"]
        if v.meeting_url:
            lines.append(v.meeting_url)
        event.add("description", "\n".join(lines))
        cal.add_component(event)
    return cal.to_ical()
