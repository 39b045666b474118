"""Forms of the screening pages: the queue filter (GET), one decision, a bulk decision.

The forms only parse; the screening rules (a fail needs a known reason, pass/fail only, the
stage) live in `kipp.screening.services`, whose errors the views put back on these fields.
"""

from __future__ import annotations

from flask import request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SearchField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from kipp.labels import AGENCY_KIND_LABELS, SCREENING_STATUS_LABELS
from kipp.limits import INT32_MAX
from kipp.models import AGENCY_KINDS
from kipp.screening.flag_labels import FLAG_FILTER_CHOICES
from kipp.screening.queries import DEFAULT_STATUS, QueueFilter
from kipp.screening.reasons import REASONS, label


def _ids_in_range(form, field) -> None:
    """Entry ids are PostgreSQL integers: a larger number names no entry."""
    if any(not 1 <= value <= INT32_MAX for value in field.data or ()):
        raise ValidationError(_("Unknown entry."))


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, text) for value, text in pairs]


def reason_choices() -> list[SelectChoice]:
    """Every reason code with its label in the request's language."""
    locale = str(get_locale() or "id")
    return [SelectChoice(code, label(code, locale)) for code in REASONS]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class FilterForm(FlaskForm):
    """Read from the query string; unknown values select nothing rather than erroring."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=choices(SCREENING_STATUS_LABELS.items()),
        default=DEFAULT_STATUS,
        validate_choice=False,
    )
    group = SelectField(_l("Group"), validate_choice=False, default="")
    kind = SelectField(_l("Agency kind"), validate_choice=False, default="")
    province = SelectField(_l("Province"), validate_choice=False, default="")
    q = SearchField(_l("Title contains"), validators=[Optional(), Length(max=200)])
    flag = SelectField(
        _l("Flag"), choices=choices(FLAG_FILTER_CHOICES), validate_choice=False, default=""
    )

    def __init__(self, groups: list[str], provinces: list[str], **kwargs):
        super().__init__(formdata=request.args, **kwargs)
        self.group.choices = choices([("", _l("Any group"))] + [(g, g.title()) for g in groups])
        self.kind.choices = choices(
            [("", _l("Any kind"))] + [(k, AGENCY_KIND_LABELS.get(k, k)) for k in AGENCY_KINDS]
        )
        self.province.choices = choices([("", _l("Any province"))] + [(p, p) for p in provinces])

    def to_filter(self) -> QueueFilter:
        return QueueFilter(
            status=self.status.data or DEFAULT_STATUS,
            group=self.group.data or "",
            kind=self.kind.data or "",
            province=self.province.data or "",
            q=self.q.data or "",
            flag=self.flag.data or "",
        )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices([("pass", _l("Pass: eligible")), ("fail", _l("Fail: ineligible"))]),
        validate_choice=False,
    )
    reason_codes = MultiCheckboxField(_l("Reasons (required to fail)"), validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_codes.choices = reason_choices()


class BulkForm(DecisionForm):
    """The decision comes from the button pressed (name="decision", value pass or fail)."""

    entry_ids = SelectMultipleField(
        _l("Selected entries"), coerce=int, validate_choice=False, validators=[_ids_in_range]
    )
