"""Schedule mails (kind `schedule`): each person a change concerns gets their own slots.

Guarantees
- Queued through the outbox in the transaction of the change (a refused or rolled-back change
  mails nobody). One mail per person per change, in their language, listing every slot of
  theirs in the competition after the change, in the competition's time (WIB by default),
  with the room and meeting link, and a link to their schedule page.
- Generation mails every active account of each scheduled agency and every panelist sitting
  in a room, and (when it replaces a schedule) everyone the old one concerned, who may have
  no presentation any more; a hand move mails the moved entry's agency and the panelists of
  the room it left and the room it went to. Disabled accounts and undeliverable addresses get
  nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kipp.extensions import db
from kipp.mail.notices import agency_accounts, path_for, queue
from kipp.models import Competition, User
from kipp.models.schedule import Schedule, ScheduleRoomMember, ScheduleSlot
from kipp.schedule.queries import SlotView, slots_for

KIND = "schedule"


def _context(comp: Competition, views: list[SlotView], changed: bool) -> dict:
    return {
        "competition": comp.name,
        "changed": changed,
        "slots": [
            {
                "title": v.title,
                "entry_id": v.entry_id,
                "room": v.room,
                "meeting_url": v.meeting_url,
                "starts": v.starts.strftime("%d-%m-%Y %H:%M"),
                "ends": v.ends.strftime("%H:%M"),
                "zone": v.starts.strftime("%Z"),
            }
            for v in views
        ],
        "link": path_for("schedule.mine"),
    }


def _send(comp: Competition, users: list[User], changed: bool) -> int:
    sent = 0
    for user in users:
        if not user.active:
            continue
        views = slots_for(user, comp.id)
        sent += queue(KIND, user, _context(comp, views, changed)) is not None
    return sent


def _agency_users(agency_ids) -> list[User]:
    return [u for users in agency_accounts(agency_ids).values() for u in users]


def _room_users(room_ids) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ScheduleRoomMember, ScheduleRoomMember.user_id == User.id)
            .where(ScheduleRoomMember.room_id.in_(room_ids))
            .distinct()
            .order_by(User.id)
        )
    )


@dataclass(frozen=True)
class Concerned:
    """Whom a schedule concerns: its agencies and the rooms' panelists (ids)."""

    agencies: frozenset[int] = frozenset()
    panelists: frozenset[int] = frozenset()


def concerned(schedule: Schedule) -> Concerned:
    return Concerned(
        frozenset(s.entry.agency_id for s in schedule.slots),
        frozenset(p for r in schedule.rooms for p in r.panelist_ids),
    )


def _users(ids) -> list[User]:
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.id)))


def generated(comp: Competition, schedule: Schedule, previous: Concerned = Concerned()) -> int:
    """Mail everyone in the new schedule, and everyone the schedule it replaced concerned
    (who may have no presentation any more); returns how many mails were queued."""
    now_ = concerned(schedule)
    agencies = now_.agencies | previous.agencies
    users = _agency_users(agencies) + _users(sorted(now_.panelists | previous.panelists))
    return _send(comp, _unique(users), changed=bool(previous.agencies or previous.panelists))


def _unique(users: list[User]) -> list[User]:
    seen: set[int] = set()
    unique = []
    for u in users:
        if u.id not in seen:
            seen.add(u.id)
            unique.append(u)
    return unique


def moved(comp: Competition, slot: ScheduleSlot, room_ids: set[int]) -> int:
    """Mail the moved entry's agency and the panelists of the rooms involved."""
    users = _agency_users([slot.entry.agency_id]) + _room_users(sorted(room_ids))
    return _send(comp, _unique(users), changed=True)
