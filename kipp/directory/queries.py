"""What the directory shows, and its lists, filters and facets (API v1.1 § Public data).

Visibility is one rule (`kipp.directory.visibility`): every list here reads its copy on the
search table, `visible_copy()`. Nothing else is ever returned (the pages and the API answer
404).

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
    case,
    exists,
    func,
    literal,
    select,
    text,
    type_coerce,
)
from sqlalchemy.orm import aliased

from kipp.directory.facets import counts, order, page_and_facets
from kipp.directory.search import text_match
from kipp.directory.visibility import visible, visible_copy
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry
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


def _plain(column):
    """A foreign-key column without its key, for the subqueries below: SQLAlchemy copies a
    key into every subquery column made from it, at a cost of milliseconds each."""
    return type_coerce(column, Integer)


def _base(
    filters: Filters, *, ranked: bool = True, full: bool = False, hits=None, among: bool = False
):
    """The matching directory rows: id, title, year, tier, the facet dimensions and `rank`
    (`full` adds summary, agency name and the lineage columns, read from `entries`).

    `hits` (PostgreSQL, `_hits`): the text's matches already found, as (entry_id, rank), in
    place of `filters.q`; the rows are joined to them, or with `among` only tested against
    them (`_among`)."""
    s = InnovationSearch
    tier = case((s.tier_rank == 2, "final"), (s.tier_rank == 1, "shortlist"), else_=None)
    match = text_match(filters.q) if hits is None else None
    if hits is not None:
        rank = hits.c.rank if ranked else literal(0)
    else:
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
    elif hits is not None and among:
        query = query.where(_among(s.entry_id, hits))
    elif hits is not None:
        query = query.join(hits, hits.c.entry_id == s.entry_id)
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
        ids, found = _postgres_page_and_facets(filters, ranked, per_page, offset)
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


def _hits(match):
    """PostgreSQL: the text's matches as (entry_id, rank), read from `innovation_documents`
    once (a materialized common table expression)."""
    hits = select(match.key.label("entry_id"), match.rank.label("rank")).select_from(match.source)
    return hits.where(match.condition).cte("hits").prefix_with("MATERIALIZED")


def _among(entry_id, hits):
    """`entry_id` is one of `hits`, as a hashed subplan: the hits (a narrow id list) are hashed
    and `innovation_search` scanned against them. `IS TRUE` keeps the planner from turning the
    test into a join, for which it would hash the wide `innovation_search` rows instead."""
    return entry_id.in_(select(hits.c.entry_id)).is_(True)


def _postgres_page_and_facets(filters: Filters, ranked: bool, limit: int, offset: int):
    """PostgreSQL: (the page's ids, the facets) in one statement, in one of three shapes.

    Only a text (the common one-word search, often matching most of the directory): the text
    is matched once (`_hits`, narrow rows); the facets count `innovation_search` scanned once
    against the hits (`_among`); the page is read from the hits in rank order, joined to
    their rows one by one until it is full (an incremental sort on the rank).
    Nothing at all (the directory's first page): the facets count `innovation_search` scanned
    once; the page is read apart, in year order (the year index).
    Any other filter, with or without a text: one materialized set of matches feeds both, so
    the database may start from whichever side is more selective (a filter, then the text on
    those rows).
    Measured over 26,000 innovations (benchmarks/public.py), the statement alone, against the
    third shape for everything: a word in 97 % of them 61 → 48 ms, in 45 % 40 → 36 ms,
    nothing 29 → 15 ms — the wide matched rows that shape stores and reads twice are what the
    first two avoid; with a filter it stays the better one (the first two, which cannot start
    from the filter, measured up to three times slower there)."""
    match = text_match(filters.q)
    if any(k != "q" for k in filters.active()):
        matches = _base(filters, ranked=ranked).cte("matches").prefix_with("MATERIALIZED")
        page = matches
    elif match is not None:
        hits = _hits(match)
        matches = _base(filters, ranked=False, hits=hits, among=True)
        by_rank = select(hits).order_by(hits.c.rank).subquery("hits_by_rank")
        page = _base(filters, hits=by_rank).subquery("results")
    else:
        matches = _base(filters, ranked=False)
        page = _base(filters, ranked=False).subquery("results")
    page = (
        select(page.c.id, page.c.rank, page.c.year, page.c.title)
        .order_by(*order(page, ranked))
        .limit(limit)
        .offset(offset)
    )
    return page_and_facets(matches, page, ranked)


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
