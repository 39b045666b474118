"""Audit pages: a chain's events in order, 50 per page, with the chain's verification status.

A competition's chain may be read by the secretariat and the panel chair
(`kipp.permissions.can_read_audit`): anyone else logged in gets 403, an unknown competition
404. The global chain (accounts, roles, conflicts, tokens) is for the secretariat only.
The verification recomputes every hash of the chain on each view, so what the page says is
what the database holds now.
"""

from __future__ import annotations

import json

from flask import abort, render_template, request
from flask_login import current_user, login_required

from kipp.audit.chain import verify
from kipp.audit.queries import events_query
from kipp.extensions import db
from kipp.models import Competition
from kipp.permissions import can_read_audit, can_read_competition
from kipp.web.admin import admin_required, bp, page_arg

PER_PAGE = 50
VALUE_CHARS = 60


def _short(value) -> str:
    if value is None:
        return "∅"
    if isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= VALUE_CHARS else text[: VALUE_CHARS - 1] + "…"


def compact_changes(before: dict | None, after: dict | None) -> list[tuple[str, str, str]]:
    """(key, before, after) for each key whose value differs, values shortened for display.

    An event without `before` (a creation) lists every key of `after` with an empty before;
    one without `after` lists every key of `before`. Unchanged keys are left out.
    """
    before, after = before or {}, after or {}
    rows = []
    for key in sorted(set(before) | set(after)):
        b, a = before.get(key), after.get(key)
        if key in before and key in after and b == a:
            continue
        rows.append((key, _short(b) if key in before else "", _short(a) if key in after else ""))
    return rows


def _render(competition: Competition | None, tz: str):
    query = events_query(competition.id if competition else None)
    pagination = db.paginate(query, page=page_arg(request), per_page=PER_PAGE, error_out=False)
    events = [(e, compact_changes(e.before, e.after)) for e in pagination.items]
    return render_template(
        "admin/audit.html",
        comp=competition,
        tz=tz,
        pagination=pagination,
        events=events,
        verification=verify(competition.id if competition else None),
    )


@bp.get("/competitions/<int:competition_id>/audit")
@login_required
def competition_audit(competition_id: int):
    comp = db.session.get(Competition, competition_id)
    if comp is None or not can_read_competition(current_user, comp):
        abort(404)
    if not can_read_audit(current_user, comp):
        abort(403)
    return _render(comp, comp.timezone)


@bp.get("/audit")
@admin_required
def global_audit():
    return _render(None, "Asia/Jakarta")
