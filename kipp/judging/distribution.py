"""How a selection is spread over Indonesia and over kinds of entrant, next to its pool.

The chair balances the shortlist and final tier by region, agency kind, group and 3T status
(domain notes: winners cluster in Java). `distribution()` counts a selection and the pool it was
chosen from (eligible entries, or the finalised shortlist for the final tier) along five
dimensions: province, island group, agency kind, group and 3T.

Guarantees
- Every one of Indonesia's 38 provinces maps to one of seven island groups (Sumatera, Jawa,
  Kalimantan, Sulawesi, Bali-Nusa Tenggara, Maluku, Papua), the four Papua provinces created in
  2022 (Papua Selatan, Papua Tengah, Papua Pegunungan, Papua Barat Daya) included. Common
  spellings and abbreviations (DIY, D.I. Yogyakarta, NTB, Jatim, Kepri, ...) are recognised,
  case and punctuation ignored; anything else falls in `other`. An agency counts in the
  province it is registered in (national bodies usually in DKI Jakarta).
- Each dimension lists every key present in the pool, with counts and percentage shares of the
  selection and of the pool (1 decimal, half-up); shares of an empty set are 0.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from fractions import Fraction

from flask_babel import gettext as _

from kipp.judging.queries import EntryInfo
from kipp.judging.totals import half_up
from kipp.models import AGENCY_KINDS

ISLAND_GROUPS = (
    "sumatera",
    "jawa",
    "kalimantan",
    "sulawesi",
    "bali_nusa_tenggara",
    "maluku",
    "papua",
    "other",
)
ISLAND_LABELS = {
    "sumatera": "Sumatera",
    "jawa": "Jawa",
    "kalimantan": "Kalimantan",
    "sulawesi": "Sulawesi",
    "bali_nusa_tenggara": "Bali-Nusa Tenggara",
    "maluku": "Maluku",
    "papua": "Papua",
}

# The 38 provinces (2022 onwards) by island group.
PROVINCES: dict[str, tuple[str, ...]] = {
    "sumatera": (
        "Aceh",
        "Sumatera Utara",
        "Sumatera Barat",
        "Riau",
        "Kepulauan Riau",
        "Jambi",
        "Sumatera Selatan",
        "Kepulauan Bangka Belitung",
        "Bengkulu",
        "Lampung",
    ),
    "jawa": (
        "DKI Jakarta",
        "Jawa Barat",
        "Banten",
        "Jawa Tengah",
        "DI Yogyakarta",
        "Jawa Timur",
    ),
    "kalimantan": (
        "Kalimantan Barat",
        "Kalimantan Tengah",
        "Kalimantan Selatan",
        "Kalimantan Timur",
        "Kalimantan Utara",
    ),
    "sulawesi": (
        "Sulawesi Utara",
        "Gorontalo",
        "Sulawesi Tengah",
        "Sulawesi Barat",
        "Sulawesi Selatan",
        "Sulawesi Tenggara",
    ),
    "bali_nusa_tenggara": ("Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur"),
    "maluku": ("Maluku", "Maluku Utara"),
    "papua": (
        "Papua",
        "Papua Barat",
        "Papua Barat Daya",
        "Papua Tengah",
        "Papua Pegunungan",
        "Papua Selatan",
    ),
}

# Other spellings seen in registrations → canonical province name.
ALIASES = {
    "nanggroe aceh darussalam": "Aceh",
    "nad": "Aceh",
    "sumut": "Sumatera Utara",
    "sumbar": "Sumatera Barat",
    "sumsel": "Sumatera Selatan",
    "kepri": "Kepulauan Riau",
    "bangka belitung": "Kepulauan Bangka Belitung",
    "babel": "Kepulauan Bangka Belitung",
    "jakarta": "DKI Jakarta",
    "dki": "DKI Jakarta",
    "daerah khusus ibukota jakarta": "DKI Jakarta",
    "daerah khusus jakarta": "DKI Jakarta",
    "dk jakarta": "DKI Jakarta",
    "jabar": "Jawa Barat",
    "jateng": "Jawa Tengah",
    "jatim": "Jawa Timur",
    "yogyakarta": "DI Yogyakarta",
    "diy": "DI Yogyakarta",
    "daerah istimewa yogyakarta": "DI Yogyakarta",
    "kalbar": "Kalimantan Barat",
    "kalteng": "Kalimantan Tengah",
    "kalsel": "Kalimantan Selatan",
    "kaltim": "Kalimantan Timur",
    "kaltara": "Kalimantan Utara",
    "sulut": "Sulawesi Utara",
    "sulteng": "Sulawesi Tengah",
    "sulbar": "Sulawesi Barat",
    "sulsel": "Sulawesi Selatan",
    "sultra": "Sulawesi Tenggara",
    "ntb": "Nusa Tenggara Barat",
    "ntt": "Nusa Tenggara Timur",
    "malut": "Maluku Utara",
    "pabar": "Papua Barat",
    "pbd": "Papua Barat Daya",
}


def _norm(name: str) -> str:
    name = re.sub(r"[^a-z ]", "", (name or "").lower().replace(".", "").replace("-", " "))
    name = " ".join(name.split())
    return name.removeprefix("provinsi ")


_CANONICAL = {_norm(p): p for ps in PROVINCES.values() for p in ps}
_CANONICAL |= {_norm(a): p for a, p in ALIASES.items()}
_ISLAND = {p: group for group, ps in PROVINCES.items() for p in ps}


def canonical_province(name: str) -> str:
    """The official province name for a spelling, or the stripped input if unknown."""
    return _CANONICAL.get(_norm(name), (name or "").strip())


def island_group(province: str) -> str:
    """The island group key of a province (`other` when unknown)."""
    return _ISLAND.get(canonical_province(province), "other")


def _share(n: int, total: int) -> float:
    return float(half_up(Fraction(n * 100, total), 1)) if total else 0.0


def _dimension(
    selected: list[EntryInfo],
    pool: list[EntryInfo],
    key: Callable[[EntryInfo], str],
    label: Callable[[str], str],
    order: Iterable[str] | None = None,
) -> list[dict]:
    sel, all_ = Counter(map(key, selected)), Counter(map(key, pool))
    keys = set(all_) | set(sel)
    if order is not None:
        rank = {k: i for i, k in enumerate(order)}
        ordered = sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))
    else:
        ordered = sorted(keys, key=lambda k: (-all_[k], k))
    return [
        {
            "key": k,
            "label": label(k),
            "selected": sel[k],
            "eligible": all_[k],
            "selected_share": _share(sel[k], len(selected)),
            "eligible_share": _share(all_[k], len(pool)),
        }
        for k in ordered
    ]


def _island_label(key: str) -> str:
    return ISLAND_LABELS.get(key) or _("Other / unknown")


def _3t_label(key: str) -> str:
    return _("3T area") if key == "3t" else _("Not 3T")


def distribution(selected: Iterable[EntryInfo], pool: Iterable[EntryInfo]) -> dict:
    """Counts and shares of `selected` next to `pool` by province, island group, agency kind,
    group and 3T status. Percentages are JSON numbers with one decimal."""
    selected, pool = list(selected), list(pool)
    return {
        "selected_total": len(selected),
        "eligible_total": len(pool),
        "province": _dimension(
            selected, pool, lambda e: canonical_province(e.province), lambda k: k
        ),
        "island_group": _dimension(
            selected, pool, lambda e: island_group(e.province), _island_label, ISLAND_GROUPS
        ),
        "agency_kind": _dimension(selected, pool, lambda e: e.kind, lambda k: k, AGENCY_KINDS),
        "group": _dimension(selected, pool, lambda e: e.group, lambda k: k),
        "is_3t": _dimension(
            selected, pool, lambda e: "3t" if e.is_3t else "non_3t", _3t_label, ("3t", "non_3t")
        ),
    }
