"""JSON bodies of assignments, score sheets and rankings (described by
`kipp.api.responses_judging` and `RankingOut`).

Numbers: score values and totals are exact Decimals sent as JSON numbers (the float of the
2-decimal value); a pending sheet's `total` is null, a draft's is its running total.
"""

from __future__ import annotations

from kipp.api import serializers as out
from kipp.judging import scoring
from kipp.judging.queries import RoundRanking
from kipp.models import Assignment


def num(value):
    return None if value is None else float(value)


def dump_assignment(a: Assignment) -> dict:
    return {
        "id": a.id,
        "competition_id": a.competition_id,
        "entry_id": a.entry_id,
        "entry_title": a.entry.title,
        "user_id": a.user_id,
        "reviewer": a.user.name,
        "round": a.round,
        "status": a.status,
        "total": num(a.total) if a.status != "pending" else None,
        "conflicted": a.conflicted,
        "version": a.version,
    }


def dump_mine(a: Assignment) -> dict:
    return {
        "id": a.id,
        "competition_id": a.competition_id,
        "entry_id": a.entry_id,
        "entry_title": a.entry.title,
        "round": a.round,
        "status": a.status,
    }


def dump_sheet(a: Assignment) -> dict:
    comp = a.entry.competition
    criteria = comp.criteria_of(a.entry.group, a.round)
    values = scoring.current_values(a)
    return {
        "id": a.id,
        "entry_id": a.entry_id,
        "entry_title": a.entry.title,
        "user_id": a.user_id,
        "round": a.round,
        "values": {c.code: num(values[c.code]) for c in criteria if c.code in values},
        "comment": a.comment,
        "total": num(scoring.running_total(a)),
        "status": a.status,
        "version": a.version,
        "submitted_at": out.iso(a.submitted_at, comp.timezone),
        "criteria": [c.summary() for c in criteria],
    }


def ranking_json(rr: RoundRanking) -> dict:
    """A ranked round (`GET /competitions/{id}/ranking`, described by `RankingOut`)."""
    r, entries = rr.ranking, rr.entries
    items = []
    for s in r.items:
        e = entries[s.entry_id]
        items.append(
            {
                "entry_id": s.entry_id,
                "title": e.title,
                "agency": e.agency,
                "agency_id": e.agency_id,
                "rank": s.rank,
                "score": float(s.score),
                "sheets": s.sheets,
                "spread": float(s.spread),
                "flags": list(s.flags),
            }
        )
    return {
        "round": rr.round,
        "method": r.method,
        "items": items,
        "total": len(items),
        "cut": {
            "size": r.cut.size,
            "tie_at_cut": list(r.cut.tied),
            "places_left": r.cut.places_left,
        },
        "unscored": [
            {"entry_id": i, "title": entries[i].title, "agency": entries[i].agency}
            for i in r.unscored
        ],
        "reviewers": [
            {
                "reviewer_id": st.reviewer_id,
                "name": rr.reviewer_names.get(st.reviewer_id, ""),
                "sheets": st.sheets,
                "mean": float(st.mean),
                "sd": float(st.sd),
                "flags": list(st.flags),
            }
            for st in r.reviewers
        ],
        "overall_mean": num(r.panel_mean),
        "overall_sd": num(r.panel_sd),
    }
