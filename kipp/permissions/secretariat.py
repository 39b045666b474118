"""The secretariat's tools and the panel round's schedule: the mail outbox, reports, eligibility
flags, invitations into invitation-only groups, and the presentation schedule."""

from __future__ import annotations

from kipp.models import Competition, Entry, User
from kipp.permissions.workflow import is_admin


# --- mail-outbox
def can_manage_mail(user: User | None) -> bool:
    """The outbox (every mail, its addresses and errors, retries) is the secretariat's."""
    return is_admin(user)


# --- mail-accounts


# --- mail-notices


# --- pages


# --- charts
def can_read_reports(user: User | None) -> bool:
    """The secretariat's reports (the stage funnel of every year): admins only."""
    return is_admin(user)


# --- flags
def can_read_flags(user: User | None, entry: Entry | None = None) -> bool:
    """Multi-year eligibility flags (and the `flag` filter) are the secretariat's."""
    return is_admin(user)


# --- group-rules
def can_manage_invitations(user: User | None, competition: Competition | None = None) -> bool:
    """Invitations into invitation-only groups are the secretariat's (given, listed, withdrawn)."""
    return is_admin(user)


# --- schedule
def can_manage_schedule(user: User | None) -> bool:
    """Generating the presentation schedule and moving its slots is the secretariat's."""
    return is_admin(user)


def can_read_schedule(user: User | None) -> bool:
    """The whole grid: the secretariat and the chair (panelists read their own day)."""
    return bool(user and user.is_authenticated and user.role in ("admin", "chair"))


def has_own_schedule(user: User | None) -> bool:
    """Agencies (their entries' slots) and panelists (the presentations they hear)."""
    return bool(user and user.is_authenticated and user.role in ("agency", "panelist", "chair"))
