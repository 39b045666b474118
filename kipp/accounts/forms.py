"""Secretariat forms for agencies, users and declared conflicts.

The forms check shape only (present, length, a known choice); the rules (unique names and
e-mails, an agency account needs its agency, password strength, no self-demotion) live in
`kipp.accounts.services`, whose errors the views put back on these fields.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kipp.limits import INT32_MAX, INT32_MIN, PASSWORD_MAX
from kipp.models import AGENCY_KINDS, ROLES


def optional_int(value) -> int | None:
    """Coerce a select's value: "" (no choice) → None, else int (ValueError if not a number)."""
    if value is None or value == "":
        return None
    return int(value)


def agency_choices(agencies, blank=None) -> list[SelectChoice]:
    """Options for an agency select, led by an empty choice (coerced to None)."""
    return [SelectChoice("", blank or _l("— none —"))] + [
        SelectChoice(str(a.id), a.name) for a in agencies
    ]


class AgencyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k) for k in AGENCY_KINDS])
    province = StringField(_l("Province"), validators=[DataRequired(), Length(max=80)])
    is_3t = BooleanField(_l("3T area (underdeveloped, frontier, outermost)"))

    def set_kind_labels(self, labels: dict) -> None:
        self.kind.choices = [SelectChoice(k, labels.get(k, k)) for k in AGENCY_KINDS]


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r) for r in ROLES])
    agency_id = SelectField(_l("Agency"), coerce=optional_int, choices=[])
    password = PasswordField(
        _l("Initial password (optional)"), validators=[Optional(), Length(max=PASSWORD_MAX)]
    )
    locale = SelectField(
        _l("Language of the invitation"),
        choices=[SelectChoice("id", "Bahasa Indonesia"), SelectChoice("en", "English")],
        default="id",
    )

    def chosen_password(self) -> str | None:
        """The typed password, or None to mail an invitation instead."""
        return self.password.data or None


class UserEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(r) for r in ROLES])
    agency_id = SelectField(_l("Agency"), coerce=optional_int, choices=[])
    active = BooleanField(_l("Active (may log in)"))
    password = PasswordField(
        _l("New password (leave empty to keep the current one)"),
        validators=[Optional(), Length(max=PASSWORD_MAX)],
    )
    version = IntegerField(
        widget=HiddenInput(), validators=[DataRequired(), NumberRange(INT32_MIN, INT32_MAX)]
    )

    def changes(self) -> dict:
        """The fields to hand to `update_user`; the password only when one was typed."""
        data = {
            "name": self.name.data,
            "role": self.role.data,
            "agency_id": self.agency_id.data,
            "active": bool(self.active.data),
        }
        if self.password.data:
            data["password"] = self.password.data
        return data


class ConflictForm(FlaskForm):
    agency_id = SelectField(_l("Agency"), coerce=optional_int, choices=[])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


def set_role_labels(form, labels: dict) -> None:
    form.role.choices = [SelectChoice(r, labels.get(r, r)) for r in ROLES]


class SetPasswordForm(FlaskForm):
    """Choosing a password through an invitation or a reset link."""

    # Length and strength are the policy's (kipp.auth.passwords), checked by the service.
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
