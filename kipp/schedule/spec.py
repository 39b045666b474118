"""Reading a schedule request: every problem reported at once, per field, before any write.

`parse(raw)` takes the generate request as the API and the form both give it (dates, times,
ints, lists of dicts) and returns a `Spec` or raises ValidationFailed with `errors` naming the
fields (`days`, `day_start`, `day_end`, `slot_minutes`, `breaks`, `rooms`, `rooms.<n>.name`,
`rooms.<n>.panelists`, …). Which users may sit in a room is the service's question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from flask_babel import gettext as _

from kipp.errors import ValidationFailed
from kipp.schedule.plan import MAX_ROOMS

MAX_DAYS = 14
YEAR_MIN, YEAR_MAX = 2000, 2100  # far from the calendar's edges, where UTC offsets overflow
MAX_BREAKS = 10
MAX_PANELISTS = 50  # in one room
SLOT_MIN, SLOT_MAX = 5, 240
ROOM_NAME_MAX = 100
MEETING_URL_MAX = 500


@dataclass(frozen=True)
class RoomSpec:
    name: str
    meeting_url: str | None
    panelists: tuple[int, ...]


@dataclass(frozen=True)
class Spec:
    days: tuple[date, ...]
    day_start: time
    day_end: time
    slot_minutes: int
    breaks: tuple[tuple[time, time], ...]
    rooms: tuple[RoomSpec, ...]

    def as_dict(self) -> dict:
        return {
            "days": [d.isoformat() for d in self.days],
            "day_start": self.day_start.strftime("%H:%M"),
            "day_end": self.day_end.strftime("%H:%M"),
            "slot_minutes": self.slot_minutes,
            "breaks": [
                {"start": s.strftime("%H:%M"), "end": e.strftime("%H:%M")} for s, e in self.breaks
            ],
            "rooms": [
                {"name": r.name, "meeting_url": r.meeting_url, "panelists": list(r.panelists)}
                for r in self.rooms
            ],
        }


def _minute(value: time) -> time:
    return value.replace(second=0, microsecond=0, tzinfo=None)


def _url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in url


def _rooms(raw: object, errors: dict) -> tuple[RoomSpec, ...]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_ROOMS:
        errors["rooms"] = [_("Give between 1 and %(n)d rooms.", n=MAX_ROOMS)]
        return ()
    rooms: list[RoomSpec] = []
    names: set[str] = set()
    for i, room in enumerate(raw):
        room = room if isinstance(room, Mapping) else {}
        name = str(room.get("name") or "").strip()
        url = str(room.get("meeting_url") or "").strip() or None
        panelists = room.get("panelists") or []
        if not name or len(name) > ROOM_NAME_MAX:
            errors[f"rooms.{i}.name"] = [
                _("Name the room (at most %(n)d characters).", n=ROOM_NAME_MAX)
            ]
        elif name.casefold() in names:
            errors[f"rooms.{i}.name"] = [_("Two rooms have the name %(name)s.", name=name)]
        names.add(name.casefold())
        if url is not None and (len(url) > MEETING_URL_MAX or not _url_ok(url)):
            errors[f"rooms.{i}.meeting_url"] = [
                _("Give an http:// or https:// address (at most %(n)d characters).", n=500)
            ]
        ids = [p for p in panelists if isinstance(p, int) and not isinstance(p, bool)]
        if not ids or len(ids) != len(panelists) or len(ids) > MAX_PANELISTS:
            errors[f"rooms.{i}.panelists"] = [
                _("Choose between 1 and %(n)d panelists for the room.", n=MAX_PANELISTS)
            ]
        elif len(set(ids)) != len(ids):
            errors[f"rooms.{i}.panelists"] = [_("A panelist is listed twice in this room.")]
        rooms.append(RoomSpec(name, url, tuple(sorted(set(ids)))))
    return tuple(rooms)


def parse(raw: Mapping) -> Spec:
    """The request as a Spec, or ValidationFailed naming every faulty field."""
    errors: dict[str, list[str]] = {}
    days = raw.get("days") or []
    if (
        not isinstance(days, list)
        or not 1 <= len(days) <= MAX_DAYS
        or not all(isinstance(d, date) and not isinstance(d, datetime) for d in days)
    ):
        errors["days"] = [_("Give between 1 and %(n)d presentation days.", n=MAX_DAYS)]
        days = []
    elif len(set(days)) != len(days):
        errors["days"] = [_("A day is listed twice.")]
    elif not all(YEAR_MIN <= d.year <= YEAR_MAX for d in days):
        errors["days"] = [
            _("Presentation days lie between %(low)d and %(high)d.", low=YEAR_MIN, high=YEAR_MAX)
        ]
    start, end = raw.get("day_start"), raw.get("day_end")
    if not isinstance(start, time):
        errors["day_start"] = [_("Give the time the day starts (HH:MM).")]
    if not isinstance(end, time):
        errors["day_end"] = [_("Give the time the day ends (HH:MM).")]
    elif isinstance(start, time) and _minute(end) <= _minute(start):
        errors["day_end"] = [_("The day must end after it starts.")]
    minutes = raw.get("slot_minutes")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not SLOT_MIN <= minutes <= SLOT_MAX
    ):
        errors["slot_minutes"] = [
            _("A slot lasts between %(low)d and %(high)d minutes.", low=SLOT_MIN, high=SLOT_MAX)
        ]
    breaks: list[tuple[time, time]] = []
    raw_breaks = raw.get("breaks") or []
    if not isinstance(raw_breaks, list) or len(raw_breaks) > MAX_BREAKS:
        errors["breaks"] = [_("Give at most %(n)d breaks.", n=MAX_BREAKS)]
    else:
        for b in raw_breaks:
            s = b.get("start") if isinstance(b, Mapping) else None
            e = b.get("end") if isinstance(b, Mapping) else None
            if not (isinstance(s, time) and isinstance(e, time)) or _minute(e) <= _minute(s):
                errors["breaks"] = [_("Each break needs a start and a later end (HH:MM).")]
                break
            breaks.append((_minute(s), _minute(e)))
    rooms = _rooms(raw.get("rooms"), errors)
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    return Spec(
        days=tuple(sorted(days)),
        day_start=_minute(start),
        day_end=_minute(end),
        slot_minutes=minutes,
        breaks=tuple(sorted(breaks)),
        rooms=rooms,
    )


def slot_length(spec_minutes: int) -> timedelta:
    return timedelta(minutes=spec_minutes)
