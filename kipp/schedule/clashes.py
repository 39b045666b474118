"""Why a hand move is refused, in words and as data (`kipp.schedule.services.move`).

`clash_error` turns the planner's clashes into one DomainError: `ConflictOfInterest`
(409 `conflict_of_interest`) when a panelist of the target room conflicts with the entry's
agency, else `ScheduleClash` (409 `conflict`). Its `detail` names every clash (the panelist,
the other room, the other entry with its title); its `clashes` member lists them as
`{"kind", "entry_id", "panelist_id", "panelist", "room"}`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.errors import ConflictOfInterest, DomainError
from kipp.extensions import db
from kipp.models import Entry
from kipp.schedule import plan


class ScheduleClash(DomainError):
    """A hand move into a room or time that clashes with another slot."""

    status = 409
    code = "conflict"


def clash_error(clashes: list[plan.Clash], rooms, users) -> DomainError:
    titles = {}
    ids = {c.entry_id for c in clashes if c.entry_id is not None}
    if ids:
        titles = dict(
            db.session.execute(select(Entry.id, Entry.title).where(Entry.id.in_(ids))).all()
        )
    items, lines = [], []
    for c in clashes:
        who = users[c.panelist_id].name if c.panelist_id is not None else None
        item = {"kind": c.kind, "entry_id": c.entry_id, "panelist_id": c.panelist_id}
        item["panelist"] = who
        item["room"] = rooms[c.room].name if c.room is not None else None
        items.append(item)
        if c.kind == "conflict_of_interest":
            lines.append(_("%(name)s conflicts with this entry's agency.", name=who))
        elif c.kind == "room_taken":
            lines.append(
                _(
                    "The room is taken then by entry #%(id)d (%(title)s).",
                    id=c.entry_id,
                    title=titles.get(c.entry_id, ""),
                )
            )
        else:
            lines.append(
                _(
                    "%(name)s is in %(room)s then, hearing entry #%(id)d.",
                    name=who,
                    room=item["room"],
                    id=c.entry_id,
                )
            )
    kind = (
        ConflictOfInterest
        if any(c.kind == "conflict_of_interest" for c in clashes)
        else ScheduleClash
    )
    return kind(" ".join(lines), clashes=items)
