"""The secretariat's reports: the stage funnel by province and island group, year on year.

`GET /reports?competition_id=<id>&stage=<stage>` (admins only: anonymous → login, anyone else
→ 403). The chosen year (default: the newest with a submitted entry, else the newest) is set
against the mean of the years before it: its funnel (drafts → submitted → eligible →
shortlisted → final) as bars and as a table with every year, then by island group (bars for
the chosen stage) and by province (a table).
Unknown or out-of-range query values fall back to the defaults; nothing here writes.

The blueprint also lends every template `paired_bars` (kipp.charts), which the chair's
distribution partial (selection/_distribution.html) draws with.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from kipp.charts import paired_bars
from kipp.competitions.reports import STAGES, Funnel, funnels, island_keys, province_keys
from kipp.judging.distribution import ISLAND_LABELS
from kipp.limits import INT32_MAX
from kipp.permissions import can_read_reports
from kipp.web.gates import guard_blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
guard_blueprint(bp, can_read_reports)
bp.add_app_template_global(paired_bars, "paired_bars")

STAGE_NAMES = {
    "drafts": _l("Drafts"),
    "submitted": _l("Submitted"),
    "eligible": _l("Eligible"),
    "shortlisted": _l("Shortlisted"),
    "final": _l("Final"),
}
OTHER = _l("Other / unknown")


def _chosen(fs: list[Funnel]) -> Funnel | None:
    cid = request.args.get("competition_id", type=int)
    if cid is not None and 0 < cid <= INT32_MAX:
        for f in fs:
            if f.competition_id == cid:
                return f
    # By default the newest year that has submitted entries (a year still open for drafts
    # would compare nothing), else the newest.
    return next((f for f in fs if f.total["submitted"]), fs[0] if fs else None)


def mean(values: list[int]) -> float:
    """The mean, 1 decimal (0 for no values)."""
    return round(sum(values) / len(values), 1) if values else 0.0


def _rows(this: Funnel, earlier: list[Funnel], by: str | None, keys, label, stage: str):
    """Table rows (label, this year's 5 counts, earlier years' mean of `stage`) and the bars
    of `stage`: this year against the mean of the earlier years."""
    i = STAGES.index(stage)
    table, pairs = [], []
    for key in keys:
        counts = this.counts(by, key)
        before = mean([f.counts(by, key)[i] for f in earlier])
        table.append((label(key), counts, before))
        pairs.append((str(label(key)), counts[i], before, str(counts[i]), f"{before:.1f}"))
    return table, paired_bars(pairs)


@bp.get("")
def index():
    fs = funnels()
    this = _chosen(fs)
    stage = request.args.get("stage")
    stage = stage if stage in STAGES else "submitted"
    if this is None:
        return render_template("reports/index.html", this=None, funnels=[])
    earlier = [f for f in fs if f.year < this.year]
    funnel_pairs = paired_bars(
        [
            (
                str(STAGE_NAMES[s]),
                this.total[s],
                mean([f.total[s] for f in earlier]),
                str(this.total[s]),
                f"{mean([f.total[s] for f in earlier]):.1f}",
            )
            for s in STAGES
        ]
    )
    years = [this, *earlier]
    islands, island_chart = _rows(
        this, earlier, "island", island_keys(years), lambda k: ISLAND_LABELS.get(k, OTHER), stage
    )
    provinces, _chart = _rows(this, earlier, "province", province_keys(years), str, stage)
    return render_template(
        "reports/index.html",
        funnels=fs,
        this=this,
        earlier=earlier,
        years=years,
        stage=stage,
        STAGES=STAGES,
        STAGE_NAMES=STAGE_NAMES,
        funnel_chart=funnel_pairs,
        islands=islands,
        island_chart=island_chart,
        provinces=provinces,
    )
