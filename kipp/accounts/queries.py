"""Reads of agencies, users and declared conflicts, shared by the admin pages and the API.

Queries are returned unexecuted where the caller pages them (`db.paginate`, the API's page
helper); lists where every row is needed.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from kipp.extensions import db
from kipp.models import AGENCY_KINDS, ROLES, Agency, Conflict, User


def agencies_query(kind: str | None = None, province: str | None = None) -> Select:
    """Agencies by name; an unknown `kind` or an empty filter is ignored."""
    query = select(Agency).order_by(Agency.name, Agency.id)
    if kind in AGENCY_KINDS:
        query = query.where(Agency.kind == kind)
    if province:
        query = query.where(Agency.province == province)
    return query


def all_agencies() -> list[Agency]:
    return list(db.session.scalars(agencies_query()))


def provinces() -> list[str]:
    """Every province some agency is in, alphabetically."""
    return list(db.session.scalars(select(Agency.province).distinct().order_by(Agency.province)))


def users_query(role: str | None = None, active: bool | None = None, *, by: str = "name") -> Select:
    """Users with their agency loaded, by name (pages) or by id (the API's stable paging);
    an unknown `role` is ignored."""
    order = (User.name, User.id) if by == "name" else (User.id,)
    query = select(User).options(selectinload(User.agency)).order_by(*order)
    if role in ROLES:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def conflicts_of(user: User) -> list[Conflict]:
    """The user's declared conflicts, oldest first, with their agency loaded."""
    return list(
        db.session.scalars(
            select(Conflict)
            .options(selectinload(Conflict.agency))
            .where(Conflict.user_id == user.id)
            .order_by(Conflict.created_at, Conflict.id)
        )
    )
