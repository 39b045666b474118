"""Deadline reminders (`deadline_reminder`): 7 days, 1 day and 3 hours before submission closes.

`send_due(at)` queues the reminders due at `at`; the workers run it every
KIPP_REMINDER_SECONDS (`reminder_pass`, a pass of the reconciler thread of
workers/celery_app.py) and `flask --app wsgi send-reminders` runs it now.

Guarantees
- Recipients: every active `agency` account of every agency that has at least one draft in a
  competition in stage `submission` whose deadline is still ahead; the mail names each of the
  agency's drafts. Every active drafter of such a draft gets its own mail naming only the
  drafts it wrote (and saying that the agency's account submits them). Each draft is named
  with what still blocks its submission (the dashboard's blockers, in the recipient's
  language), with links to each draft and to the dashboard.
- Which reminder is due: the latest threshold (7d, 1d, 3h before `submission_closes_at`) that
  has been crossed, while the deadline is still ahead, and only within MAX_LATE of crossing
  it: a threshold crossed long ago is not sent late (with 2 days left, neither the 7-day
  reminder nor any other is due; the 1-day one follows). A boundary second counts as crossed:
  exactly 7 days before the deadline the 7-day reminder is due; at the deadline none is.
- Once per threshold per user per competition, however often and on however many workers the
  check runs at once: each mail carries the outbox key
  `deadline_reminder:<competition>:<user>:<threshold>`, unique in the database, so a second
  insert of the same key adds nothing.
- `send_due` flushes and never commits (the CLI and the worker pass commit).
"""

from __future__ import annotations

import os
from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kipp import periodic
from kipp.clock import now
from kipp.entries import queries, timing
from kipp.extensions import db
from kipp.mail import notices
from kipp.models import Competition, Entry, Stage, User
from kipp.models.mail import Mail

KIND = "deadline_reminder"
THRESHOLDS: tuple[tuple[str, timedelta], ...] = (
    ("7d", timedelta(days=7)),
    ("1d", timedelta(days=1)),
    ("3h", timedelta(hours=3)),
)
MAX_LATE = timedelta(days=1)
DEFAULT_INTERVAL = 600.0


def due_threshold(closes_at: datetime, at: datetime) -> str | None:
    """The threshold whose reminder is due at `at` (see the module guarantees), or None."""
    left = closes_at - at
    if left <= timedelta(0):
        return None
    crossed = [(code, delta) for code, delta in THRESHOLDS if left <= delta]
    if not crossed:
        return None
    code, delta = min(crossed, key=lambda c: c[1])
    return code if delta - left <= MAX_LATE else None


def reminder_key(comp_id: int, user_id: int, threshold: str) -> str:
    return f"{KIND}:{comp_id}:{user_id}:{threshold}"


def _draft(entry: Entry, row: queries.EntryRow) -> dict:
    note = row.submit_block if not row.blockers else None
    return {
        "id": entry.id,
        "title": entry.title,
        "link": notices.path_for("agency.edit_entry", entry_id=entry.id),
        "blockers": [b["message"] for b in row.blockers],
        "warnings": list(row.warnings),
        "note": note,
    }


def _context(comp: Competition, user: User, drafts: list[Entry], at: datetime) -> dict:
    """The mail's content in `user`'s language (blockers and durations are translated)."""
    usage = queries.quota_usage(user.agency_id, [comp.id])
    quotas = queries.group_quotas(comp, usage)
    with force_locale(notices.language(user)):
        return {
            "competition": comp.name,
            "deadline": timing.when(comp.submission_closes_at, comp),
            "left": timing.duration_text((comp.submission_closes_at - at).total_seconds()),
            "drafts": [_draft(e, queries.entry_row(e, quotas, at)) for e in drafts],
            "link": notices.path_for("agency.dashboard") + f"#competition-{comp.id}",
        }


def _drafters(drafts: list[Entry]) -> list[tuple[User, list[Entry]]]:
    """Each active drafter of `drafts` (of the draft's own agency) with the drafts it wrote."""
    ids = {e.drafted_by_id for e in drafts if e.drafted_by_id is not None}
    if not ids:
        return []
    users = db.session.scalars(
        select(User)
        .where(User.id.in_(ids), User.role == "drafter", User.active.is_(True))
        .order_by(User.id)
    ).all()
    found = [(u, [e for e in drafts if e.drafted_by_id == u.id]) for u in users]
    return [(u, [e for e in own if e.agency_id == u.agency_id]) for u, own in found]


def _competition(comp: Competition, threshold: str, at: datetime) -> int:
    drafts = db.session.scalars(
        select(Entry)
        .where(Entry.competition_id == comp.id, Entry.status == "draft")
        .options(selectinload(Entry.attachments))
        .order_by(Entry.id)
    ).all()
    by_agency: dict[int, list[Entry]] = defaultdict(list)
    for entry in drafts:
        by_agency[entry.agency_id].append(entry)
    accounts = notices.agency_accounts(by_agency)
    recipients = [(u, by_agency[a], False) for a, users in accounts.items() for u in users]
    recipients += [(u, own, True) for u, own in _drafters(drafts) if own]
    keys = {u.id: reminder_key(comp.id, u.id, threshold) for u, _own, _drafter in recipients}
    sent = (
        set(db.session.scalars(select(Mail.key).where(Mail.key.in_(keys.values()))))
        if keys
        else set()
    )
    queued = 0
    for user, own, drafter in recipients:
        if keys[user.id] in sent:
            continue
        context = {**_context(comp, user, own, at), "drafter": drafter}
        queued += notices.queue(KIND, user, context, key=keys[user.id]) is not None
    return queued


def send_due(at: datetime | None = None) -> int:
    """Queue every deadline reminder due at `at` (default now); returns how many were queued."""
    at = at or now()
    comps = db.session.scalars(
        select(Competition)
        .where(
            Competition.stage == Stage.SUBMISSION,
            Competition.submission_closes_at > at,
            Competition.submission_closes_at <= at + THRESHOLDS[0][1],
        )
        .options(selectinload(Competition.groups), selectinload(Competition.criteria))
        .order_by(Competition.id)
    ).all()
    queued = 0
    for comp in comps:
        threshold = due_threshold(comp.submission_closes_at, at)
        if threshold is not None:
            queued += _competition(comp, threshold, at)
    return queued


# ----------------------------------------------------------------- the workers' pass


def interval() -> float:
    """Seconds between two checks: KIPP_REMINDER_SECONDS (Flask config, then environment)."""
    value = current_app.config.get("KIPP_REMINDER_SECONDS")
    if value is None:
        value = os.environ.get("KIPP_REMINDER_SECONDS", DEFAULT_INTERVAL)
    return float(value)


def reminder_pass() -> int | None:
    """The reconciler pass: `send_due` and commit, at most once per `interval()` across every
    worker of every host (`kipp.periodic.claim`; the reconciler runs more often); None when
    another run is still within the interval. A failure is raised (the reconciler logs it)
    and retried after the interval."""
    return periodic.run_claimed("deadline_reminders", timedelta(seconds=interval()), send_due)
