"""Labels of the directory's filter values (the shared `kipp.labels` stays untouched)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from kipp.judging.distribution import ISLAND_LABELS
from kipp.labels import AGENCY_KIND_LABELS

TIER_LABELS = {"final": _l("Top 45 (final)"), "shortlist": _l("Top 99 (shortlist)")}
FACET_TITLES = {
    "year": _l("Year"),
    "tier": _l("Tier"),
    "island": _l("Island group"),
    "province": _l("Province"),
    "kind": _l("Agency kind"),
    "group": _l("Group"),
    "is_3t": _l("3T area"),
}


def tier_label(tier: str | None) -> str:
    if tier in (None, "none"):
        return _("Listed by its agency")
    return str(TIER_LABELS.get(tier, tier))


def facet_label(name: str, value) -> str:
    """How a facet value reads on the page."""
    if name == "island":
        return ISLAND_LABELS.get(value) or _("Other / unknown")
    if name == "kind":
        return str(AGENCY_KIND_LABELS.get(value, value))
    if name == "tier":
        return tier_label(value)
    if name == "is_3t":
        return _("3T area") if value else _("Not 3T")
    if name == "group":
        return str(value).capitalize()
    return str(value)


def filter_value(name: str, value) -> str:
    """The query-string form of a facet value."""
    if name in ("is_3t", "stale"):
        return "true" if value else "false"
    return str(value)
