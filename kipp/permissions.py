"""Object-level permission predicates, shared by views, services and templates.

`can_read_*` decides visibility: a caller who cannot read an object gets 404 (its existence is
not revealed). `can_*` write predicates decide between allowed and 403 for readable objects.
"""

from __future__ import annotations

from kipp.models import Competition, Entry, User


def is_admin(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == "admin")


def can_read_competition(user: User | None, competition: Competition) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_competition(user: User | None, competition: Competition | None = None) -> bool:
    return is_admin(user)


def can_read_entry(user: User | None, entry: Entry) -> bool:
    """Admin; the owning agency; a reviewer assigned to the entry (never a conflicted one, as
    assignments never pair them); the chair and panelists for entries in a selection."""
    if not (user and user.is_authenticated):
        return False
    if user.role == "admin":
        return True
    if user.role == "agency":
        return user.agency_id == entry.agency_id
    from kipp.judging.visibility import reviewer_may_read

    return reviewer_may_read(user, entry)


def can_edit_entry(user: User | None, entry: Entry) -> bool:
    """The owning agency may edit while the entry is a draft (stage and deadline are checked
    by the service, which answers with the precise reason)."""
    return bool(user and user.role == "agency" and user.agency_id == entry.agency_id)


def can_create_entries(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == "agency" and user.agency_id)


def can_screen(user: User | None) -> bool:
    return is_admin(user)


def can_read_audit(user: User | None, competition: Competition | None) -> bool:
    if competition is None:
        return is_admin(user)
    return bool(user and user.is_authenticated and user.role in ("admin", "chair"))


# ----------------------------------------------------------------- judging
def is_reviewer(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role in ("evaluator", "panelist", "chair"))


def can_score(user: User | None, assignment) -> bool:
    """Only the assigned reviewer writes a sheet; others must not learn it exists (404)."""
    return bool(user and user.is_authenticated and assignment.user_id == user.id)


def can_read_sheet(user: User | None, assignment) -> bool:
    return can_score(user, assignment) or is_admin(user)


def can_view_ranking(user: User | None, competition: Competition | None = None) -> bool:
    return bool(user and user.is_authenticated and user.role in ("admin", "chair", "panelist"))


def can_select(user: User | None, competition: Competition | None = None) -> bool:
    return bool(user and user.is_authenticated and user.role == "chair")


def can_export_results(user: User | None, competition: Competition | None = None) -> bool:
    return bool(user and user.is_authenticated and user.role in ("admin", "chair"))
