"""The publication's mails, queued in the outbox (`kipp.mail.outbox`) in the request's
transaction: a rolled-back request queues nothing."""

from __future__ import annotations

from collections import defaultdict

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from kipp.clock import local
from kipp.extensions import db
from kipp.judging.queries import ROUND_FOR_TIER
from kipp.mail import notices
from kipp.mail.outbox import enqueue, language_of
from kipp.models import Assignment, Competition, Entry, Selection
from kipp.models.publication import Objection
from kipp.publication.queries import selection_entries


def results_link(sel_id: int) -> str:
    """The path of a published selection's public page (the public-results feature), else the
    home page."""
    try:
        adapter = current_app.url_map.bind("localhost")  # also outside a request (a task)
        return adapter.build("public.selection", {"selection_id": sel_id})
    except BuildError:
        return "/"


def _not_listed(sel: Selection, listed: set[int]) -> list[Entry]:
    """The entries the selection's round ranked (a submitted sheet of a reviewer without a
    conflict) that it leaves out, disqualified ones aside; none for an extra award's tier."""
    round_ = ROUND_FOR_TIER.get(sel.tier)
    if round_ is None:
        return []
    ranked = (
        select(Assignment.entry_id)
        .where(
            Assignment.competition_id == sel.competition_id,
            Assignment.round == round_,
            Assignment.status == "submitted",
            Assignment.conflicted.is_(False),
        )
        .distinct()
    )
    return [
        e
        for e in db.session.scalars(
            select(Entry).where(Entry.id.in_(ranked), Entry.status == "eligible").order_by(Entry.id)
        )
        if e.id not in listed
    ]


def selection_published(sel: Selection, comp: Competition) -> int:
    """`selection_result` to each active account of each agency whose entries the selection's
    round ranked: its entries on the list and those not on it, with the public list's link and
    the dashboard's, where the agency now reads each entry's score sheet with the reviewers
    unnamed (`kipp.documents.agency_sheets`). One mail per account and selection (keyed
    `selection_result:<selection>:<user>`); returns how many were queued."""
    placed = [p.entry for p in selection_entries(sel) if p.status == "listed"]
    left_out = _not_listed(sel, {e.id for e in placed})
    on_list: dict[int, list[Entry]] = defaultdict(list)
    off_list: dict[int, list[Entry]] = defaultdict(list)
    for entry in placed:
        on_list[entry.agency_id].append(entry)
    for entry in left_out:
        off_list[entry.agency_id].append(entry)
    closes_at = local(sel.objection_closes_at, comp.timezone).strftime("%Y-%m-%d %H:%M:%S")
    common = {
        "competition": comp.name,
        "tier": sel.tier,
        "size": sel.size,
        "closes_at": closes_at,
        "timezone": comp.timezone,
        "link": results_link(sel.id),
        "dashboard": notices.path_for("agency.dashboard") + f"#competition-{comp.id}",
    }
    sent = 0
    for agency_id, users in notices.agency_accounts(set(on_list) | set(off_list)).items():
        context = common | {
            "entries": [{"id": e.id, "title": e.title} for e in on_list[agency_id]],
            "not_listed": [{"id": e.id, "title": e.title} for e in off_list[agency_id]],
        }
        for user in users:
            key = f"selection_result:{sel.id}:{user.id}"
            sent += notices.queue("selection_result", user, context, key=key) is not None
    return sent


def _objection_context(obj: Objection) -> dict:
    return {
        "name": obj.name,
        "reference": obj.reference,
        "entry_title": obj.entry.title,
        "status": obj.status,
        "answer": obj.answer,
        "link": results_link(obj.selection_id),
    }


def objection_received(obj: Objection) -> None:
    enqueue(
        "objection_received",
        to=obj.email,
        language=language_of(obj.language),
        key=f"objection_received:{obj.reference}",
        context=_objection_context(obj),
    )


def objection_decided(obj: Objection) -> None:
    enqueue(
        "objection_decided",
        to=obj.email,
        language=language_of(obj.language),
        key=f"objection_decided:{obj.reference}",
        context=_objection_context(obj),
    )
