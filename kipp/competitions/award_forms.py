"""The extra awards and the pass mark on the competition page form (shape only).

The fields are a mixin of `CompetitionForm`. The service (`kipp.competitions.awards`) decides
the rules; a row left entirely blank is ignored, so one spare row lets people add an award
without JavaScript. Awards are sent only while they may change (before stage `final`), the
pass mark only before stage `shortlist`; otherwise the page shows them read-only and posts
neither (the hidden `*_shown` markers say which parts the page showed as inputs).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
)
from wtforms.validators import Length, NumberRange, Optional

from kipp.limits import SIZE_MAX
from kipp.models import Competition, Stage
from kipp.models.awards import AWARD_CODE_MAX, AWARD_LABEL_MAX


class AwardRow(Form):
    code = StringField(_l("Code"), validators=[Optional(), Length(max=AWARD_CODE_MAX)])
    label = StringField(
        _l("Certificate label"), validators=[Optional(), Length(max=AWARD_LABEL_MAX)]
    )
    group = StringField(_l("Group"), validators=[Optional(), Length(max=30)])
    size = IntegerField(_l("Places"), validators=[Optional(), NumberRange(max=SIZE_MAX)])

    def is_blank(self) -> bool:
        return not any(
            (f.data if not isinstance(f.data, str) else f.data.strip()) not in (None, "")
            for f in (self.code, self.label, self.group, self.size)
        )

    def to_dict(self) -> dict:
        return {
            "code": (self.code.data or "").strip(),
            "label": (self.label.data or "").strip(),
            "group": (self.group.data or "").strip(),
            "size": self.size.data,
        }


def awards_editable(comp: Competition | None) -> bool:
    return comp is None or not comp.reached(Stage.FINAL)


def pass_mark_editable(comp: Competition | None) -> bool:
    return comp is None or not comp.reached(Stage.SHORTLIST)


class AwardsFields:
    """Mixed into `CompetitionForm`: `pass_mark` and the `extra_awards` rows."""

    pass_mark = DecimalField(
        _l("Pass mark"),
        places=2,
        validators=[Optional(), NumberRange(0, 100)],
        description=_l(
            "Evaluation scores below it are flagged; selecting such an entry needs a "
            "justification. Leave empty for none."
        ),
    )
    extra_awards = FieldList(FormField(AwardRow), min_entries=0)
    awards_shown = HiddenField()
    pass_mark_shown = HiddenField()

    @staticmethod
    def awards_initial(comp: Competition) -> dict:
        return {
            "pass_mark": comp.pass_mark,
            "extra_awards": [a.definition() for a in comp.extra_awards],
        }

    def awards_payload(self) -> dict:
        """The awards part of the service payload (see the module docstring)."""
        data: dict = {}
        if self.pass_mark_shown.data == "1":
            data["pass_mark"] = self.pass_mark.data
        if self.awards_shown.data == "1":
            data["extra_awards"] = [
                row.form.to_dict() for row in self.extra_awards if not row.form.is_blank()
            ]
        return data
