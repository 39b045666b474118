"""What the directory shows, and its lists, filters and facets (API v1.1 § Public data).

Visibility is one rule, `visible()`, used by every read here and by
`kipp.permissions.in_directory`: an entry is a directory innovation when it is not
disqualified and either it is listed in a published selection (`Selection.published_at` set),
or its competition is `awarded`, it is `eligible` and its agency set `public`. Nothing else is
ever returned (the pages and the API answer 404).

Guarantees: filters and text travel as bound parameters; a page costs two queries whatever
its size (the page, and every facet at once over one common table expression), plus two for
the lineage of the page's items; without `q` the order is newest year first, then title, then
id; with `q` best match first, then the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import (
    and_,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.orm import aliased

from kipp.directory.facets import counts, order, page_and_facets
from kipp.directory.search import text_match
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, Selection, SelectionEntry
from kipp.models.directory import InnovationSearch
from kipp.models.themes import InnovationProfile

TIERS = ("final", "shortlist", "none")
_TIER_RANK = {"final": 2, "shortlist": 1}


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


def _published():
    """entry_id → its best published tier (2 final, 1 shortlist, 0 another award)."""
    rank = func.max(case(_TIER_RANK, value=Selection.tier, else_=0))
    return (
        select(SelectionEntry.entry_id, rank.label("tier_rank"))
        .join(Selection, Selection.id == SelectionEntry.selection_id)
        .where(Selection.published_at.is_not(None))
        .group_by(SelectionEntry.entry_id)
        .subquery("published")
    )


def visible(pub=None, row=Entry):
    """The visibility rule as a condition on `row` (Entry, or InnovationSearch whose copy of
    status and public the triggers keep) joined to Competition (and `pub`)."""
    key = row.id if row is Entry else row.entry_id
    listed = (
        pub.c.entry_id.is_not(None)
        if pub is not None
        else exists(
            select(1)
            .select_from(SelectionEntry)
            .join(Selection, Selection.id == SelectionEntry.selection_id)
            .where(SelectionEntry.entry_id == key, Selection.published_at.is_not(None))
        )
    )
    consented = and_(Competition.stage == "awarded", row.status == "eligible", row.public.is_(True))
    return and_(row.status != "disqualified", or_(listed, consented))


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


def _base(filters: Filters, *, ranked: bool = True, full: bool = False):
    """The matching directory rows: id, title, year, tier, the facet dimensions and `rank`
    (`full` adds summary, agency name and the lineage columns, read from `entries`)."""
    s = InnovationSearch
    pub = _published()
    tier = case((pub.c.tier_rank == 2, "final"), (pub.c.tier_rank == 1, "shortlist"), else_=None)
    match = text_match(filters.q)
    rank = match.rank if match is not None and ranked else literal(0)
    columns = [
        s.entry_id.label("id"),
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
            Entry.replicates_entry_id.label("replicates_entry_id"),
            Entry.replicates.label("replicates_text"),
            Entry.theme.label("theme"),
            InnovationProfile.status.label("profile_status"),
            InnovationProfile.validated_at.label("validated_at"),
        ]
    query = (
        select(*columns)
        .select_from(s)
        .join(Competition, Competition.id == s.competition_id)
        .outerjoin(pub, pub.c.entry_id == s.entry_id)
        .where(visible(pub, s))
    )
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

    s, e, p = InnovationSearch, aliased(Entry), aliased(InnovationProfile)
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


def search(filters: Filters, page: int = 1, per_page: int = 20, *, facets: bool = True):
    """One page of the directory (items as `items.item` builds them), the total and facets.

    The page is chosen on narrow rows (id, rank, year, title) and only its own rows are then
    read in full. On PostgreSQL the page and every facet come from one statement that matches
    the text once; on SQLite from two."""
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
