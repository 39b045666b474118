"""Directory items as the API and the pages show them (API v1.1 § Public data).

`replicates` is the replicated innovation when it is itself in the directory
(`{"id","title","agency"}`), the free-text reference the agency typed otherwise
(`{"id": null, "title": <text>, "agency": null}`), or null; a link to an innovation that left
the directory is never shown. `replicated_by` counts directory innovations naming it.
"""

from __future__ import annotations

from collections import namedtuple
from functools import cache

from sqlalchemy import bindparam, func, select

from kipp.directory import queries
from kipp.directory.visibility import visible, visible_copy
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry
from kipp.models.directory import InnovationSearch
from kipp.themes.queries import is_stale, validated_iso

ABSTRACT_CODE = "ringkasan"
_Target = namedtuple("_Target", "id title agency")


def dump_rows(rows) -> list[dict]:
    targets = queries.visible_rows({r.replicates_entry_id for r in rows if r.replicates_entry_id})
    counts = queries.replication_counts([r.id for r in rows])
    return [item(r, targets, counts) for r in rows]


@cache
def _with_lineage():
    """Directory rows by id (`ids`, expanding) with their lineage in the same statement: the
    replicated innovation when it is itself in the directory (`target_*`) and how many
    directory innovations name it (`replicated_by`), as `dump_rows` reads them apart. Built
    once: the values travel as parameters."""
    rows, s = queries.rows_subquery("rows"), InnovationSearch
    # The replicated one's own row, narrow (`entries` need not be joined: every search row
    # has its entry): measured, a third less planning than the full row.
    target = (
        select(s.entry_id.label("id"), s.title.label("title"), Agency.name.label("agency"))
        .join(Agency, Agency.id == s.agency_id)
        .where(visible_copy())
        .subquery("target")
    )
    replicated_by = (
        select(func.count())
        .select_from(Entry)
        .join(Competition, Competition.id == Entry.competition_id)
        .where(Entry.replicates_entry_id == rows.c.id, visible())
        .scalar_subquery()
    )
    return (
        select(
            rows,
            target.c.id.label("target_id"),
            target.c.title.label("target_title"),
            target.c.agency.label("target_agency"),
            replicated_by.label("replicated_by"),
        )
        .select_from(rows.outerjoin(target, target.c.id == rows.c.replicates_entry_id))
        .where(rows.c.id.in_(bindparam("ids", expanding=True)))
    )


def items_of(ids) -> list[dict]:
    """The items of the visible ones among `ids`, in that order (as `dump_rows` makes them),
    read in one statement."""
    if not ids:
        return []
    found = {r.id: r for r in db.session.execute(_with_lineage(), {"ids": list(ids)})}
    rows = [found[i] for i in ids if i in found]
    targets = {
        r.replicates_entry_id: _Target(r.target_id, r.target_title, r.target_agency)
        for r in rows
        if r.target_id is not None
    }
    return [item(r, targets, {r.id: r.replicated_by for r in rows}) for r in rows]


def _replicates(row, targets: dict) -> dict | None:
    target = targets.get(row.replicates_entry_id)
    if target is not None:
        return {"id": target.id, "title": target.title, "agency": target.agency}
    if (row.replicates_text or "").strip():
        return {"id": None, "title": row.replicates_text, "agency": None}
    return None


def item(row, targets: dict, counts: dict) -> dict:
    return {
        "id": row.id,
        "title": row.title,
        "agency": row.agency,
        "province": row.province,
        "island": row.island,
        "kind": row.kind,
        "group": row.group,
        "year": row.year,
        "tier": row.tier,
        "is_3t": bool(row.is_3t),
        "summary": row.summary,
        "replicates": _replicates(row, targets),
        "replicated_by": counts.get(row.id, 0),
        # Themes and data that stays true: the theme code, the profile's running/stopped
        # status (null until first validated), when it was last validated, and whether that
        # is more than 365 days ago (or never).
        "theme": row.theme,
        "status": row.profile_status,
        "validated_at": validated_iso(row.validated_at),
        "stale": is_stale(row.validated_at),
    }


def detail(entry_id: int) -> dict | None:
    """The item plus `video_url`, `started_on`, `abstract` and `replications`; None when the
    entry is not a directory innovation."""
    found = items_of([entry_id])
    if not found:
        return None
    entry = db.session.get(Entry, entry_id)
    out = found[0]
    out |= {
        "video_url": entry.video_url,
        "started_on": entry.started_on.isoformat() if entry.started_on else None,
        "abstract": (entry.answers or {}).get(ABSTRACT_CODE),
        "replication_type": entry.replication_type,
        "replication_notes": entry.replication_notes,
        "replications": [
            {"id": r.id, "title": r.title, "agency": r.agency, "year": r.year}
            for r in queries.replications(entry_id)
        ],
    }
    return out
