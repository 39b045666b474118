"""The reviewer's score sheet form, its labels and the texts of scoring.js.

The form is built per round: one text field per criterion named `score_<code>` (criterion codes
are `[a-z][a-z0-9_]*`, so the name is a valid identifier and never collides with the fixed
fields). It checks shape only and keeps what the reviewer typed verbatim, so a refused save can
show it again; every rule on values (range, decimals, unknown codes) is the scoring service's,
so the page, the autosave and the API answer the same way.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kipp.judging import scoring
from kipp.judging.totals import InvalidValue, sheet_total, validate_value
from kipp.labels import SHEET_STATUS_LABELS
from kipp.limits import INT32_MAX, INT32_MIN
from kipp.models import Assignment

SCORE_PREFIX = "score_"
# "85,5": the Indonesian decimal comma, typed where a browser does not normalise it.
_DECIMAL_COMMA = re.compile(r"^\s*(\d+),(\d+)\s*$")


def score_field(code: str) -> str:
    return f"{SCORE_PREFIX}{code}"


def normalise_value(raw: str) -> str:
    """Trim the text and read a decimal comma as a point; anything else is left as typed."""
    found = _DECIMAL_COMMA.match(raw)
    return f"{found.group(1)}.{found.group(2)}" if found else raw.strip()


def normalise_comment(raw: str | None) -> str:
    """Browsers send textarea line breaks as CRLF; the autosave sends LF. Store LF."""
    return (raw or "").replace("\r\n", "\n").strip()


class ScoreSheetForm(FlaskForm):
    comment = TextAreaField(
        _l("Comment for the secretariat and the panel"),
        validators=[Length(max=scoring.COMMENT_MAX)],
    )
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(INT32_MIN, INT32_MAX)]
    )
    confirm = BooleanField(_l("I have checked my scores"))

    criteria_codes: tuple[str, ...] = ()

    def typed(self) -> dict[str, str]:
        """{code: text} of every criterion as typed ("" when empty)."""
        return {code: self[score_field(code)].data or "" for code in self.criteria_codes}

    def values(self) -> dict[str, str]:
        """The service's input: every non-empty value, normalised (an empty field clears)."""
        return {code: normalise_value(v) for code, v in self.typed().items() if v.strip()}

    def comment_text(self) -> str:
        return normalise_comment(self.comment.data)

    def differs_from(self, assignment: Assignment, sent: set[str]) -> bool:
        """True if a field that was sent (`sent`: the posted names) holds something other than
        the saved sheet; unparseable text always differs."""
        saved = scoring.current_values(assignment)
        for code, text in self.typed().items():
            if score_field(code) not in sent:
                continue
            if not text.strip():
                if code in saved:
                    return True
                continue
            try:
                if validate_value(normalise_value(text)) != saved.get(code):
                    return True
            except InvalidValue:
                return True
        return "comment" in sent and self.comment_text() != (assignment.comment or "")

    def add_errors(self, errors: dict | None) -> list[str]:
        """Attach service errors (keyed by criterion code or field name) to their fields;
        return the messages no field can show."""
        loose: list[str] = []
        for key, messages in (errors or {}).items():
            messages = [messages] if isinstance(messages, str) else list(messages)
            name = score_field(key) if key in self.criteria_codes else key
            if name in self._fields and name not in ("version", "csrf_token"):
                self[name].errors = [*self[name].errors, *messages]
            else:
                loose.extend(messages)
        return loose


def score_form(assignment: Assignment, *, formdata=None) -> ScoreSheetForm:
    """The sheet form of `assignment`'s round, filled from `formdata` (a POST) or else from the
    saved sheet (values shown with 2 decimals, as stored)."""
    entry = assignment.entry
    criteria = entry.competition.criteria_of(entry.group, assignment.round)
    attrs = {score_field(c.code): StringField(c.name, validators=[Optional()]) for c in criteria}
    attrs["criteria_codes"] = tuple(c.code for c in criteria)
    form_class = type("RoundScoreSheetForm", (ScoreSheetForm,), attrs)
    saved = scoring.current_values(assignment)
    data = {score_field(code): str(v) for code, v in saved.items()} | {
        "comment": assignment.comment or "",
        "version": assignment.version,
    }
    return form_class(formdata=formdata, data=data)


def preview_total(form: ScoreSheetForm, weights: dict[str, int]) -> Decimal | None:
    """The running total of what the form holds (missing values count 0), or None while a
    value is not a valid score: the page shows what the server would compute."""
    try:
        parsed = {code: validate_value(v) for code, v in form.values().items()}
        return sheet_total(parsed, weights, partial=True)
    except (InvalidValue, ValueError):
        return None


def scoring_messages() -> dict:
    """Raw translated patterns for scoring.js, which fills in `%(name)s` itself."""
    return {
        "draft": str(SHEET_STATUS_LABELS["draft"]),
        "unsaved": _("Changes not saved yet"),
        "saving": _("Saving…"),
        "saved": _("Saved %(time)s"),
        "invalid": _("Not saved: check the highlighted scores."),
        "offline": _("Not saved: no connection. Retrying…"),
        "stale": _(
            "This score sheet was saved elsewhere in the meantime (another tab?), so autosave "
            "stopped. Your scores are kept in this browser: reload the page and restore them."
        ),
        "session": _("Not saved: your session has ended. Log in again in another tab."),
        "failed": _("Not saved."),
        "restore_prompt": _(
            "This browser kept scores of this sheet that were not saved (%(time)s)."
        ),
        "restore": _("Restore my scores"),
        "discard": _("Discard them"),
        "reload": _("Reload the page"),
        "value_invalid": _("A score is a number from 0 to 100 with at most 2 decimals."),
        "confirm": _(
            "Submit this score sheet? After submitting you can no longer change the scores."
        ),
        "not_submitted": _("Not submitted: the scores could not be saved first."),
    }
