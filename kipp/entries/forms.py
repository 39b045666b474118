"""Web forms of the entry editor and the attachment upload.

The editor form is built per competition: one textarea per evaluation criterion, named
`ans_<code>` (criterion codes are `[a-z][a-z0-9_]*`, so the name is a valid identifier and never
collides with the fixed fields). The forms check shape only; every business rule (required
fields, word limits, dates, groups) is the service's, so the web form, the autosave and the API
answer the same way.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from kipp.competitions.group_rules import is_invited
from kipp.entries.timing import countdown_messages
from kipp.labels import ATTACHMENT_KIND_LABELS, REPLICATION_LABELS
from kipp.limits import (
    ANSWER_MAX,
    INT32_MAX,
    INT32_MIN,
    NOTE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    URL_MAX,
)
from kipp.models import ATTACHMENT_KINDS, Competition, Entry
from kipp.themes.queries import themes

ANSWER_PREFIX = "ans_"

# The fields sent to the service as they are (None when left empty, except text bodies).
PLAIN_FIELDS = ("title", "group", "summary")
OPTIONAL_FIELDS = ("category", "video_url", "replicates", "replication_type", "theme")


def answer_field(code: str) -> str:
    return f"{ANSWER_PREFIX}{code}"


def field_for_error(key: str) -> str:
    """The form field that shows a service error key ("answers.kebaruan" → "ans_kebaruan")."""
    if key.startswith("answers."):
        return answer_field(key.split(".", 1)[1])
    return key


class EntryForm(FlaskForm):
    title = StringField(_l("Title of the innovation"), validators=[Length(max=TITLE_MAX)])
    group = SelectField(_l("Group"), choices=[])
    category = StringField(_l("Category"), validators=[Optional(), Length(max=100)])
    # A theme code from the controlled list (kipp.themes); the service refuses unknown codes.
    theme = SelectField(_l("Theme"), choices=[], validate_choice=False)
    summary = TextAreaField(_l("Summary"), validators=[Length(max=SUMMARY_MAX)])
    started_on = DateField(_l("Implementation started on"), validators=[Optional()])
    video_url = URLField(_l("Video link (at most 5 minutes)"), validators=[Length(max=URL_MAX)])
    replicates = StringField(
        _l("Innovation replicated (title or reference)"), validators=[Length(max=URL_MAX)]
    )
    replication_type = SelectField(
        _l("Kind of replication"),
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, text) for k, text in REPLICATION_LABELS.items()],
        validate_choice=True,
    )
    version = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(INT32_MIN, INT32_MAX)]
    )
    # The innovation directory (kipp/directory).
    replicates_entry_id = IntegerField(
        _l("Number of the replicated innovation in the directory"),
        validators=[Optional(), NumberRange(1, INT32_MAX)],
    )
    replication_notes = TextAreaField(
        _l("How the innovation was adapted"), validators=[Optional(), Length(max=NOTE_MAX)]
    )
    public = BooleanField(
        _l("List this innovation in the public directory once the year is awarded")
    )

    criteria_codes: tuple[str, ...] = ()

    def answers(self) -> dict[str, str]:
        return {code: self[answer_field(code)].data or "" for code in self.criteria_codes}

    def to_data(self) -> dict:
        """The service's input dict built from what the user typed."""
        data = {name: self[name].data or "" for name in PLAIN_FIELDS}
        for name in OPTIONAL_FIELDS:
            data[name] = (self[name].data or "").strip() or None
        data["started_on"] = self.started_on.data
        data["answers"] = self.answers()
        data["replicates_entry_id"] = self.replicates_entry_id.data
        data["replication_notes"] = (self.replication_notes.data or "").strip() or None
        data["public"] = bool(self.public.data)
        return data

    def add_errors(self, errors: dict | None) -> list[str]:
        """Attach service errors to their fields; return the ones no field can show."""
        loose: list[str] = []
        for key, messages in (errors or {}).items():
            messages = [messages] if isinstance(messages, str) else list(messages)
            name = field_for_error(key)
            if name in self._fields and name != "version":
                field = self[name]
                field.errors = [*field.errors, *messages]
            else:
                loose.extend(messages)
        return loose


def entry_form(
    comp: Competition, entry: Entry | None = None, *, formdata=None, agency_id: int | None = None
) -> EntryForm:
    """The editor form for `comp`, filled from `formdata` (a POST) or else from `entry`.

    Pass `formdata=None` to show the saved entry even while handling a POST of another form.
    Given the agency (`agency_id`, for a form that is shown), the group choices leave out the
    invitation-only groups it is not invited to (unless the entry already is in one); a posted
    form keeps every group, so that the service refuses an uninvited group with its reason.
    """
    criteria = comp.round_criteria("evaluation")
    attrs = {
        answer_field(c.code): TextAreaField(c.name, validators=[Optional(), Length(max=ANSWER_MAX)])
        for c in criteria
    }
    attrs["criteria_codes"] = tuple(c.code for c in criteria)
    form_class = type("CompetitionEntryForm", (EntryForm,), attrs)
    data = {}
    if entry is not None:
        data = {
            "title": entry.title,
            "group": entry.group,
            "category": entry.category or "",
            "summary": entry.summary or "",
            "started_on": entry.started_on,
            "video_url": entry.video_url or "",
            "replicates": entry.replicates or "",
            "replication_type": entry.replication_type or "",
            "replicates_entry_id": entry.replicates_entry_id,
            "replication_notes": entry.replication_notes or "",
            "public": entry.public,
            "theme": entry.theme or "",
            "version": entry.version,
        } | {answer_field(code): text for code, text in (entry.answers or {}).items()}
    form = form_class(formdata=formdata, data=data)
    form.group.choices = [
        SelectChoice(g.code, g.code.capitalize())
        for g in comp.groups
        if agency_id is None
        or not g.invitation_only
        or (entry is not None and entry.group == g.code)
        or is_invited(comp.id, g.code, agency_id)
    ]
    form.theme.choices = [SelectChoice("", "—")] + [
        SelectChoice(t["code"], t["label"]) for t in themes()
    ]
    return form


class AttachmentForm(FlaskForm):
    kind = SelectField(
        _l("Kind of document"),
        choices=[SelectChoice(k, ATTACHMENT_KIND_LABELS[k]) for k in ATTACHMENT_KINDS],
    )
    file = FileField(_l("PDF file"), validators=[FileRequired(_l("Choose a file."))])


def editor_messages(server_now: datetime) -> dict:
    """Raw translated patterns for the agency pages' scripts (countdown.js, entry-editor.js,
    autosave.js), which fill in `%(name)s` themselves: the countdown's own
    (`kipp.entries.timing.countdown_messages`), the server's clock (the live countdown corrects
    the browser's clock with it) and the editor's.

    `gettext` without variables returns the pattern unformatted."""
    return {
        **countdown_messages(),
        "now": server_now.isoformat(),
        "opens_in": _("Opens in %(time)s"),
        "closed": _("Submission closed"),
        "words": _("Words: %(count)d"),
        "words_limited": _("Words: %(count)d of %(limit)d"),
        "words_over": _("Words: %(count)d of %(limit)d, %(over)d too many"),
        "unsaved": _("Changes not saved yet"),
        "saving": _("Saving…"),
        "saved": _("Saved %(time)s"),
        "invalid": _("Not saved: check the highlighted fields."),
        "offline": _("Not saved: no connection. Retrying…"),
        "stale": _(
            "Someone else saved this entry in the meantime, so autosave stopped. Your text is "
            "kept in this browser: reload the page and restore it."
        ),
        "session": _("Not saved: your session has ended. Log in again in another tab."),
        "failed": _("Not saved."),
        "restore_prompt": _("This browser kept text of this entry that was not saved (%(time)s)."),
        "restore": _("Restore my text"),
        "discard": _("Discard it"),
        "reload": _("Reload the page"),
    }
