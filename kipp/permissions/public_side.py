"""Who may publish lists, read and decide objections, amend selections, and keep or read the
innovation directory's profiles and themes."""

from __future__ import annotations

from kipp.models import Competition, Entry, User
from kipp.permissions.workflow import can_read_entry, can_select, is_admin


# --- publication
def can_publish(user: User | None, competition: Competition | None = None) -> bool:
    """Publishing lists, deciding objections and recording decrees are the secretariat's."""
    return is_admin(user)


def can_read_objections(user: User | None, competition: Competition | None = None) -> bool:
    """Objections with the objectors' personal data: the secretariat and the chair."""
    return bool(user and user.is_authenticated and user.role in ("admin", "chair"))


def can_amend(user: User | None, competition: Competition | None = None) -> bool:
    """Replacing disqualified entries is the chair's, like every selection."""
    return can_select(user, competition)


def can_use_publication(user: User | None) -> bool:
    """The publication pages: the secretariat and the chair."""
    return can_read_objections(user)


# --- public-results


# --- directory
def in_directory(user: User | None, entry: Entry | None) -> bool:
    """Anyone, logged in or not, reads a directory innovation (kipp.directory.visibility.visible:
    listed in a published selection and not disqualified, or eligible and made public by its
    agency once its year is awarded); nothing else is in the directory."""
    from kipp.directory.visibility import is_visible

    return entry is not None and is_visible(entry.id)


# --- themes
def can_manage_themes(user: User | None) -> bool:
    """The controlled list of themes is the secretariat's."""
    return is_admin(user)


def keeps_profiles(user: User | None) -> bool:
    """Agency accounts keep their innovations' profiles (the profile pages' gate)."""
    return bool(user and user.is_authenticated and user.role == "agency")


def can_keep_profile(user: User | None, entry: Entry | None) -> bool:
    """The entry's own agency keeps its innovation profile (the service also requires the
    entry to be in the directory, answering 409 otherwise)."""
    return bool(
        entry is not None
        and user
        and user.is_authenticated
        and user.role == "agency"
        and user.agency_id == entry.agency_id
    )


def can_read_profile(user: User | None, entry: Entry | None) -> bool:
    """Whoever may read the entry, and anyone logged in for a directory innovation."""
    return entry is not None and (can_read_entry(user, entry) or in_directory(user, entry))
