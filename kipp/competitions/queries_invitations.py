"""Reads of invitations into invitation-only groups."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from kipp.extensions import db
from kipp.models import Agency
from kipp.models.group_rules import Invitation


def invitations_query(competition_id: int, group: str | None = None) -> Select:
    """A competition's invitations (of one group when given), by group then agency name."""
    query = (
        select(Invitation)
        .join(Agency, Agency.id == Invitation.agency_id)
        .options(joinedload(Invitation.agency))
        .where(Invitation.competition_id == competition_id)
        .order_by(Invitation.group, Agency.name, Invitation.id)
    )
    if group is not None:
        query = query.where(Invitation.group == group)
    return query


def invitations(competition_id: int) -> list[Invitation]:
    return list(db.session.scalars(invitations_query(competition_id)))


def invited_agencies(competition_id: int, group: str) -> set[int]:
    """Ids of the agencies invited into `group` of the competition."""
    return set(
        db.session.scalars(
            select(Invitation.agency_id).where(
                Invitation.competition_id == competition_id, Invitation.group == group
            )
        )
    )


def agency_choices() -> list[tuple[int, str]]:
    """(id, name) of every agency, by name: the invitation form's choices."""
    return [
        tuple(r) for r in db.session.execute(select(Agency.id, Agency.name).order_by(Agency.name))
    ]
