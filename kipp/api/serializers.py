"""Model → JSON dicts for the API. Timestamps come out in the competition's timezone."""

from __future__ import annotations

from flask import g
from sqlalchemy import func, select

from kipp.clock import local
from kipp.competitions import group_rules
from kipp.extensions import db
from kipp.judging import blind
from kipp.models import Agency, Attachment, Competition, Entry, User


def iso(value, tz: str = "Asia/Jakarta") -> str | None:
    return local(value, tz).isoformat() if value else None


def agency(a: Agency) -> dict:
    return {"id": a.id, "name": a.name, "kind": a.kind, "province": a.province, "is_3t": a.is_3t}


def user(u: User) -> dict:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "agency_id": u.agency_id,
        "active": u.active,
        "locale": u.locale,
        "version": u.version,
        "conflicts": [{"agency_id": c.agency_id, "reason": c.reason} for c in u.conflicts],
    }


def competition(c: Competition) -> dict:
    tz = c.timezone

    return {
        "id": c.id,
        "name": c.name,
        "year": c.year,
        "timezone": tz,
        "stage": c.stage,
        "version": c.version,
        "submission_opens_at": iso(c.submission_opens_at, tz),
        "submission_closes_at": iso(c.submission_closes_at, tz),
        "groups": {g.code: group_rules.group_out(g) for g in c.groups},
        "shortlist_size": c.shortlist_size,
        "final_size": c.final_size,
        "evaluators_per_entry": c.evaluators_per_entry,
        "blind_review": c.blind_review,
        "criteria": [k.definition() for k in c.round_criteria("evaluation")],
        "panel_criteria": [k.definition() for k in c.round_criteria("panel")],
        # --- group-rules: competition
        # --- awards: competition
        "pass_mark": float(c.pass_mark) if c.pass_mark is not None else None,
        "extra_awards": [a.definition() for a in c.extra_awards],
    }


def attachment(a: Attachment, tz: str = "Asia/Jakarta") -> dict:
    return {
        "id": a.id,
        "kind": a.kind,
        "filename": a.filename,
        "size": a.size,
        "sha256": a.sha256,
        "created_at": iso(a.created_at, tz),
    }


def entry(e: Entry, *, blockers: list | None = None, reader: User | None = None) -> dict:
    """The entry as `reader` may read it (default: the API caller): a blind evaluator gets
    no agency and no identifying attachments (`kipp.judging.blind`)."""
    if reader is None:
        reader = getattr(g, "api_user", None)
    tz = e.competition.timezone
    out = {
        "id": e.id,
        "competition_id": e.competition_id,
        "agency_id": e.agency_id,
        "agency": e.agency.name,
        "title": e.title,
        "group": e.group,
        "category": e.category,
        "summary": e.summary,
        "answers": e.answers or {},
        "started_on": e.started_on.isoformat() if e.started_on else None,
        "video_url": e.video_url,
        "replicates": e.replicates,
        "replication_type": e.replication_type,
        "public": e.public,
        "replicates_entry_id": e.replicates_entry_id,
        "replication_notes": e.replication_notes,
        "theme": e.theme,
        "status": e.status,
        "version": e.version,
        "submitted_at": iso(e.submitted_at, tz),
        "created_at": iso(e.created_at, tz),
        "updated_at": iso(e.updated_at, tz),
        "attachments": [attachment(a, tz) for a in e.attachments],
    }
    if e.status in ("eligible", "ineligible"):
        out["screening"] = {
            "decision": "pass" if e.status == "eligible" else "fail",
            "reason_codes": e.screening_reasons or [],
            "note": e.screening_note,
            "screened_at": iso(e.screened_at, tz),
        }
    if blockers is not None:
        out["missing"] = blockers
    out |= drafted_by(e, reader)
    return blind.shape_entry(reader, e, out)


# Who drafted an entry is the agency's own business (and the secretariat's): reviewers,
# blind or not, never learn which unit of the agency wrote it.
DRAFT_READERS = ("admin", "agency", "drafter")


def drafted_by(e: Entry, reader: User | None) -> dict:
    """`drafted_by` (the drafting account's id) and `drafted_by_name`, for the agency, its
    drafters and admins; null for every other reader and for entries of unknown drafter."""
    if getattr(reader, "role", None) not in DRAFT_READERS or e.drafted_by is None:
        return {"drafted_by": None, "drafted_by_name": None}
    return {"drafted_by": e.drafted_by_id, "drafted_by_name": e.drafted_by.name}


def page(query, page: int, per_page: int, dump) -> dict:
    """Run `query` (a select of one entity) one page at a time: {"items", "total"}.

    The total is counted only when the page does not tell it: a page that is not full (or an
    empty first page) is the last one, so the total is the rows before it plus its own."""
    offset = (page - 1) * per_page
    rows = db.session.scalars(query.limit(per_page).offset(offset)).all()
    if 0 < len(rows) < per_page or (offset == 0 and not rows):
        total = offset + len(rows)
    else:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return {"items": [dump(r) for r in rows], "total": total, "page": page, "per_page": per_page}
