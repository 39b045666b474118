"""JSON bodies of assignments and score sheets (described by `kipp.api.responses_judging`).

Numbers: score values and totals are exact Decimals sent as JSON numbers (the float of the
2-decimal value); a pending sheet's `total` is null, a draft's is its running total.
"""

from __future__ import annotations

from kipp.api import serializers as out
from kipp.judging import scoring
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
