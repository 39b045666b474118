"""The submission window in words: countdowns, durations and local times.

Guarantees: nothing here reads or writes the database; texts are in the request's language
(`countdown_messages` hands the same patterns to kipp/static/countdown.js, on the agency and
the public pages alike); times are shown in the competition's timezone.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import get_translations, ngettext
from flask_babel import gettext as _

from kipp.clock import local, now
from kipp.models import Competition, Stage


def duration_text(seconds: float) -> str:
    """ "3 days 4 hours", "5 hours 2 minutes" or "12 minutes": two units at most."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)

    def unit(n: int, which: str) -> str:
        if which == "d":
            return ngettext("%(num)d day", "%(num)d days", n)
        if which == "h":
            return ngettext("%(num)d hour", "%(num)d hours", n)
        return ngettext("%(num)d minute", "%(num)d minutes", n)

    if days:
        return f"{unit(days, 'd')} {unit(hours, 'h')}"
    if hours:
        return f"{unit(hours, 'h')} {unit(mins, 'm')}"
    if mins:
        return unit(mins, "m")
    return _("less than a minute")


def countdown(comp: Competition, at: datetime | None = None) -> str:
    at = at or now()
    if at < comp.submission_opens_at:
        return _(
            "Opens in %(time)s", time=duration_text((comp.submission_opens_at - at).total_seconds())
        )
    if at > comp.submission_closes_at:
        return _("Submission closed")
    return _("%(time)s left", time=duration_text((comp.submission_closes_at - at).total_seconds()))


def when(value: datetime, comp: Competition) -> str:
    return local(value, comp.timezone).strftime("%d-%m-%Y %H:%M %Z")


def can_create(comp: Competition, at: datetime | None = None) -> bool:
    """Whether drafts may be started (and edited) now: stage `submission`, deadline not
    passed. The services check the same, to the second, when the draft is saved."""
    return comp.stage == Stage.SUBMISSION and (at or now()) <= comp.submission_closes_at


def countdown_messages() -> dict:
    """Raw translated patterns for countdown.js (it fills in `%(…)s` itself): the public
    pages' countdowns; the editor adds its own (`kipp.entries.forms.editor_messages`)."""
    t = get_translations()

    def forms(one: str, many: str) -> list[str]:
        return [t.ngettext(one, many, 1), t.ngettext(one, many, 2)]

    return {
        "day": forms("%(num)d day", "%(num)d days"),
        "hour": forms("%(num)d hour", "%(num)d hours"),
        "minute": forms("%(num)d minute", "%(num)d minutes"),
        "soon": _("less than a minute"),
        "left": _("%(time)s left"),
        "closed": _("Closed"),
    }
