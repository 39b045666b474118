"""Each reviewer's submitted totals in a round, for the assignments page's strip plots.

Guarantees
- The sheets are exactly those the z-score ranking standardises (`kipp.judging.queries`:
  submitted, not conflicted, of entries in the round's pool), read in two statements; the
  reviewer statistics and the `deviates` rule are `kipp.judging.zscore.reviewer_statistics`.
- `z` is how far a reviewer's mean lies from the mean of all sheets, in panel standard
  deviations ((reviewer mean − panel mean) / panel sd, from the 2-decimal display values,
  rounded half-up to 2 decimals; None when the panel sd is 0). A reviewer who `deviates` is
  `harsh` below the panel mean and `lenient` above it.
- Reviewers come in name order; each one's totals in ascending order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kipp.charts import Strip, strip
from kipp.judging.queries import load_pool, load_sheets
from kipp.judging.ranking import DEVIATES
from kipp.judging.totals import half_up
from kipp.judging.zscore import reviewer_statistics
from kipp.models import Competition


@dataclass(frozen=True)
class ReviewerSpread:
    reviewer_id: int
    name: str
    totals: list[Decimal]
    mean: Decimal
    sd: Decimal
    z: Decimal | None
    leaning: str | None  # "harsh", "lenient" or None
    flags: tuple[str, ...]
    strip: Strip


@dataclass(frozen=True)
class Spread:
    reviewers: list[ReviewerSpread]
    panel_mean: Decimal | None
    panel_sd: Decimal | None
    sheets: int


def reviewer_spread(comp: Competition, round_: str) -> Spread:
    pool = load_pool(comp, round_)
    sheets, _expected, names = load_sheets(comp, round_, set(pool), names=True)
    stats, p_mean, p_sd = reviewer_statistics(sheets)
    totals: dict[int, list[Decimal]] = defaultdict(list)
    for s in sheets:
        totals[s.reviewer_id].append(s.total)
    out = []
    for st in stats:
        z = None
        if p_sd:
            z = half_up((st.mean - p_mean) / p_sd, 2)
        leaning = None
        if DEVIATES in st.flags:
            leaning = "harsh" if st.mean < p_mean else "lenient"
        values = sorted(totals[st.reviewer_id])
        out.append(
            ReviewerSpread(
                st.reviewer_id,
                names.get(st.reviewer_id, str(st.reviewer_id)),
                values,
                st.mean,
                st.sd,
                z,
                leaning,
                st.flags,
                strip(values, st.mean, p_mean),
            )
        )
    out.sort(key=lambda r: (r.name, r.reviewer_id))
    return Spread(out, p_mean, p_sd, len(sheets))
