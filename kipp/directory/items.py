"""Directory items as the API and the pages show them (API v1.1 § Public data).

`replicates` is the replicated innovation when it is itself in the directory
(`{"id","title","agency"}`), the free-text reference the agency typed otherwise
(`{"id": null, "title": <text>, "agency": null}`), or null; a link to an innovation that left
the directory is never shown. `replicated_by` counts directory innovations naming it.
"""

from __future__ import annotations

from kipp.directory import queries
from kipp.extensions import db
from kipp.models import Entry
from kipp.themes.queries import is_stale, validated_iso

ABSTRACT_CODE = "ringkasan"


def dump_rows(rows) -> list[dict]:
    targets = queries.visible_rows({r.replicates_entry_id for r in rows if r.replicates_entry_id})
    counts = queries.replication_counts([r.id for r in rows])
    return [item(r, targets, counts) for r in rows]


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
    rows = queries.visible_rows({entry_id})
    row = rows.get(entry_id)
    if row is None:
        return None
    entry = db.session.get(Entry, entry_id)
    out = dump_rows([row])[0]
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
