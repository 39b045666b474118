"""Drafting, editing, attaching and submitting entries.

Guarantees: every rule is checked before anything is written (a refused request changes
nothing); deadlines are compared in UTC on the server, inclusive of the closing second; the
quota check and the submit happen under a lock on the agency row, so two concurrent submits
cannot both take the last place; submitted entries never change through these functions.
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.audit.chain import record
from kipp.clock import local, now
from kipp.competitions.services import check_version
from kipp.entries import storage
from kipp.entries.messages import blocker_message
from kipp.entries.rules import CriterionRule, submission_blockers, word_count, word_limit_errors
from kipp.errors import (
    DeadlinePassed,
    InvalidStage,
    Locked,
    PayloadTooLarge,
    QuotaExceeded,
    UnsupportedMediaType,
    ValidationFailed,
)
from kipp.extensions import db
from kipp.limits import NOTE_MAX
from kipp.models import (
    ATTACHMENT_KINDS,
    REPLICATION_TYPES,
    Agency,
    Attachment,
    Competition,
    Entry,
    User,
)

EDITABLE = (
    "title",
    "group",
    "category",
    "summary",
    "answers",
    "started_on",
    "video_url",
    "replicates",
    "replication_type",
    "public",
    "replicates_entry_id",
    "replication_notes",
)
URL_RE = re.compile(r"^https?://[^\s]+$", re.I)


def criterion_rules(comp: Competition) -> list[CriterionRule]:
    return [CriterionRule(c.code, c.name, c.word_limit) for c in comp.round_criteria("evaluation")]


def closing_day(comp: Competition) -> date:
    return local(comp.submission_closes_at, comp.timezone).date()


def snapshot(entry: Entry) -> dict:
    return {
        "title": entry.title,
        "group": entry.group,
        "status": entry.status,
        "version": entry.version,
    }


def _check_window(comp: Competition, *, submitting: bool) -> None:
    if comp.stage != "submission":
        raise InvalidStage(
            _("Entries can only be drafted and submitted during the submission stage.")
        )
    at = now()
    if at > comp.submission_closes_at:
        raise DeadlinePassed(
            _(
                "The submission deadline (%(when)s) has passed.",
                when=local(comp.submission_closes_at, comp.timezone).strftime(
                    "%d-%m-%Y %H:%M:%S %Z"
                ),
            )
        )
    if submitting and at < comp.submission_opens_at:
        raise DeadlinePassed(
            _(
                "Submission opens on %(when)s.",
                when=local(comp.submission_opens_at, comp.timezone).strftime(
                    "%d-%m-%Y %H:%M:%S %Z"
                ),
            )
        )


def _validate_fields(comp: Competition, data: dict, merged: dict) -> None:
    """Field rules that hold for drafts too (a draft may be incomplete, never invalid)."""
    errors: dict = {}
    if "title" in data and not (data["title"] or "").strip():
        errors["title"] = [_("Enter the innovation's title.")]
    if len(merged.get("title") or "") > 300:
        errors["title"] = [_("The title is at most 300 characters.")]
    if comp.group(merged.get("group") or "") is None:
        errors["group"] = [
            _(
                "Choose one of the groups: %(groups)s.",
                groups=", ".join(g.code for g in comp.groups),
            )
        ]
    answers = merged.get("answers") or {}
    if not isinstance(answers, dict) or any(not isinstance(v, str) for v in answers.values()):
        errors["answers"] = [_("Answers are texts keyed by criterion code.")]
    else:
        known = {c.code for c in comp.round_criteria("evaluation")}
        unknown = sorted(set(answers) - known)
        if unknown:
            errors["answers"] = [_("Unknown criteria: %(codes)s.", codes=", ".join(unknown))]
        for code, count in word_limit_errors(answers, criterion_rules(comp)).items():
            limit = next(c.word_limit for c in comp.round_criteria("evaluation") if c.code == code)
            errors[f"answers.{code}"] = [
                _("%(count)d words; the limit is %(limit)d.", count=count, limit=limit)
            ]
    started = merged.get("started_on")
    if started is not None and started > local(now(), comp.timezone).date():
        errors["started_on"] = [_("The start date cannot be in the future.")]
    if merged.get("video_url") and not URL_RE.match(merged["video_url"]):
        errors["video_url"] = [_("Enter a link that starts with http:// or https://.")]
    if (
        merged.get("group") == "replikasi"
        and not (merged.get("replicates") or "").strip()
        and merged.get("replicates_entry_id") is None
    ):
        errors["replicates"] = [_("Say which innovation this entry replicates.")]
    if data.get("replicates_entry_id") is not None and not _replicable(
        data["replicates_entry_id"], merged.get("id")
    ):
        errors["replicates_entry_id"] = [
            _("Choose an innovation from the public directory (its number is on its page).")
        ]
    if len(merged.get("replication_notes") or "") > NOTE_MAX:
        errors["replication_notes"] = [
            _("The replication notes are at most %(n)d characters.", n=NOTE_MAX)
        ]
    if merged.get("replication_type") not in (None, "", *REPLICATION_TYPES):
        errors["replication_type"] = [_("Choose adaptasi or modifikasi.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)


def _replicable(entry_id, own_id) -> bool:
    """True when `entry_id` is a directory innovation other than the entry itself."""
    from kipp.directory.queries import is_visible

    return isinstance(entry_id, int) and entry_id != own_id and is_visible(entry_id)


def _clean(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k in EDITABLE}
    for key in ("title", "summary", "category", "replicates", "video_url", "replication_notes"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip()
    if out.get("replication_type") == "":
        out["replication_type"] = None
    return out


def create_entry(actor: User, comp: Competition, data: dict) -> Entry:
    _check_window(comp, submitting=False)
    data = _clean(data)
    merged = {"answers": {}, **data}
    _validate_fields(comp, {"title": data.get("title", ""), **data}, merged)
    entry = Entry(
        competition_id=comp.id,
        agency_id=actor.agency_id,
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
    _check_window(entry.competition, submitting=False)
    check_version(entry, data.get("version"))
    data = _clean(data)
    merged = {k: getattr(entry, k) for k in EDITABLE} | data | {"id": entry.id}
    _validate_fields(entry.competition, data, merged)
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


def blockers(entry: Entry) -> list[dict]:
    """What still keeps this draft from submission, as {field, code, message}."""
    comp = entry.competition
    group = comp.group(entry.group)
    found = submission_blockers(
        title=entry.title,
        summary=entry.summary,
        group=entry.group,
        answers=entry.answers or {},
        started_on=entry.started_on,
        replicates=entry.replicates,
        replicates_entry_id=entry.replicates_entry_id,
        criteria=criterion_rules(comp),
        group_min_years=group.min_implementation_years if group else None,
        closing_day=closing_day(comp),
    )
    return [{"field": b.field, "code": b.code, "message": blocker_message(b)} for b in found]


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
    _check_window(comp, submitting=True)
    # Serialise submits of one agency so the quota cannot be overrun by a race.
    db.session.execute(select(Agency.id).where(Agency.id == entry.agency_id).with_for_update())
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


def add_attachment(
    actor: User, entry: Entry, kind: str, filename: str, data: bytes, max_bytes: int
) -> Attachment:
    if entry.status != "draft":
        raise Locked(_("This entry was submitted; its documents can no longer change."))
    _check_window(entry.competition, submitting=False)
    if kind not in ATTACHMENT_KINDS:
        raise ValidationFailed(
            _("Choose the kind of document."),
            errors={"kind": [_("Choose one of: %(k)s.", k=", ".join(ATTACHMENT_KINDS))]},
        )
    if len(data) > max_bytes:
        raise PayloadTooLarge(_("The file is larger than %(mb)d MiB.", mb=max_bytes // 2**20))
    if not data:
        raise ValidationFailed(_("Choose a file."), errors={"file": [_("Choose a file.")]})
    if not storage.looks_like_pdf(data):
        raise UnsupportedMediaType(_("Only PDF files are accepted."))
    stored_name, digest = storage.store(data)
    display = storage.pdf_filename(filename)  # always ends in .pdf, like the stored name
    att = Attachment(
        entry_id=entry.id,
        kind=kind,
        filename=display,
        stored_name=stored_name,
        size=len(data),
        sha256=digest,
    )
    db.session.add(att)
    db.session.flush()
    record(
        actor,
        "attachment.add",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        after={"attachment_id": att.id, "kind": kind, "sha256": digest, "size": len(data)},
    )
    return att


def delete_attachment(actor: User, att: Attachment) -> None:
    entry = att.entry
    if entry.status != "draft":
        raise Locked(_("This entry was submitted; its documents can no longer change."))
    _check_window(entry.competition, submitting=False)
    record(
        actor,
        "attachment.delete",
        f"entry:{entry.id}",
        competition_id=entry.competition_id,
        before={"attachment_id": att.id, "kind": att.kind, "sha256": att.sha256},
    )
    db.session.delete(att)
    db.session.flush()


__all__ = ["word_count"]
