"""The checks an entry change passes before anything is written: the submission window, the
field rules that hold for drafts too, and what still keeps a draft from submission.

Guarantees: nothing here writes; every function either returns or raises a `DomainError`
(`InvalidStage`, `DeadlinePassed`, `ValidationFailed` with the fields to fix). Deadlines are
compared in UTC on the server, inclusive of the closing second. `blockers` applies the pure
rules of `kipp.entries.rules`, the same ones the submit service and the agency pages use.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from kipp.clock import local, now
from kipp.entries.messages import blocker_message
from kipp.entries.rules import CriterionRule, submission_blockers, word_limit_errors
from kipp.errors import DeadlinePassed, InvalidStage, ValidationFailed
from kipp.limits import NOTE_MAX
from kipp.models import REPLICATION_TYPES, Competition, Entry
from kipp.themes.queries import exists as theme_exists

EDITABLE = (
    "title",
    "group",
    "category",
    "summary",
    "answers",
    "started_on",
    "video_url",
    "replicates",
    "replication_type",
    "public",
    "replicates_entry_id",
    "replication_notes",
    "theme",
)
URL_RE = re.compile(r"^https?://[^\s]+$", re.I)


def criterion_rules(comp: Competition) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.name, c.word_limit) for c in comp.round_criteria("evaluation")]


def closing_day(comp: Competition) -> date:
    return local(comp.submission_closes_at, comp.timezone).date()


def check_window(comp: Competition, *, submitting: bool) -> None:
    if comp.stage != "submission":
        raise InvalidStage(
            _("Entries can only be drafted and submitted during the submission stage.")
        )
    at = now()
    if at > comp.submission_closes_at:
        raise DeadlinePassed(
            _(
                "The submission deadline (%(when)s) has passed.",
                when=local(comp.submission_closes_at, comp.timezone).strftime(
                    "%d-%m-%Y %H:%M:%S %Z"
                ),
            )
        )
    if submitting and at < comp.submission_opens_at:
        raise DeadlinePassed(
            _(
                "Submission opens on %(when)s.",
                when=local(comp.submission_opens_at, comp.timezone).strftime(
                    "%d-%m-%Y %H:%M:%S %Z"
                ),
            )
        )


def validate_fields(comp: Competition, data: dict, merged: dict) -> None:
    """Field rules that hold for drafts too (a draft may be incomplete, never invalid)."""
    errors: dict = {}
    if "title" in data and not (data["title"] or "").strip():
        errors["title"] = [_("Enter the innovation's title.")]
    if len(merged.get("title") or "") > 300:
        errors["title"] = [_("The title is at most 300 characters.")]
    if comp.group(merged.get("group") or "") is None:
        errors["group"] = [
            _(
                "Choose one of the groups: %(groups)s.",
                groups=", ".join(g.code for g in comp.groups),
            )
        ]
    answers = merged.get("answers") or {}
    if not isinstance(answers, dict) or any(not isinstance(v, str) for v in answers.values()):
        errors["answers"] = [_("Answers are texts keyed by criterion code.")]
    else:
        known = {c.code for c in comp.round_criteria("evaluation")}
        unknown = sorted(set(answers) - known)
        if unknown:
            errors["answers"] = [_("Unknown criteria: %(codes)s.", codes=", ".join(unknown))]
        for code, count in word_limit_errors(answers, criterion_rules(comp)).items():
            limit = next(c.word_limit for c in comp.round_criteria("evaluation") if c.code == code)
            errors[f"answers.{code}"] = [
                _("%(count)d words; the limit is %(limit)d.", count=count, limit=limit)
            ]
    started = merged.get("started_on")
    if started is not None and started > local(now(), comp.timezone).date():
        errors["started_on"] = [_("The start date cannot be in the future.")]
    if merged.get("video_url") and not URL_RE.match(merged["video_url"]):
        errors["video_url"] = [_("Enter a link that starts with http:// or https://.")]
    if (
        merged.get("group") == "replikasi"
        and not (merged.get("replicates") or "").strip()
        and merged.get("replicates_entry_id") is None
    ):
        errors["replicates"] = [_("Say which innovation this entry replicates.")]
    if data.get("replicates_entry_id") is not None and not _replicable(
        data["replicates_entry_id"], merged.get("id")
    ):
        errors["replicates_entry_id"] = [
            _("Choose an innovation from the public directory (its number is on its page).")
        ]
    if len(merged.get("replication_notes") or "") > NOTE_MAX:
        errors["replication_notes"] = [
            _("The replication notes are at most %(n)d characters.", n=NOTE_MAX)
        ]
    if merged.get("replication_type") not in (None, "", *REPLICATION_TYPES):
        errors["replication_type"] = [_("Choose adopsi, adaptasi or modifikasi.")]
    if data.get("theme") and not theme_exists(data["theme"]):
        errors["theme"] = [_("Choose one of the themes (GET /themes lists them).")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)


def _replicable(entry_id, own_id) -> bool:
    """True when `entry_id` is a directory innovation other than the entry itself."""
    from kipp.directory.visibility import is_visible

    return isinstance(entry_id, int) and entry_id != own_id and is_visible(entry_id)


def clean(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k in EDITABLE}
    for key in ("title", "summary", "category", "replicates", "video_url", "replication_notes"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    if out.get("replication_type") == "":
        out["replication_type"] = None
    if "theme" in out and not (isinstance(out["theme"], str) and out["theme"].strip()):
        out["theme"] = None
    return out


def blockers(entry: Entry) -> list[dict]:
    """What still keeps this draft from submission, as {field, code, message}."""
    comp = entry.competition
    group = comp.group(entry.group)
    found = submission_blockers(
        title=entry.title,
        summary=entry.summary,
        group=entry.group,
        answers=entry.answers or {},
        started_on=entry.started_on,
        replicates=entry.replicates,
        replicates_entry_id=entry.replicates_entry_id,
        criteria=criterion_rules(comp),
        group_min_years=group.min_implementation_years if group else None,
        closing_day=closing_day(comp),
    )
    return [{"field": b.field, "code": b.code, "message": blocker_message(b)} for b in found]
