"""The secretariat's form to invite an agency into an invitation-only group (shape only: the
service `kipp.competitions.invitations.invite` decides the rules)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired


class InvitationForm(FlaskForm):
    group = SelectField(_l("Group"), validators=[InputRequired()])
    agency_id = SelectField(
        _l("Agency"), coerce=int, validators=[InputRequired(_l("Choose an agency."))]
    )

    def set_choices(self, groups: list[str], agencies: list[tuple[int, str]]) -> None:
        self.group.choices = [(g, g.title()) for g in groups]
        self.agency_id.choices = agencies
