"""What the directory shows, and its lists, filters and facets (API v1.1 § Public data).

Visibility is one rule (`kipp.directory.visibility`): every list here reads its copy on the
search table, `visible_copy()`. Nothing else is ever returned (the pages and the API answer
404).

Guarantees: filters and text travel as bound parameters; a page costs the same few queries
whatever its size (the page and every facet at once over one common table expression: one
statement on PostgreSQL, between the planner settings and their restoring; two on SQLite),
plus one for the page's items with their lineage (`items.items_of`); without `q` the order
is newest year first, then title, then id; with `q` best match first, then the same.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from sqlalchemy import Integer, bindparam, func, select, text

from kipp.directory.facets import counts, order, page_and_facets, page_and_facets_statement
from kipp.directory.rows import Filters, base, hits_of, shape, values
from kipp.directory.search import has_words, text_match
from kipp.directory.visibility import visible
from kipp.extensions import db
from kipp.models import Competition, Entry
from kipp.ttlcache import TTLStore, enabled

TIERS = ("final", "shortlist", "none")


@dataclass
class Results:
    items: list[dict]
    total: int
    facets: dict = field(default_factory=dict)


def _text_alone(filters: Filters) -> bool:
    """The search has a text and no other criterion (`_postgres_page_and_facets`'s first
    shape)."""
    return has_words(filters.q) and not any(k != "q" for k in filters.active())


def _custom_plans(index_match: bool) -> None:
    """PostgreSQL: plan each search for its own words. The driver prepares a statement run
    often, and a generic plan cannot know how common a word is: measured, generic plans cost
    up to ten times more.
    With `index_match` (a text alone, on PostgreSQL with facets), the text is also matched
    through the full-text index whatever the word: the planner prices the index's bitmap above
    a scan testing every document for a word in many of them, but measured over 26,000
    innovations (in-process, medians of 25 alternated runs) the bitmap made a search for a
    word in 45 % of them 60 → 45 ms and in 2 % 43 → 26 ms, and one in 97 % no slower. Nothing
    else in that statement can scan instead (its other reads are by key). Both settings last
    until `_planner_defaults`."""
    if db.engine.dialect.name != "postgresql":
        return
    if index_match:
        db.session.execute(
            text(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), "
                "set_config('enable_seqscan', 'off', true)"
            )
        )
    else:
        db.session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _planner_defaults() -> None:
    """PostgreSQL: `_custom_plans`'s settings back to their defaults once the search's own
    statements have run (one round trip), so that the page's items are read by a prepared
    statement with its kept generic plan (`kipp.transaction_end` keeps prepared statements
    from one request to the next): planned afresh, that lookup of 20 ids spent 2.7 ms
    planning for 0.6 ms running; kept, it takes about 1 ms in all."""
    db.session.execute(
        text("SET LOCAL plan_cache_mode TO DEFAULT; SET LOCAL enable_seqscan TO DEFAULT")
    )


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
    from kipp.directory.items import items_of

    postgres = db.engine.dialect.name == "postgresql"
    _custom_plans(facets and postgres and _text_alone(filters))
    offset = (page - 1) * per_page
    ranked = text_match(filters.q) is not None
    if facets and postgres:
        ids, found = _postgres_page_and_facets(filters, ranked, per_page, offset)
    else:
        sub = base(filters, ranked=ranked).subquery("results")
        ids = db.session.scalars(
            select(sub.c.id).order_by(*order(sub, ranked)).limit(per_page).offset(offset)
        ).all()
        found = counts(base(filters, ranked=False)) if facets else {}
    if facets:
        total = sum(v["count"] for v in found["year"])
    else:
        total = db.session.scalar(select(func.count()).select_from(sub))
    if postgres:
        _planner_defaults()
    return Results(items_of(ids), total, found)


def _postgres_page_and_facets(filters: Filters, ranked: bool, limit: int, offset: int):
    """PostgreSQL: (the page's ids, the facets) in one statement, in one of three shapes.

    Only a text (the common one-word search, often matching most of the directory): the text
    is matched once (`rows.hits_of`: narrow rows of id, rank and facet cell, read from the
    full-text table alone, which keeps copies of each row's cell and visibility); the facets
    count the hits per cell; the page is read from the hits in rank order, joined to their
    rows one by one until it is full (an incremental sort on the rank).
    Nothing at all (the directory's first page): the facets count `innovation_search` scanned
    once; the page is read apart, in year order (the year index).
    Any other filter, with or without a text: one materialized set of matches feeds both, so
    the database may start from whichever side is more selective (a filter, then the text on
    those rows).
    Facets are counted per cell (`facets._grouped`), one integer per row rather than seven
    values. Measured over 26,000 innovations (benchmarks/public.py, psql, medians), the
    statement for a word in 97 % of them: 58 ms testing `innovation_search` against the hits
    and grouping seven values, 53 ms grouping cells, 36 ms reading cells and visibility from
    the full-text table (the first two shapes avoid storing and reading the wide matched
    rows twice; with a filter the third stays the better one, measured up to three times
    faster there).
    The statement is built once per shape (`rows.shape`; building it costs about 2 ms) and
    run with the search's values."""
    key = shape(filters)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _page_and_facets_statement(filters, ranked)
    return page_and_facets(statement, values(filters) | {"limit": limit, "offset": offset})


_statements: dict = {}  # shape (`rows.shape`) → its page-and-facets statement


def _page_and_facets_statement(filters: Filters, ranked: bool):
    """`_postgres_page_and_facets`'s statement for searches of the shape of `filters`, its
    values bound by name (`rows.values`, `limit` and `offset`)."""
    match = text_match(filters.q)
    if any(k != "q" for k in filters.active()):
        matches = base(filters, ranked=ranked).cte("matches").prefix_with("MATERIALIZED")
        page = matches
    elif match is not None:
        hits = matches = hits_of(match)
        by_rank = select(hits).order_by(hits.c.rank).subquery("hits_by_rank")
        page = base(filters, hits=by_rank).subquery("results")
    else:
        matches = base(filters, ranked=False)
        page = base(filters, ranked=False).subquery("results")
    page = (
        select(page.c.id, page.c.rank, page.c.year, page.c.title)
        .order_by(*order(page, ranked))
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )
    return page_and_facets_statement(matches, page, ranked)


def all_rows(filters: Filters):
    """Every match, in list order, for the CSV (lineage included)."""
    from kipp.directory.items import dump_rows

    sub = base(filters, full=True).subquery("results")
    rows = db.session.execute(select(sub).order_by(*order(sub, True))).all()
    return dump_rows(rows)


def rows_subquery(name: str):
    """Every directory row in full (`rows.base` with `full`), as a subquery named `name`."""
    return base(Filters(), ranked=False, full=True).subquery(name)


def visible_rows(ids) -> dict:
    """Directory rows by id, for the given ids that are visible."""
    if not ids:
        return {}
    sub = rows_subquery("rows")
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
    sub = base(Filters(), ranked=False, full=True).subquery("rows")
    return db.session.execute(
        select(sub)
        .where(sub.c.replicates_entry_id == entry_id)
        .order_by(sub.c.year.desc(), sub.c.title, sub.c.id)
    ).all()
