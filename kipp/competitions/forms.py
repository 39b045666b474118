"""Secretariat forms for a competition and its stage moves.

Shape only: numbers parse, required fields are present. The service
(`kipp.competitions.services`) decides the rules — weights summing to 100, unique codes, dates
in order, criteria frozen after `draft` — and the view puts its messages back on this form.

Dates are `datetime-local` inputs: naive values that the service reads in the competition's
timezone. Criteria are repeatable rows; a row left entirely blank is ignored, so one spare row
lets people add a criterion without JavaScript.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kipp.clock import local
from kipp.competitions.award_forms import AwardsFields
from kipp.competitions.defaults import DEFAULT_GROUPS, EVALUATION_CRITERIA_2023, PANEL_CRITERIA
from kipp.limits import (
    INT32_MAX,
    INT32_MIN,
    PER_ENTRY_MAX,
    SIZE_MAX,
    WEIGHT_MAX,
    WORD_LIMIT_MAX,
    YEARS_MAX,
)
from kipp.models import Competition

TIMEZONES = [
    SelectChoice("Asia/Jakarta", "WIB — Asia/Jakarta"),
    SelectChoice("Asia/Makassar", "WITA — Asia/Makassar"),
    SelectChoice("Asia/Jayapura", "WIT — Asia/Jayapura"),
]
# Seconds first: deadlines are enforced to the second, and the input shows them with step=1.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
GROUP_CODES = ("umum", "replikasi", "khusus")
# A group left entirely blank on the form is not created (umum and replikasi are required).
OPTIONAL_GROUPS = ("khusus",)
GROUP_PARTS = ("quota", "min_years")
# Upper bounds only: the services say what a too small value means.
_SIZE = NumberRange(max=SIZE_MAX)
_YEARS = NumberRange(max=YEARS_MAX)


class CriterionRow(Form):
    """One criterion (no CSRF of its own: it lives inside a FlaskForm)."""

    code = StringField(_l("Code"), validators=[Optional(), Length(max=40)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    weight = IntegerField(_l("Weight"), validators=[Optional(), NumberRange(max=WEIGHT_MAX)])
    word_limit = IntegerField(
        _l("Word limit"), validators=[Optional(), NumberRange(max=WORD_LIMIT_MAX)]
    )
    guidance = StringField(_l("Guidance"), validators=[Optional(), Length(max=1000)])

    def is_blank(self) -> bool:
        for f in (self.code, self.name, self.weight, self.word_limit, self.guidance):
            value = f.raw_data[0] if f.raw_data else f.data
            if value is not None and str(value).strip():
                return False
        return True

    def to_dict(self) -> dict:
        return {
            "code": (self.code.data or "").strip(),
            "name": (self.name.data or "").strip(),
            "weight": self.weight.data,
            "word_limit": self.word_limit.data,
            "guidance": (self.guidance.data or "").strip() or None,
        }


class CompetitionForm(AwardsFields, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    year = IntegerField(_l("Year"), validators=[InputRequired(), NumberRange(2000, 2100)])
    timezone = SelectField(_l("Timezone"), choices=TIMEZONES, default="Asia/Jakarta")
    submission_opens_at = DateTimeLocalField(
        _l("Submission opens"), format=DATETIME_FORMATS, validators=[InputRequired()]
    )
    submission_closes_at = DateTimeLocalField(
        _l("Submission closes"), format=DATETIME_FORMATS, validators=[InputRequired()]
    )
    umum_quota = IntegerField(_l("Umum: entries per agency"), validators=[InputRequired(), _SIZE])
    umum_min_years = IntegerField(
        _l("Umum: minimum years of implementation"), validators=[InputRequired(), _YEARS]
    )
    replikasi_quota = IntegerField(
        _l("Replikasi: entries per agency"), validators=[InputRequired(), _SIZE]
    )
    replikasi_min_years = IntegerField(
        _l("Replikasi: minimum years of implementation"), validators=[InputRequired(), _YEARS]
    )
    khusus_quota = IntegerField(
        _l("Khusus: entries per agency"),
        validators=[Optional(), _SIZE],
        description=_l("Leave both khusus fields empty for a competition without this group."),
    )
    khusus_min_years = IntegerField(
        _l("Khusus: minimum years of implementation"), validators=[Optional(), _YEARS]
    )
    umum_invitation_only = BooleanField(_l("Umum: by invitation only"))
    replikasi_invitation_only = BooleanField(_l("Replikasi: by invitation only"))
    khusus_invitation_only = BooleanField(_l("Khusus: by invitation only"))
    # A group's own evaluation criteria; none: the desk evaluation criteria below.
    umum_criteria = FieldList(FormField(CriterionRow), min_entries=0)
    replikasi_criteria = FieldList(FormField(CriterionRow), min_entries=0)
    khusus_criteria = FieldList(FormField(CriterionRow), min_entries=0)
    shortlist_size = IntegerField(
        _l("Shortlist size (Top 99)"), validators=[InputRequired(), _SIZE]
    )
    final_size = IntegerField(_l("Final tier size (Top 45)"), validators=[InputRequired(), _SIZE])
    evaluators_per_entry = IntegerField(
        _l("Evaluators per entry"), validators=[InputRequired(), NumberRange(max=PER_ENTRY_MAX)]
    )
    blind_review = BooleanField(
        _l("Blind review"),
        description=_l(
            "Evaluators read entries without the agency, its province, kind or 3T status, and "
            "without the decree and replication statement. Can be changed until the evaluation "
            "stage."
        ),
    )
    criteria = FieldList(FormField(CriterionRow), min_entries=0)
    panel_criteria = FieldList(FormField(CriterionRow), min_entries=0)
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(INT32_MIN, INT32_MAX)]
    )

    @staticmethod
    def initial() -> dict:
        """The 2023 defaults for a new competition."""
        return {
            "year": date.today().year,
            "timezone": "Asia/Jakarta",
            "umum_quota": DEFAULT_GROUPS["umum"]["quota"],
            "umum_min_years": DEFAULT_GROUPS["umum"]["min_implementation_years"],
            "replikasi_quota": DEFAULT_GROUPS["replikasi"]["quota"],
            "replikasi_min_years": DEFAULT_GROUPS["replikasi"]["min_implementation_years"],
            "khusus_invitation_only": True,
            "shortlist_size": 99,
            "final_size": 45,
            "evaluators_per_entry": 2,
            "blind_review": False,
            "criteria": [dict(c) for c in EVALUATION_CRITERIA_2023],
            "panel_criteria": [dict(c) for c in PANEL_CRITERIA],
        }

    @staticmethod
    def from_competition(comp: Competition) -> dict:
        def naive_local(value):
            return local(value, comp.timezone).replace(tzinfo=None)

        def rows(round_):
            return [k.definition() for k in comp.round_criteria(round_)]

        data = {
            "name": comp.name,
            "year": comp.year,
            "timezone": comp.timezone,
            "submission_opens_at": naive_local(comp.submission_opens_at),
            "submission_closes_at": naive_local(comp.submission_closes_at),
            "shortlist_size": comp.shortlist_size,
            "final_size": comp.final_size,
            "evaluators_per_entry": comp.evaluators_per_entry,
            "blind_review": comp.blind_review,
            "criteria": rows("evaluation"),
            "panel_criteria": rows("panel"),
            "version": comp.version,
        }
        for code in GROUP_CODES:
            group = comp.group(code)
            blank = None if code in OPTIONAL_GROUPS else 0
            data[f"{code}_quota"] = group.quota if group else blank
            data[f"{code}_min_years"] = group.min_implementation_years if group else blank
            data[f"{code}_invitation_only"] = group.invitation_only if group else False
            data[f"{code}_criteria"] = [k.definition() for k in group.criteria] if group else []
        return data | AwardsFields.awards_initial(comp)

    def _group_fields(self) -> list:
        return [getattr(self, f"{code}_{part}") for code in GROUP_CODES for part in GROUP_PARTS]

    def groups_posted(self) -> bool:
        """False when no group field was sent: after `draft` the page shows them read-only."""
        return any(f.raw_data for f in self._group_fields())

    def validate(self, extra_validators=None) -> bool:
        if self.is_submitted() and not self.groups_posted():
            for f in self._group_fields():  # read-only on the page: nothing to check
                f.validators = [Optional()]
        valid = super().validate(extra_validators)
        for code in OPTIONAL_GROUPS:
            quota, years = getattr(self, f"{code}_quota"), getattr(self, f"{code}_min_years")
            if (quota.data is None) != (years.data is None) and not (quota.errors or years.errors):
                blank = quota if quota.data is None else years
                blank.errors = [*blank.errors, _l("Fill in both fields of the group, or neither.")]
                valid = False
        return valid

    def add_spare_rows(self) -> None:
        self.extra_awards.append_entry()
        self.criteria.append_entry()
        self.panel_criteria.append_entry()
        for code in GROUP_CODES:
            getattr(self, f"{code}_criteria").append_entry()

    def allow_timezone(self, tz: str) -> None:
        if tz not in {choice.value for choice in self.timezone.choices}:
            self.timezone.choices = [*self.timezone.choices, SelectChoice(tz)]

    def to_data(self, with_structure: bool = True) -> dict:
        """The service payload; groups and criteria only when they may change."""
        data = {
            "name": self.name.data,
            "year": self.year.data,
            "timezone": self.timezone.data,
            "submission_opens_at": self.submission_opens_at.data,
            "submission_closes_at": self.submission_closes_at.data,
            "shortlist_size": self.shortlist_size.data,
            "final_size": self.final_size.data,
            "evaluators_per_entry": self.evaluators_per_entry.data,
            # Once evaluation started the page sends the current value (no change).
            "blind_review": bool(self.blind_review.data),
        }
        if self.version.data is not None:
            data["version"] = self.version.data
        if with_structure and self.groups_posted():
            data["groups"] = {
                code: {
                    "quota": getattr(self, f"{code}_quota").data,
                    "min_implementation_years": getattr(self, f"{code}_min_years").data,
                    "invitation_only": bool(getattr(self, f"{code}_invitation_only").data),
                    "criteria": [
                        row.form.to_dict()
                        for row in getattr(self, f"{code}_criteria")
                        if not row.form.is_blank()
                    ],
                }
                for code in GROUP_CODES
                if getattr(self, f"{code}_quota").data is not None
            }
            for key in ("criteria", "panel_criteria"):
                data[key] = [
                    row.form.to_dict() for row in getattr(self, key) if not row.form.is_blank()
                ]
        return data | self.awards_payload()


class StageForm(FlaskForm):
    to = HiddenField(validators=[DataRequired()])
    force = BooleanField(_l("Force the move (unsubmitted score sheets stay unsubmitted)"))
    reason = TextAreaField(_l("Reason for forcing"), validators=[Optional(), Length(max=1000)])
