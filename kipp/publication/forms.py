"""The secretariat's and the chair's publication forms (CSRF-protected; rules in the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from kipp.competitions.forms import DATETIME_FORMATS
from kipp.limits import COMMENT_MAX


class PublishForm(FlaskForm):
    objection_closes_at = DateTimeLocalField(
        _l("Objections close at (competition time)"),
        format=DATETIME_FORMATS,
        validators=[Optional()],
    )
    confirm = BooleanField(
        _l("Publish this list now: agencies are mailed and the public may object."),
        validators=[InputRequired(_l("Tick the box to confirm."))],
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("uphold", _l("Uphold: disqualify the entry")),
            SelectChoice("dismiss", _l("Dismiss")),
        ],
        validators=[InputRequired(_l("Choose uphold or dismiss."))],
    )
    answer = TextAreaField(
        _l("Answer (published in the register and mailed to the objector)"),
        validators=[DataRequired(_l("Write the answer.")), Length(max=COMMENT_MAX)],
    )


class DecreeForm(FlaskForm):
    number = StringField(
        _l("Decree number"),
        validators=[DataRequired(_l("Write the decree number.")), Length(max=100)],
    )
    signed_on = DateField(
        _l("Signed on"), validators=[InputRequired(_l("Give the date the decree was signed."))]
    )


class DecreeFileForm(FlaskForm):
    file = FileField(_l("Signed decree (PDF)"), validators=[FileRequired(_l("Choose a file."))])
