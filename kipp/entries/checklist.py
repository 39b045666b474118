"""The entry editor's checklist aside: what the rules ask of this entry, item by item.

Guarantees: nothing here writes or queries beyond the entry's loaded attachments; each item's
`ok` is decided by the same rules the submit service and screening apply (implementation age
at the closing date, the decree, word limits), or is None where the item is advice only.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from kipp.entries.checks import closing_day
from kipp.entries.rules import word_count, years_before
from kipp.models import Competition, Entry


def checklist(comp: Competition, entry: Entry | None) -> list[dict]:
    """The editor's aside: {label, text, ok} where ok is True, False or None (advice only)."""
    items = []
    day = closing_day(comp)
    for g in comp.groups:
        if entry is not None and entry.group != g.code:
            continue
        latest = years_before(day, g.min_implementation_years)
        ok = None
        if entry is not None and entry.started_on is not None:
            ok = entry.started_on <= latest
        items.append(
            {
                "label": _("Implementation age"),
                "text": ngettext(
                    "Group %(group)s: started on %(date)s or earlier (%(num)d year by the "
                    "closing date).",
                    "Group %(group)s: started on %(date)s or earlier (%(num)d years by the "
                    "closing date).",
                    g.min_implementation_years,
                    group=g.code.capitalize(),
                    date=latest.strftime("%d-%m-%Y"),
                ),
                "ok": ok,
            }
        )
    kinds = {a.kind for a in entry.attachments} if entry is not None else set()
    items.append(
        {
            "label": _("Required documents"),
            "text": _("Attach the decree (SK) on the innovator; missing documents fail screening."),
            "ok": "decree" in kinds if entry is not None else None,
        }
    )
    items.append(
        {
            "label": _("Video"),
            "text": _("A link to a video of at most 5 minutes."),
            "ok": bool(entry.video_url) if entry is not None else None,
        }
    )
    answers = (entry.answers or {}) if entry is not None else {}
    for c in comp.round_criteria("evaluation"):
        if c.word_limit is None:
            continue
        count = word_count(answers.get(c.code))
        items.append(
            {
                "label": _("Word limit"),
                "text": _(
                    "%(name)s: %(count)d of at most %(limit)d words.",
                    name=c.name,
                    count=count,
                    limit=c.word_limit,
                ),
                "ok": count <= c.word_limit if entry is not None else None,
            }
        )
    return items
