"""Read helpers for the agency pages: the dashboard and the editor's checklist.

Guarantees: nothing here writes. The dashboard costs a fixed number of queries whatever the
number of entries (competitions with their groups and criteria, the agency's entries with their
attachments, one grouped count for the quotas). Whether the submit button is enabled is decided
with the same rules the submit service applies (stage, window, quota, blockers); the service
still has the last word at the moment of submission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from kipp.clock import local, now
from kipp.entries.checks import blockers, closing_day
from kipp.entries.rules import word_count, years_before
from kipp.extensions import db
from kipp.models import Competition, Entry, Stage
from kipp.screening.flag_queries import flagged_ids
from kipp.screening.reasons import label


@dataclass(frozen=True)
class GroupQuota:
    code: str
    quota: int
    used: int

    @property
    def full(self) -> bool:
        return self.used >= self.quota

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100


@dataclass
class EntryRow:
    entry: Entry
    blockers: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    submit_block: str | None = None  # why submitting is impossible now; None when allowed


@dataclass
class Panel:
    competition: Competition
    countdown: str
    can_create: bool
    quotas: list[GroupQuota]
    rows: list[EntryRow]
    focus: bool = False


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
    return comp.stage == Stage.SUBMISSION and (at or now()) <= comp.submission_closes_at


def submit_block(
    entry: Entry, found: list[dict], quota: GroupQuota | None, at: datetime | None = None
) -> str | None:
    """Why `entry` cannot be submitted right now, or None. Same order as the service."""
    comp, at = entry.competition, at or now()
    if entry.status != "draft":
        return _("Already submitted.")
    if comp.stage != Stage.SUBMISSION:
        return _("Submission is not open in the current stage.")
    if at > comp.submission_closes_at:
        return _("The submission deadline has passed.")
    if at < comp.submission_opens_at:
        return _("Submission opens on %(when)s.", when=when(comp.submission_opens_at, comp))
    if quota is not None and quota.full:
        return _(
            "Your agency's quota for group %(group)s is full (%(used)d/%(quota)d).",
            group=quota.code.capitalize(),
            used=quota.used,
            quota=quota.quota,
        )
    if found:
        return ngettext(
            "%(num)d item still blocks submission.",
            "%(num)d items still block submission.",
            len(found),
        )
    return None


def document_warnings(entry: Entry) -> list[str]:
    """Missing documents do not block submission but fail screening: say so early."""
    kinds = {a.kind for a in entry.attachments}
    out = []
    if "decree" not in kinds:
        out.append(_("No decree (SK) on the innovator attached yet."))
    if entry.group == "replikasi" and "replication_statement" not in kinds:
        out.append(_("No replication statement attached yet."))
    if not entry.video_url:
        out.append(_("No video link yet (at most 5 minutes)."))
    return out


def quota_usage(agency_id: int, comp_ids: list[int]) -> dict[tuple[int, str], int]:
    """(competition id, group) → entries of the agency that count against the quota."""
    if not comp_ids:
        return {}
    rows = db.session.execute(
        select(Entry.competition_id, Entry.group, func.count())
        .where(
            Entry.agency_id == agency_id,
            Entry.competition_id.in_(comp_ids),
            Entry.status != "draft",
        )
        .group_by(Entry.competition_id, Entry.group)
    )
    return {(cid, group): n for cid, group, n in rows}


def listing(competition_id: int, own_agency_id: int | None, filters: dict) -> Select:
    """The competition's entries in id order, as a select to page through: only those of
    `own_agency_id` when given (an agency's own list), narrowed by the `status`, `group`,
    `agency_id` and `flag` values of `filters` that are not None."""
    query = select(Entry).where(Entry.competition_id == competition_id).order_by(Entry.id)
    if own_agency_id is not None:
        query = query.where(Entry.agency_id == own_agency_id)
    for key in ("status", "group", "agency_id"):
        if filters.get(key) is not None:
            query = query.where(getattr(Entry, key) == filters[key])
    if filters.get("flag") is not None:  # an eligibility flag code (kipp/screening/flags.py)
        comp = db.session.get(Competition, competition_id)
        query = query.where(Entry.id.in_(flagged_ids(comp, filters["flag"])))
    return query


def in_competition(competition_id: int, ids: list[int]) -> list[Entry]:
    """The entries among `ids` that belong to the competition; others are left out."""
    return list(
        db.session.scalars(
            select(Entry).where(Entry.id.in_(ids), Entry.competition_id == competition_id)
        )
    )


def group_quotas(comp: Competition, usage: dict[tuple[int, str], int]) -> list[GroupQuota]:
    return [GroupQuota(g.code, g.quota, usage.get((comp.id, g.code), 0)) for g in comp.groups]


def entry_row(entry: Entry, quotas: list[GroupQuota], at: datetime | None = None) -> EntryRow:
    row = EntryRow(entry)
    if entry.status == "draft":
        row.blockers = blockers(entry)
        row.warnings = document_warnings(entry)
        quota = next((q for q in quotas if q.code == entry.group), None)
        row.submit_block = submit_block(entry, row.blockers, quota, at)
    elif entry.status == "ineligible":
        locale = str(get_locale() or "id")
        row.reasons = [label(code, locale) for code in entry.screening_reasons or []]
    return row


def dashboard(agency_id: int, at: datetime | None = None) -> list[Panel]:
    """Every launched competition with the agency's entries, the focused one first.

    The focus is the competition in stage `submission` (the most recent if several);
    the others follow, most recent first.
    """
    at = at or now()
    comps = db.session.scalars(
        select(Competition)
        .where(Competition.stage != Stage.DRAFT)
        .options(selectinload(Competition.groups), selectinload(Competition.criteria))
        .order_by(
            Competition.year.desc(), Competition.submission_closes_at.desc(), Competition.id.desc()
        )
    ).all()
    ids = [c.id for c in comps]
    usage = quota_usage(agency_id, ids)
    entries = (
        db.session.scalars(
            select(Entry)
            .where(Entry.agency_id == agency_id, Entry.competition_id.in_(ids))
            .options(selectinload(Entry.attachments))
            .order_by(Entry.id)
        ).all()
        if ids
        else []
    )
    panels = []
    for comp in comps:
        quotas = group_quotas(comp, usage)
        rows = [entry_row(e, quotas, at) for e in entries if e.competition_id == comp.id]
        panels.append(Panel(comp, countdown(comp, at), can_create(comp, at), quotas, rows))
    focus = next((p for p in panels if p.competition.stage == Stage.SUBMISSION), None)
    if focus is not None:
        focus.focus = True
        panels.remove(focus)
        panels.insert(0, focus)
    return panels


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
