"""Human messages for submission blockers, in the user's language."""

from __future__ import annotations

from flask_babel import gettext as _

from kipp.entries.rules import Blocker

FIELD_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "group": "Group",
    "started_on": "Start of implementation",
    "replicates": "Replicated innovation",
}


def blocker_message(b: Blocker) -> str:
    if b.code == "too_long":
        count, limit = b.params
        return _("%(count)d words; the limit is %(limit)d.", count=count, limit=limit)
    if b.code == "too_young":
        return _(
            "The innovation must have run at least %(n)d years at the closing date.", n=b.params[0]
        )
    if b.code == "unknown_group":
        return _("Choose a group of this competition.")
    if b.field.startswith("answers."):
        return _('Answer the section "%(name)s".', name=b.params[0])
    labels = {
        "title": _("Enter the title."),
        "summary": _("Write the summary."),
        "started_on": _("Enter when the implementation started."),
        "replicates": _("Say which innovation this entry replicates."),
    }
    return labels.get(b.field, _("Complete this field."))
