"""The publication's mails, queued in the outbox (`kipp.mail.outbox`) in the request's
transaction: a rolled-back request queues nothing."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from werkzeug.routing import BuildError

from kipp.clock import local
from kipp.extensions import db
from kipp.mail.outbox import enqueue
from kipp.models import Competition, Entry, Selection, User
from kipp.models.publication import Objection
from kipp.publication.queries import selection_entries

LANGUAGES = ("id", "en")


def results_link(sel_id: int) -> str:
    """The path of a published selection's public page (the public-results feature), else the
    home page."""
    try:
        adapter = current_app.url_map.bind("localhost")  # also outside a request (a task)
        return adapter.build("public.selection", {"selection_id": sel_id})
    except BuildError:
        return "/"


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else "id"


def selection_published(sel: Selection, comp: Competition) -> int:
    """`selection_result` to each active agency user of each listed entry; returns how many."""
    placed = [p for p in selection_entries(sel) if p.status == "listed"]
    by_agency: dict[int, list[Entry]] = {}
    for p in placed:
        by_agency.setdefault(p.entry.agency_id, []).append(p.entry)
    if not by_agency:
        return 0
    users = db.session.scalars(
        select(User)
        .where(User.role == "agency", User.agency_id.in_(by_agency), User.active.is_(True))
        .order_by(User.id)
    )
    sent = 0
    for user in users:
        entries = by_agency[user.agency_id]
        enqueue(
            "selection_result",
            to=user.email,
            language=_language(user.locale),
            user_id=user.id,
            key=f"selection_result:{sel.id}:{user.id}",
            context={
                "name": user.name,
                "competition": comp.name,
                "tier": sel.tier,
                "size": sel.size,
                "entries": [{"id": e.id, "title": e.title} for e in entries],
                "closes_at": local(sel.objection_closes_at, comp.timezone).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "timezone": comp.timezone,
                "link": results_link(sel.id),
            },
        )
        sent += 1
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
        language=_language(obj.language),
        key=f"objection_received:{obj.reference}",
        context=_objection_context(obj),
    )


def objection_decided(obj: Objection) -> None:
    enqueue(
        "objection_decided",
        to=obj.email,
        language=_language(obj.language),
        key=f"objection_decided:{obj.reference}",
        context=_objection_context(obj),
    )
