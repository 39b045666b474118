"""The secretariat's schedule forms (CSRF-protected; the rules live in `kipp.schedule.spec` and
the services). `GenerateForm.raw()` turns the form into the request the service reads, so the
page and the API are held to the same rules."""

from __future__ import annotations

import re
from datetime import time, timedelta

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from kipp.schedule.spec import (
    MAX_BREAKS,
    MAX_DAYS,
    MEETING_URL_MAX,
    ROOM_NAME_MAX,
    SLOT_MAX,
    SLOT_MIN,
)
from kipp.screening.forms import MultiCheckboxField

ROOM_ROWS = 4
SLOT_VALUE = re.compile(
    r"[0-9]{1,9}:[0-9]{1,9}"
)  # room fieldsets on the page (blank ones are ignored)


class RoomForm(FlaskForm):
    class Meta:
        csrf = False  # the enclosing form carries the token

    name = StringField(_l("Room name"), validators=[Optional(), Length(max=ROOM_NAME_MAX)])
    meeting_url = StringField(
        _l("Meeting link"), validators=[Optional(), Length(max=MEETING_URL_MAX)]
    )
    panelists = MultiCheckboxField(_l("Panelists in this room"), coerce=int, validate_choice=True)


def _breaks(text: str) -> list[dict]:
    found = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        start, sep, end = part.partition("-")
        try:
            found.append(
                {"start": time.fromisoformat(start.strip()), "end": time.fromisoformat(end.strip())}
            )
        except ValueError:
            raise ValidationError(_l("Write breaks as 12:00-13:00, separated by commas.")) from None
        if not sep:
            raise ValidationError(_l("Write breaks as 12:00-13:00, separated by commas."))
    if len(found) > MAX_BREAKS:
        raise ValidationError(_l("At most %(n)d breaks.", n=MAX_BREAKS))
    return found


class GenerateForm(FlaskForm):
    first_day = DateField(_l("First presentation day"), validators=[InputRequired()])
    day_count = IntegerField(
        _l("Number of days"),
        default=1,
        validators=[InputRequired(), NumberRange(1, MAX_DAYS)],
    )
    day_start = TimeField(_l("Day starts at (WIB)"), default=time(8), validators=[InputRequired()])
    day_end = TimeField(_l("Day ends at (WIB)"), default=time(16), validators=[InputRequired()])
    slot_minutes = IntegerField(
        _l("Minutes per presentation"),
        default=30,
        validators=[InputRequired(), NumberRange(SLOT_MIN, SLOT_MAX)],
    )
    breaks = StringField(
        _l("Breaks"), default="12:00-13:00", validators=[Optional(), Length(max=200)]
    )
    rooms = FieldList(FormField(RoomForm), min_entries=ROOM_ROWS, max_entries=ROOM_ROWS)

    def validate_breaks(self, field):
        _breaks(field.data)

    def set_panelists(self, choices: list[tuple[int, str]]) -> None:
        for room in self.rooms:
            room.form.panelists.choices = choices

    def raw(self) -> dict:
        """The request for `kipp.schedule.services.generate` (blank rooms left out)."""
        days = [self.first_day.data + timedelta(days=i) for i in range(self.day_count.data)]
        rooms = [
            {
                "name": r.form.name.data,
                "meeting_url": r.form.meeting_url.data or None,
                "panelists": list(r.form.panelists.data or []),
            }
            for r in self.rooms
            if (r.form.name.data or "").strip() or r.form.panelists.data
        ]
        return {
            "days": days,
            "day_start": self.day_start.data,
            "day_end": self.day_end.data,
            "slot_minutes": self.slot_minutes.data,
            "breaks": _breaks(self.breaks.data),
            "rooms": rooms,
        }


class MoveForm(FlaskForm):
    # "<slot id>:<version>": a stale version is the service's 409, not a form error.
    slot = SelectField(_l("Presentation"), validators=[InputRequired()], validate_choice=False)
    room = SelectField(_l("Move to room"), coerce=int, validators=[InputRequired()])
    start = SelectField(_l("Move to time (WIB)"), validators=[InputRequired()])

    def validate_slot(self, field):
        if not SLOT_VALUE.fullmatch(field.data or ""):
            raise ValidationError(_l("Choose a presentation."))

    def slot_and_version(self) -> tuple[int, int]:
        slot_id, _sep, version = self.slot.data.partition(":")
        return int(slot_id), int(version)
