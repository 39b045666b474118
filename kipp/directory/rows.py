"""The directory's matching rows as one statement (`base`), for a search's filters and text.

Every value a filter or the text brings is bound under its own name (`values` gives them), so
that a statement built for one search runs for any other of the same shape (`shape`: which
filters apply, and how) with that search's values: `kipp.directory.queries` keeps one per
shape, for building it costs milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, case, exists, func, literal, select, type_coerce
from sqlalchemy.orm import aliased

from kipp.directory.search import text_match, text_params
from kipp.directory.visibility import visible_copy
from kipp.models import Agency, Entry
from kipp.models.directory import InnovationDocument, InnovationSearch
from kipp.models.themes import InnovationProfile

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


def shape(f: Filters) -> tuple:
    """What `base` builds differently for `f` (all its values set apart): searches of one
    shape share one statement."""
    ranked = text_match(f.q) is not None
    present = (bool(x) for x in (f.tier, f.province, f.island, f.kind, f.group, f.theme))
    return (ranked, f.year is not None, *present, f.tier == "none", f.is_3t, f.stale)


def values(f: Filters) -> dict:
    """Every value `base` may bind for `f`, by name (the text's as `text_params` gives it)."""
    from kipp.themes.queries import fresh_since

    return {
        "year": f.year,
        "tier": f.tier,
        "province": f.province.strip().lower() if f.province else None,
        "island": f.island,
        "kind": f.kind,
        "group": f.group,
        "theme": f.theme,
        "fresh": fresh_since() if f.stale is not None else None,
    } | text_params(f.q)


def _plain(column):
    """A foreign-key column without its key, for the subqueries below: SQLAlchemy copies a
    key into every subquery column made from it, at a cost of milliseconds each."""
    return type_coerce(column, Integer)


def hits_of(match):
    """PostgreSQL: the text's matches that the directory shows, as (entry_id, rank, cell), read
    from `innovation_documents` alone (its copies of the search row's visibility and facet
    cell, migration 0021) once: a materialized common table expression."""
    d = InnovationDocument
    hits = select(match.key.label("entry_id"), match.rank.label("rank"), d.cell.label("cell"))
    hits = hits.select_from(match.source).where(d.visible.is_(True), match.condition)
    return hits.cte("hits").prefix_with("MATERIALIZED")


def base(filters: Filters, *, ranked: bool = True, full: bool = False, hits=None):
    """The matching directory rows: id, title, year, tier, the facet dimensions, the facet
    `cell` (PostgreSQL) and `rank` (`full` adds summary, agency name and the lineage columns,
    read from `entries`).

    `hits` (PostgreSQL, `hits_of`): the text's matches already found, as (entry_id, rank), in
    place of `filters.q`; the rows are joined to them."""
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
        s.cell.label("cell"),
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
    elif hits is not None:
        query = query.join(hits, hits.c.entry_id == s.entry_id)
    f, v = filters, values(filters)

    def bound(name: str, like):
        return bindparam(name, v[name], type_=like.type)

    if f.year is not None:
        query = query.where(s.year == bound("year", s.year))
    if f.tier:
        query = query.where(tier.is_(None) if f.tier == "none" else tier == bound("tier", tier))
    if f.province:
        province = func.lower(s.province)
        query = query.where(province == bound("province", s.province))
    for name in ("island", "kind", "group"):
        if getattr(f, name):
            column = getattr(s, name)
            query = query.where(column == bound(name, column))
    if f.is_3t is not None:
        query = query.where(s.is_3t.is_(f.is_3t))
    return _theme_filters(query, f, bound)


def _theme_filters(query, f: Filters, bound):
    """`theme` (the entry's theme code) and `stale` (validated more than 365 days ago, or
    never: `kipp.themes.queries.STALE_AFTER`; a profile validated exactly 365 days ago is
    fresh)."""
    s, e, p = InnovationSearch, _THEMED, _VALIDATED
    if f.theme:
        themed = select(1).where(e.id == s.entry_id, e.theme == bound("theme", e.theme))
        query = query.where(exists(themed.correlate(s)))
    if f.stale is not None:
        recent = p.validated_at >= bound("fresh", p.validated_at)
        fresh = exists(select(1).where(p.entry_id == s.entry_id, recent).correlate(s))
        query = query.where(~fresh if f.stale else fresh)
    return query
