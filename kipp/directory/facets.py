"""Facet counts of the directory's matches, and the PostgreSQL page-and-facets statement.

Guarantees: every facet lists every value present among the matches with its count (largest
first, ties by value; years newest first); the tier of a consented, non-winning entry is `none`.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, case, cast, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.selectable import CTE

from kipp.extensions import db
from kipp.models.directory import DirectoryCell

FACETS = ("year", "tier", "island", "province", "kind", "group", "is_3t")


def _grouped(m, *extra):
    """PostgreSQL: one row per facet value over the matches `m` (with their `cell`), in two
    steps: the matches counted per cell (`kipp.models.directory.DirectoryCell`, one
    combination of every facet: one integer hashed per row), then those few thousand cells
    summed per facet (GROUPING SETS)."""
    cells = select(m.c.cell, func.count().label("n")).group_by(m.c.cell).cte("cells")
    c = DirectoryCell
    tier = case((c.tier == 2, "final"), (c.tier == 1, "shortlist"), else_=None)
    dims = [c.year, tier, c.island, c.province, c.kind, c.group, c.is_3t]
    total = cast(func.sum(cells.c.n), Integer)
    return (
        select(func.grouping(*dims), *dims, total, *extra)
        .select_from(cells.join(c, c.id == cells.c.cell))
        .group_by(func.grouping_sets(*dims))
    )


def counts(matches) -> dict:
    """Counts per value of every facet over `matches`: on PostgreSQL in one statement
    (`_grouped`), on SQLite one GROUP BY per facet over a common table expression."""
    if db.engine.dialect.name == "postgresql":
        return _facet_rows(db.session.execute(_grouped(matches.cte("matches"))).all())
    out: dict = {name: [] for name in FACETS}
    m = matches.cte("matches")
    parts = [
        select(literal(name).label("facet"), cast(m.c[name], String).label("value"))
        .add_columns(func.count().label("n"))
        .group_by(m.c[name])
        for name in FACETS
    ]
    for name, value, n in db.session.execute(union_all(*parts)):
        out[name].append({"value": _typed(name, value), "count": n})
    return _sorted(out)


def _facet_rows(rows) -> dict:
    """Facets from GROUPING SETS rows (grouping bitmask, one value per facet, count)."""
    out: dict = {name: [] for name in FACETS}
    full = (1 << len(FACETS)) - 1
    for mask, *values, n in rows:
        i = next(i for i in range(len(FACETS)) if full ^ mask == 1 << (len(FACETS) - 1 - i))
        out[FACETS[i]].append({"value": _typed(FACETS[i], values[i]), "count": n})
    return _sorted(out)


def _sorted(out: dict) -> dict:
    for name in FACETS:
        out[name].sort(key=lambda v: (-v["count"], str(v["value"])))
    out["year"].sort(key=lambda v: -(v["value"] or 0))
    return out


def _typed(name: str, value):
    if value is None:
        return "none" if name == "tier" else None
    if name == "year":
        return int(value)
    if name == "is_3t":
        return value if isinstance(value, bool) else value.lower() in ("1", "true", "t")
    return value


def order(sub, ranked: bool) -> tuple:
    """Best match first when ranked, then newest year, title, id."""
    return ((sub.c.rank,) if ranked else ()) + (sub.c.year.desc(), sub.c.title, sub.c.id)


def page_and_facets_statement(matches, page, ranked: bool):
    """PostgreSQL: one statement for the page's ids and the facets: the facets as `_grouped`
    counts them over `matches` (a select or a common table expression with the facet
    columns), the ids of `page` (a limited select of id, rank, year and title in list order)
    as an ordered array."""
    m = matches if isinstance(matches, CTE) else matches.cte("matches")
    page = page.subquery("page")
    ids = select(
        func.array_agg(aggregate_order_by(page.c.id, *order(page, ranked)))
    ).scalar_subquery()
    return _grouped(m, ids)


def page_and_facets(statement, params: dict):
    """(the page's ids, the facets) from a `page_and_facets_statement`, run with `params`."""
    rows = db.session.execute(statement, params).all()
    ids_found = (rows[0][-1] or []) if rows else []
    return ids_found, _facet_rows([r[:-1] for r in rows])
