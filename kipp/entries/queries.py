"""Read helpers for the agency's dashboard (and a drafter's): quotas, rows and what blocks.

Guarantees: nothing here writes. The dashboard costs a fixed number of queries whatever the
number of entries (competitions with their groups and criteria, the agency's entries with their
attachments and drafters, one grouped count for the quotas). Whether the submit button is
enabled is decided with the same rules the submit service applies (stage, window, quota,
blockers); the service still has the last word at the moment of submission. The editor's
checklist: `kipp.entries.checklist`; countdowns: `kipp.entries.timing`; API lists:
`kipp.entries.listing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from kipp.clock import now
from kipp.entries.checks import blockers
from kipp.entries.timing import can_create, countdown, when
from kipp.extensions import db
from kipp.models import Competition, Entry, Stage
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


def dashboard(
    agency_id: int, at: datetime | None = None, drafted_by_id: int | None = None
) -> list[Panel]:
    """Every launched competition with the agency's entries, the focused one first; with
    `drafted_by_id` (a drafter's dashboard) only the entries that account drafted. The quotas
    always count the whole agency's submitted entries.

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
    query = (
        select(Entry)
        .where(Entry.agency_id == agency_id, Entry.competition_id.in_(ids))
        .options(
            selectinload(Entry.attachments),
            joinedload(Entry.drafted_by),
            joinedload(Entry.agency),  # the page names the agency: no query of its own then
        )
        .order_by(Entry.id)
    )
    if drafted_by_id is not None:
        query = query.where(Entry.drafted_by_id == drafted_by_id)
    entries = db.session.scalars(query).all() if ids else []
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
