"""What the directory shows, and its lists, filters and facets (API v1.1 § Public data).

Visibility is one rule, `visible()` on `entries` (used by `is_visible`, which
`kipp.permissions.in_directory` asks) and its copy `visible_copy()` on the search table (every
list here): an entry is a directory innovation when it is not
disqualified and either it is listed in a published selection (`Selection.published_at` set),
or its competition is `awarded`, it is `eligible` and its agency set `public`. Nothing else is
ever returned (the pages and the API answer 404).

Guarantees: filters and text travel as bound parameters; a page costs two queries whatever
its size (the page, and every facet at once over one common table expression), plus two for
the lineage of the page's items; without `q` the order is newest year first, then title, then
id; with `q` best match first, then the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sqlalchemy import (
    Integer,
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import aliased

from kipp.directory.facets import counts, order, page_and_facets
from kipp.directory.search import text_match
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, Selection, SelectionEntry
from kipp.models.directory import InnovationSearch
from kipp.models.themes import InnovationProfile
from kipp.ttlcache import TTLStore, enabled

TIERS = ("final", "shortlist", "none")
# Made once: an alias made per query costs milliseconds (SQLAlchemy proxies every column).
_THEMED, _VALIDATED = aliased(Entry), aliased(InnovationProfile)


@dataclass
class Filters:
    q: str | None = None
    year: int | None = None
    tier: str | None = None
    province: str | None = None
    island: str | None = None
    kind: str | None = None
    group: str | None = None
    is_3t: bool | None = None
    theme: str | None = None  # a theme code (kipp.models.themes)
    stale: bool | None = None  # True: not validated for over 365 days (or never); False: the rest

    def active(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


@dataclass
class Results:
    items: list[dict]
    total: int
    facets: dict = field(default_factory=dict)


def visible():
    """The visibility rule as a condition on `Entry` joined to `Competition`: the source of
    truth, read from `entries`, `competitions` and `selections` themselves."""
    listed = exists(
        select(1)
        .select_from(SelectionEntry)
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(SelectionEntry.entry_id == Entry.id, Selection.published_at.is_not(None))
    )
    consented = and_(
        Competition.stage == "awarded", Entry.status == "eligible", Entry.public.is_(True)
    )
    return and_(Entry.status != "disqualified", or_(listed, consented))


def visible_copy():
    """The same rule on `innovation_search` alone, whose copies of the status, the consent,
    the published tier (`tier_rank`) and the competition's stage (`awarded`) the database's
    triggers keep (migrations 0011 and 0020): what every directory list reads."""
    s = InnovationSearch
    consented = and_(s.awarded.is_(True), s.status == "eligible", s.public.is_(True))
    return and_(s.status != "disqualified", or_(s.tier_rank.is_not(None), consented))


def is_visible(entry_id: int) -> bool:
    """Read from `entries` itself (not the search table): the rule's source of truth."""
    return bool(
        db.session.scalar(
            select(func.count())
            .select_from(Entry)
            .join(Competition, Competition.id == Entry.competition_id)
            .where(Entry.id == entry_id, visible())
        )
    )


def _plain(column):
    """A foreign-key column without its key, for the subqueries below: SQLAlchemy copies a
    key into every subquery column made from it, at a cost of milliseconds each."""
    return type_coerce(column, Integer)


def _base(filters: Filters, *, ranked: bool = True, full: bool = False):
    """The matching directory rows: id, title, year, tier, the facet dimensions and `rank`
    (`full` adds summary, agency name and the lineage columns, read from `entries`)."""
    s = InnovationSearch
    tier = case((s.tier_rank == 2, "final"), (s.tier_rank == 1, "shortlist"), else_=None)
    match = text_match(filters.q)
    rank = match.rank if match is not None and ranked else literal(0)
    columns = [
        _plain(s.entry_id).label("id"),
        s.title.label("title"),
        s.province.label("province"),
        s.island.label("island"),
        s.kind.label("kind"),
        s.group.label("group"),
        s.year.label("year"),
        tier.label("tier"),
        s.is_3t.label("is_3t"),
        rank.label("rank"),
    ]
    if full:
        columns += [
            Entry.summary.label("summary"),
            Agency.name.label("agency"),
            _plain(Entry.replicates_entry_id).label("replicates_entry_id"),
            Entry.replicates.label("replicates_text"),
            Entry.theme.label("theme"),
            InnovationProfile.status.label("profile_status"),
            InnovationProfile.validated_at.label("validated_at"),
        ]
    query = select(*columns).select_from(s).where(visible_copy())
    if full:
        query = query.join(Entry, Entry.id == s.entry_id).join(Agency, Agency.id == s.agency_id)
        query = query.outerjoin(InnovationProfile, InnovationProfile.entry_id == s.entry_id)
    if match is not None:
        query = query.join(match.source, match.key == s.entry_id).where(match.condition)
    f = filters
    if f.year is not None:
        query = query.where(s.year == f.year)
    if f.tier:
        query = query.where(tier.is_(None) if f.tier == "none" else tier == f.tier)
    if f.province:
        query = query.where(func.lower(s.province) == f.province.strip().lower())
    if f.island:
        query = query.where(s.island == f.island)
    if f.kind:
        query = query.where(s.kind == f.kind)
    if f.group:
        query = query.where(s.group == f.group)
    if f.is_3t is not None:
        query = query.where(s.is_3t.is_(f.is_3t))
    return _theme_filters(query, f)


def _theme_filters(query, f: Filters):
    """`theme` (the entry's theme code) and `stale` (validated more than 365 days ago, or
    never: `kipp.themes.queries.STALE_AFTER`; a profile validated exactly 365 days ago is
    fresh)."""
    from kipp.themes.queries import fresh_since

    s, e, p = InnovationSearch, _THEMED, _VALIDATED
    if f.theme:
        themed = select(1).where(e.id == s.entry_id, e.theme == f.theme).correlate(s)
        query = query.where(exists(themed))
    if f.stale is not None:
        fresh = exists(
            select(1).where(p.entry_id == s.entry_id, p.validated_at >= fresh_since()).correlate(s)
        )
        query = query.where(~fresh if f.stale else fresh)
    return query


def _custom_plans() -> None:
    """PostgreSQL: plan each search for its own words. The driver prepares a statement run
    often, and a generic plan cannot know how common a word is (a common word wants a scan, a
    rare one the GIN index): measured, generic plans cost up to ten times more."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


RESULTS_MAX_AGE = 60  # seconds; the public answers' own max-age (kipp.caching)
_results = TTLStore(256)


def search(filters: Filters, page: int = 1, per_page: int = 20, *, facets: bool = True):
    """One page of the directory (items as `items.item` builds them), the total and facets.

    With the process caches on (`kipp.ttlcache.enabled`), the same search is answered from
    this process's memory for `RESULTS_MAX_AGE` seconds — no older than the public answers may
    already be (their `max-age`) — so visitors a page cache cannot serve (a language cookie, a
    login, another page of the same search) still cost one search per process per minute. The
    caller gets its own copy."""
    if not enabled():
        return _search(filters, page, per_page, facets)
    key = (str(db.engine.url), tuple(sorted(filters.active().items())), page, per_page, facets)
    found = _results.get_or_build(
        key, lambda: _search(filters, page, per_page, facets), RESULTS_MAX_AGE
    )
    return copy.deepcopy(found)


def clear_cache() -> None:
    """Forget this process's kept search results."""
    _results.clear()


def _search(filters: Filters, page: int, per_page: int, facets: bool) -> Results:
    """The search itself. The page is chosen on narrow rows (id, rank, year, title) and only
    its own rows are then read in full. On PostgreSQL the page and every facet come from one
    statement that matches the text once; on SQLite from two."""
    from kipp.directory.items import dump_rows

    _custom_plans()
    offset = (page - 1) * per_page
    ranked = text_match(filters.q) is not None
    if facets and db.engine.dialect.name == "postgresql":
        ids, found = page_and_facets(_base(filters, ranked=ranked), ranked, per_page, offset)
    else:
        sub = _base(filters, ranked=ranked).subquery("results")
        ids = db.session.scalars(
            select(sub.c.id).order_by(*order(sub, ranked)).limit(per_page).offset(offset)
        ).all()
        found = counts(_base(filters, ranked=False)) if facets else {}
    if facets:
        total = sum(v["count"] for v in found["year"])
    else:
        total = db.session.scalar(select(func.count()).select_from(sub))
    rows = visible_rows(ids)
    return Results(dump_rows([rows[i] for i in ids if i in rows]), total, found)


def all_rows(filters: Filters):
    """Every match, in list order, for the CSV (lineage included)."""
    from kipp.directory.items import dump_rows

    sub = _base(filters, full=True).subquery("results")
    rows = db.session.execute(select(sub).order_by(*order(sub, True))).all()
    return dump_rows(rows)


def visible_rows(ids) -> dict:
    """Directory rows by id, for the given ids that are visible."""
    if not ids:
        return {}
    sub = _base(Filters(), ranked=False, full=True).subquery("rows")
    return {r.id: r for r in db.session.execute(select(sub).where(sub.c.id.in_(ids)))}


def replication_counts(ids) -> dict[int, int]:
    """id → how many directory innovations name it in `replicates_entry_id` (by its index)."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(Entry.replicates_entry_id, func.count())
        .join(Competition, Competition.id == Entry.competition_id)
        .where(Entry.replicates_entry_id.in_(ids), visible())
        .group_by(Entry.replicates_entry_id)
    )
    return dict(rows.all())


def replications(entry_id: int) -> list:
    """The directory innovations that replicate `entry_id`, newest year first."""
    sub = _base(Filters(), ranked=False, full=True).subquery("rows")
    return db.session.execute(
        select(sub)
        .where(sub.c.replicates_entry_id == entry_id)
        .order_by(sub.c.year.desc(), sub.c.title, sub.c.id)
    ).all()
