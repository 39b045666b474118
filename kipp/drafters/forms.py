"""The agency's form to invite a drafter, and the one-button form to switch one off or on."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import AnyOf, DataRequired, Length

from kipp.limits import EMAIL_MAX, NAME_MAX


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=EMAIL_MAX)])
    name = StringField(
        _l("Name of the unit or person"), validators=[DataRequired(), Length(max=NAME_MAX)]
    )
    locale = SelectField(
        _l("Language of the invitation"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
        default="id",
    )


class ActiveForm(FlaskForm):
    active = HiddenField(validators=[AnyOf(("0", "1"))])
    version = HiddenField(validators=[DataRequired(), Length(max=12)])
