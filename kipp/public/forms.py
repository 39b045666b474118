"""The public objection form (masa sanggah).

The form checks shape only (bounded lengths, an id that is a number); every rule (the window,
the entry listed, the e-mail, the statement's 50–5,000 characters, the rate limit) is
`kipp.publication.objections.submit`'s, so the page and the API refuse alike and the page
shows the service's messages beside the fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from kipp.limits import EMAIL_MAX, INT32_MAX, NAME_MAX, TEXT_MAX
from kipp.public.queries import PublicList
from kipp.publication.queries import LISTED


def entry_id(value) -> int | None:
    """A listed entry's id from the form, or None (the service then names the field)."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) <= INT32_MAX else None


class ObjectionForm(FlaskForm):
    entry_id = SelectField(_l("Innovation you object to"), coerce=entry_id, validate_choice=False)
    name = StringField(_l("Your name"), validators=[Length(max=NAME_MAX)])
    email = EmailField(_l("Your e-mail address"), validators=[Length(max=EMAIL_MAX)])
    # The service holds the statement to 5,000 characters with its own message; this bound
    # only stops absurd bodies.
    statement = TextAreaField(_l("Your objection"), validators=[Length(max=TEXT_MAX)])

    def add_errors(self, errors: dict | None) -> list[str]:
        """Put the service's field messages beside their fields; return those of no field."""
        loose: list[str] = []
        for name, messages in (errors or {}).items():
            msgs = messages if isinstance(messages, list) else [messages]
            field = self._fields.get(name)
            if field is None:
                loose.extend(str(m) for m in msgs)
            else:
                field.errors = [*field.errors, *msgs]
        return loose


def objection_form(found: PublicList, **kwargs) -> ObjectionForm:
    """The form with one choice per listed (not disqualified) entry of the selection."""
    form = ObjectionForm(**kwargs)
    form.entry_id.choices = [SelectChoice("", _l("Choose an innovation"))] + [
        SelectChoice(p.entry_id, f"{p.place}. {p.entry.title} — {p.entry.agency.name}")
        for p in found.places
        if p.status == LISTED
    ]
    return form
