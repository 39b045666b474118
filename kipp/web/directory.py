"""The public innovation directory: search, facets, charts and innovation pages.

`/innovations` searches (`q`, trimmed to `Q_MAX` characters; bad filter values are ignored, a
page past the end is empty) with filters, facet counts, two SVG charts of the published results
(island group, agency kind) with table equivalents, and pagination. `/innovations/<id>` shows a
directory innovation (404 for anything else) with its abstract, video link, agency, tier and
lineage both ways. Both are cacheable for anonymous visitors (`kipp.caching`).
"""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for

from kipp import pagecache
from kipp.caching import cacheable
from kipp.charts import bars
from kipp.directory import queries
from kipp.directory.items import detail
from kipp.directory.labels import FACET_TITLES, facet_label, filter_value, tier_label
from kipp.directory.search import Q_MAX
from kipp.judging.distribution import ISLAND_GROUPS
from kipp.labels import AGENCY_KIND_LABELS
from kipp.limits import CODE_MAX, PAGE_MAX
from kipp.models import AGENCY_KINDS
from kipp.themes.queries import profile_of, theme_labels, themes
from kipp.web.public import render_public

bp = Blueprint("directory", __name__, url_prefix="/innovations")

MAX_AGE = 60
PER_PAGE = 20


def _int(name: str, low: int, high: int) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name)
    return value if value in allowed else None


def filters_from_args() -> queries.Filters:
    is_3t = {"true": True, "false": False}.get(request.args.get("is_3t", ""))
    return queries.Filters(
        q=(request.args.get("q") or "").strip()[:Q_MAX] or None,
        year=_int("year", 1900, 9999),
        tier=_choice("tier", queries.TIERS),
        province=(request.args.get("province") or "").strip()[:80] or None,
        island=_choice("island", ISLAND_GROUPS),
        kind=_choice("kind", AGENCY_KINDS),
        group=(request.args.get("group") or "").strip()[:50] or None,
        is_3t=is_3t,
        theme=(request.args.get("theme") or "").strip()[:CODE_MAX] or None,
        stale={"true": True, "false": False}.get(request.args.get("stale", "")),
    )


def _args(filters: queries.Filters) -> dict[str, str]:
    """The active filters as query-string values (what links and the form carry on)."""
    return {k: filter_value(k, v) for k, v in filters.active().items()}


def _facet_links(facets: dict, args: dict) -> list[dict]:
    out = []
    for name, values in facets.items():
        links = []
        for v in values:
            value = filter_value(name, v["value"])
            links.append(
                {
                    "label": facet_label(name, v["value"]),
                    "count": v["count"],
                    "url": url_for("directory.search", **(args | {name: value})),
                    "current": args.get(name) == value,
                }
            )
        rest = {k: v for k, v in args.items() if k != name}
        clear = url_for("directory.search", **rest) if name in args else None
        out.append({"title": FACET_TITLES[name], "values": links, "clear": clear})
    return out


@bp.get("")
@cacheable(MAX_AGE)
def search():
    return pagecache.cached(_search_page, MAX_AGE)


def _search_page():
    filters = filters_from_args()
    page = _int("page", 1, PAGE_MAX) or 1
    found = queries.search(filters, page, PER_PAGE)
    charts = {
        "island": bars(
            [(facet_label("island", v["value"]), v["count"]) for v in found.facets["island"]]
        ),
        "kind": bars(
            [
                (AGENCY_KIND_LABELS.get(v["value"], v["value"]), v["count"])
                for v in found.facets["kind"]
            ]
        ),
    }
    pages = max(1, -(-found.total // PER_PAGE))
    args = _args(filters)
    return render_public(
        "directory/search.html",
        found=found,
        filters=filters,
        active=filters.active(),
        page=page,
        pages=pages,
        charts=charts,
        args=args,
        facets=_facet_links(found.facets, args),
        tier_label=tier_label,
        q_max=Q_MAX,
        themes=themes(),
        theme_labels=theme_labels(),
    )


@bp.get("/<int:innovation_id>")
@cacheable(MAX_AGE)
def show(innovation_id: int):
    return pagecache.cached(lambda: _show_page(innovation_id), MAX_AGE)


def _show_page(entry_id: int):
    item = detail(entry_id)
    if item is None:
        abort(404)
    return render_public(
        "directory/show.html",
        item=item,
        tier_label=tier_label,
        facet_label=facet_label,
        profile=profile_of(entry_id),
        theme_labels=theme_labels(),
    )
