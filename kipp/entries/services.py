"""Drafting, editing and submitting entries (the checks they pass: `kipp.entries.checks`;
their documents: `kipp.entries.attachments`).

Guarantees: every rule is checked before anything is written (a refused request changes
nothing); deadlines are compared in UTC on the server, inclusive of the closing second; the
quota check and the submit happen under a lock on the agency row, so two concurrent submits
cannot both take the last place; submitted entries never change through these functions.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.audit.chain import record
from kipp.clock import now
from kipp.competitions.group_rules import check_invited
from kipp.competitions.services import check_version
from kipp.entries.attachments import add_attachment, delete_attachment
from kipp.entries.checks import EDITABLE, blockers, check_window, clean, validate_fields
from kipp.errors import Locked, QuotaExceeded, ValidationFailed
from kipp.extensions import db
from kipp.models import Agency, Competition, Entry, User


def snapshot(entry: Entry) -> dict:
    return {
        "title": entry.title,
        "group": entry.group,
        "status": entry.status,
        "version": entry.version,
    }


def create_entry(actor: User, comp: Competition, data: dict) -> Entry:
    check_window(comp, submitting=False)
    data = clean(data)
    check_invited(comp, actor.agency_id, data.get("group"))
    merged = {"answers": {}, **data}
    validate_fields(comp, {"title": data.get("title", ""), **data}, merged)
    entry = Entry(
        competition_id=comp.id,
        agency_id=actor.agency_id,
        drafted_by_id=actor.id,  # a drafter sees only what it drafted
        status="draft",
        **({"summary": "", "answers": {}} | data),
    )
    db.session.add(entry)
    db.session.flush()
    record(
        actor, "entry.create", f"entry:{entry.id}", competition_id=comp.id, after=snapshot(entry)
    )
    return entry


def update_entry(actor: User, entry: Entry, data: dict) -> Entry:
    if entry.status != "draft" and set(data) - {"version"} == {"public"}:
        return set_public(actor, entry, data)
    if entry.status != "draft":
        raise Locked(_("This entry was submitted and can no longer be changed."))
    check_window(entry.competition, submitting=False)
    check_version(entry, data.get("version"))
    data = clean(data)
    merged = {k: getattr(entry, k) for k in EDITABLE} | data | {"id": entry.id}
    check_invited(entry.competition, entry.agency_id, merged.get("group"))
    validate_fields(entry.competition, data, merged)
    before = snapshot(entry)
    for key, value in data.items():
        setattr(entry, key, value)
    db.session.flush()
    record(
        actor,
        "entry.update",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before=before,
        after=snapshot(entry) | {"fields": sorted(data)},
    )
    return entry


def set_public(actor: User, entry: Entry, data: dict) -> Entry:
    """The agency's consent to list the entry in the innovation directory (`public`). Unlike
    every other field it may change after submission, at any stage: it only matters once the
    year is awarded, when the agency knows whether the entry won. Audited."""
    check_version(entry, data.get("version"))
    before = {"public": entry.public}
    entry.public = bool(data["public"])
    db.session.flush()
    record(
        actor,
        "entry.public",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before=before,
        after={"public": entry.public},
    )
    return entry


def quota_used(agency_id: int, comp_id: int, group: str) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Entry)
        .where(
            Entry.agency_id == agency_id,
            Entry.competition_id == comp_id,
            Entry.group == group,
            Entry.status != "draft",
        )
    )


def submit_entry(actor: User, entry: Entry) -> Entry:
    if entry.status != "draft":
        raise Locked(_("This entry was already submitted."))
    comp = entry.competition
    check_window(comp, submitting=True)
    # Serialise submits of one agency so the quota cannot be overrun by a race.
    db.session.execute(select(Agency.id).where(Agency.id == entry.agency_id).with_for_update())
    check_invited(comp, entry.agency_id, entry.group)
    group = comp.group(entry.group)
    if group and quota_used(entry.agency_id, comp.id, entry.group) >= group.quota:
        raise QuotaExceeded(
            _(
                "Your agency has already submitted its quota of %(n)d entries in group %(group)s.",
                n=group.quota,
                group=entry.group,
            )
        )
    problems = blockers(entry)
    if problems:
        errors: dict = {}
        for p in problems:
            errors.setdefault(p["field"], []).append(p["message"])
        raise ValidationFailed(_("The entry is not complete yet; see errors."), errors=errors)
    before = snapshot(entry)
    entry.status, entry.submitted_at = "submitted", now()
    db.session.flush()
    record(
        actor,
        "entry.submit",
        f"entry:{entry.id}",
        competition_id=comp.id,
        before=before,
        after=snapshot(entry),
    )
    return entry


# Attachments live in kipp.entries.attachments; importable from here as before.
__all__ = [
    "add_attachment",
    "create_entry",
    "delete_attachment",
    "quota_used",
    "set_public",
    "snapshot",
    "submit_entry",
    "update_entry",
]
