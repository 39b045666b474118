"""Reads for the screening queue: filtered pages, counts per status, neighbours, ages.

Guarantees: drafts never appear (only `submitted`, `eligible`, `ineligible`); every query is
scoped to one competition; rows come ordered by entry id, so paging and previous/next agree;
a page loads each entry's agency in the same SELECT (no query per row); a page carries its
entries' eligibility flags, computed once per request for the whole queue (kipp/screening/
flag_queries.py), which is also what the `flag` filter narrows by.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import has_request_context, request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from kipp.extensions import db
from kipp.models import Agency, Competition, Entry
from kipp.screening.flag_queries import competition_flags
from kipp.screening.flags import CODES, Flag
from kipp.screening.services import SCREENABLE

PER_PAGE = 50
STATUS_FILTERS = ("submitted", "eligible", "ineligible", "all")
DEFAULT_STATUS = "submitted"


@dataclass(frozen=True)
class QueueFilter:
    """What the secretariat narrowed the queue to. Empty strings mean "any"."""

    status: str = DEFAULT_STATUS
    group: str = ""
    kind: str = ""
    province: str = ""
    q: str = ""
    flag: str = ""  # an eligibility flag code (kipp/screening/flags.py)

    def __post_init__(self):
        if self.status not in STATUS_FILTERS:
            object.__setattr__(self, "status", DEFAULT_STATUS)
        if self.flag not in CODES:
            object.__setattr__(self, "flag", "")
        object.__setattr__(self, "q", (self.q or "").strip()[:200])

    def args(self) -> dict[str, str]:
        """The non-empty filter values, for query strings (keeps links within the filter)."""
        values = {
            "status": self.status,
            "group": self.group,
            "kind": self.kind,
            "province": self.province,
            "q": self.q,
            "flag": self.flag,
        }
        return {k: v for k, v in values.items() if v}


@dataclass(frozen=True)
class QueuePage:
    items: list[Entry]
    total: int
    page: int
    pages: int
    per_page: int
    flags: dict[int, list[Flag]] = field(default_factory=dict)  # the page's flagged entries


def queue_flags(competition_id: int) -> dict[int, list[Flag]]:
    """The competition's flags, computed once per request (a queue page, its counts and its
    flag filter all read them)."""
    comp = db.session.get(Competition, competition_id)
    if not has_request_context():
        return competition_flags(comp)
    cache = request.environ.setdefault("kipp.screening.flags", {})
    if competition_id not in cache:
        cache[competition_id] = competition_flags(comp)
    return cache[competition_id]


def _base(competition_id: int, f: QueueFilter, *, with_status: bool = True) -> Select:
    query = (
        select(Entry)
        .join(Entry.agency)
        .where(Entry.competition_id == competition_id, Entry.status.in_(SCREENABLE))
    )
    if with_status and f.status != "all":
        query = query.where(Entry.status == f.status)
    if f.group:
        query = query.where(Entry.group == f.group)
    if f.kind:
        query = query.where(Agency.kind == f.kind)
    if f.province:
        query = query.where(Agency.province == f.province)
    if f.q:
        query = query.where(Entry.title.icontains(f.q, autoescape=True))
    if f.flag:
        every = queue_flags(competition_id)
        ids = [i for i, flags in every.items() if any(fl.code == f.flag for fl in flags)]
        query = query.where(Entry.id.in_(ids))
    return query


def queue_page(competition_id: int, f: QueueFilter, page: int = 1, per_page: int = PER_PAGE):
    """One page of the filtered queue; `page` is clamped into 1..pages (pages ≥ 1)."""
    query = _base(competition_id, f)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = db.session.scalars(
        query.options(contains_eager(Entry.agency))
        .order_by(Entry.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    every = queue_flags(competition_id) if rows else {}
    flags = {e.id: every[e.id] for e in rows if e.id in every}
    return QueuePage(list(rows), total, page, pages, per_page, flags)


def status_counts(competition_id: int, f: QueueFilter) -> dict[str, int]:
    """Entries per status under every filter except the status one; `all` is their sum."""
    base = _base(competition_id, f, with_status=False).subquery()
    rows = db.session.execute(select(base.c.status, func.count()).group_by(base.c.status)).all()
    counts = {status: 0 for status in SCREENABLE}
    counts.update({status: n for status, n in rows})
    counts["all"] = sum(counts[s] for s in SCREENABLE)
    return counts


def neighbours(competition_id: int, f: QueueFilter, entry_id: int) -> tuple[int | None, int | None]:
    """Ids of the entries just before and after `entry_id` in the filtered queue.

    Works whether or not `entry_id` itself still matches the filter (a just-screened entry
    leaves the "submitted" view, yet its successor is still the next one to look at).
    """
    ids = _base(competition_id, f).with_only_columns(Entry.id)
    prev_id = db.session.scalar(ids.where(Entry.id < entry_id).order_by(Entry.id.desc()).limit(1))
    next_id = db.session.scalar(ids.where(Entry.id > entry_id).order_by(Entry.id).limit(1))
    return prev_id, next_id


def provinces(competition_id: int) -> list[str]:
    """Provinces of agencies with a non-draft entry in the competition, sorted."""
    return list(
        db.session.scalars(
            select(Agency.province)
            .join(Entry, Entry.agency_id == Agency.id)
            .where(Entry.competition_id == competition_id, Entry.status.in_(SCREENABLE))
            .distinct()
            .order_by(Agency.province)
        )
    )


def screenable_entry(competition_id: int, entry_id: int) -> Entry | None:
    """The entry if it belongs to the competition and is in the queue (not a draft)."""
    entry = db.session.get(Entry, entry_id)
    if entry is None or entry.competition_id != competition_id or entry.status not in SCREENABLE:
        return None
    return entry


def entries_by_ids(competition_id: int, ids: list[int]) -> list[Entry]:
    """Entries of the competition among `ids` (any status), in the order of `ids`."""
    if not ids:
        return []
    found = {
        e.id: e
        for e in db.session.scalars(
            select(Entry).where(Entry.id.in_(ids), Entry.competition_id == competition_id)
        )
    }
    return [found[i] for i in ids if i in found]


def implementation_age(started_on: date, on: date) -> tuple[int, int]:
    """Whole (years, months) from `started_on` to `on`; (0, 0) if it starts later."""
    if started_on > on:
        return 0, 0
    months = (on.year - started_on.year) * 12 + (on.month - started_on.month)
    if on.day < started_on.day:
        months -= 1
    years, rest = divmod(max(months, 0), 12)
    return years, rest
