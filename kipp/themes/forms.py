"""Web forms of the themes page and the innovation profile page (shape only: every rule is
the service's, so the pages and the API answer the same way)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kipp.limits import INT32_MAX, INT32_MIN, URL_MAX
from kipp.models.themes import CODE_MAX, LABEL_MAX
from kipp.themes.services import IMPACT_MAX, LINKS_MAX


class ThemeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[Length(max=CODE_MAX)])
    label_id = StringField(_l("Label in Indonesian"), validators=[Length(max=LABEL_MAX)])
    label_en = StringField(_l("Label in English"), validators=[Length(max=LABEL_MAX)])

    def to_data(self) -> dict:
        return {k: self[k].data or "" for k in ("code", "label_id", "label_en")}


class ProfileForm(FlaskForm):
    status = RadioField(
        _l("Is the innovation still running?"),
        choices=[
            SelectChoice("running", _l("Still running")),
            SelectChoice("stopped", _l("Stopped")),
        ],
        validate_choice=False,
    )
    impact = TextAreaField(
        _l("Impact (figures, who benefits)"), validators=[Optional(), Length(max=IMPACT_MAX)]
    )
    links = TextAreaField(
        _l("Links (one per line: news, replications, the service itself)"),
        validators=[Optional(), Length(max=(URL_MAX + 2) * LINKS_MAX)],
    )
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(INT32_MIN, INT32_MAX)]
    )

    def to_data(self) -> dict:
        links = [line.strip() for line in (self.links.data or "").splitlines() if line.strip()]
        return {
            "status": self.status.data,
            "impact": self.impact.data or None,
            "links": links,
            "version": self.version.data,
        }

    def add_errors(self, errors: dict | None) -> list[str]:
        loose: list[str] = []
        for key, messages in (errors or {}).items():
            messages = [messages] if isinstance(messages, str) else list(messages)
            if key in self._fields and key != "version":
                self[key].errors = [*self[key].errors, *messages]
            else:
                loose.extend(messages)
        return loose
