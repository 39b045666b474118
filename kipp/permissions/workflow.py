"""Who may take part in the competition's workflow: accounts, competitions, entries (agency
accounts and their drafters), judging (reviewers, conflicts, rankings, selections) and documents."""

from __future__ import annotations

from sqlalchemy import exists, select

from kipp.extensions import db
from kipp.models import (
    STAGES,
    Assignment,
    Certificate,
    Competition,
    Entry,
    Selection,
    SelectionEntry,
    User,
)


def is_admin(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == "admin")


def can_manage_accounts(user: User | None) -> bool:
    """Agencies, users and declared conflicts are the secretariat's."""
    return is_admin(user)


def can_read_competition(user: User | None, competition: Competition) -> bool:
    return bool(user and user.is_authenticated)


def can_manage_competition(user: User | None, competition: Competition | None = None) -> bool:
    return is_admin(user)


def can_read_entry(user: User | None, entry: Entry) -> bool:
    """Admin; the owning agency; the drafter who drafted it (`drafted_entry`); a reviewer
    assigned to the entry; the chair and panelists for entries in a selection. Never a reviewer
    who conflicts with the entry, even one assigned before the conflict was declared."""
    if not (user and user.is_authenticated):
        return False
    if user.role == "admin":
        return True
    if user.role == "agency":
        return user.agency_id == entry.agency_id
    if user.role == "drafter":
        return drafted_entry(user, entry)
    return reviewer_may_read(user, entry)


def reviewer_may_read(user: User, entry: Entry) -> bool:
    """Assigned reviewers read their entries; the chair and panelists also read every entry of
    a selection (they decide on it). Never an entry of an agency the reviewer conflicts with,
    even when an assignment (a sheet marked `conflicted`) predates the declared conflict.
    One indexed query each."""
    if conflicts_with(user, entry):
        return False
    assigned = select(Assignment.id).where(
        Assignment.entry_id == entry.id,
        Assignment.user_id == user.id,
        Assignment.conflicted.is_(False),
    )
    if db.session.scalar(select(exists(assigned))):
        return True
    if user.role not in ("chair", "panelist"):
        return False
    selected = (
        select(SelectionEntry.id)
        .join(Selection)
        .where(
            SelectionEntry.entry_id == entry.id, Selection.competition_id == entry.competition_id
        )
    )
    return bool(db.session.scalar(select(exists(selected))))


def can_edit_entry(user: User | None, entry: Entry) -> bool:
    """The owning agency, and the drafter who drafted the entry, may edit it and its
    attachments while it is a draft (stage and deadline are checked by the service, which
    answers with the precise reason)."""
    if user is not None and getattr(user, "role", None) == "drafter":
        return drafted_entry(user, entry)
    return bool(user and user.role == "agency" and user.agency_id == entry.agency_id)


def can_submit_entry(user: User | None, entry: Entry) -> bool:
    """Only the agency account submits (within its quotas); a drafter who may edit the entry
    may not submit it (403)."""
    return bool(
        user
        and user.is_authenticated
        and user.role == "agency"
        and user.agency_id == entry.agency_id
    )


def can_create_entries(user: User | None) -> bool:
    """Agency accounts (the agency's own pages: certificates, profiles); drafters also start
    drafts: `can_draft_entries`."""
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


def conflicted_agencies(user: User | None) -> frozenset[int]:
    """Agencies whose entries `user` must not see as a reviewer or ranking reader: for the
    reviewer roles their home agency and their declared conflicts; nothing for anyone else."""
    if not is_reviewer(user):
        return frozenset()
    from kipp.accounts.services import conflicted_agency_ids

    return frozenset(conflicted_agency_ids(user))


def conflicts_with(user: User | None, entry: Entry) -> bool:
    """A reviewer conflicts with an entry of their home agency or of an agency they declared a
    conflict with, whenever the conflict was declared."""
    return entry.agency_id in conflicted_agencies(user)


def can_score(user: User | None, assignment) -> bool:
    """Only the assigned reviewer writes a sheet; others must not learn it exists (404).

    A reviewer who conflicts with the entry (declared after the assignment: the sheet is then
    deleted or marked `conflicted`) is an other too."""
    return bool(
        user
        and user.is_authenticated
        and assignment.user_id == user.id
        and not assignment.conflicted
        and not conflicts_with(user, assignment.entry)
    )


def can_read_sheet(user: User | None, assignment) -> bool:
    return can_score(user, assignment) or is_admin(user)


def can_view_ranking(
    user: User | None, competition: Competition | None = None, round_: str | None = None
) -> bool:
    """Admins and the chair read every ranking at any stage. Panelists read a round's ranking
    only once the competition has left that round's stage (a stage later than the round's);
    without a competition and round this answers whether the role reads rankings at all.
    What a reader sees leaves out the entries they conflict with (`conflicted_agencies`)."""
    if not (user and user.is_authenticated and user.role in ("admin", "chair", "panelist")):
        return False
    if user.role != "panelist" or competition is None or round_ is None:
        return True
    return STAGES.index(competition.stage) > STAGES.index(round_)


def can_assign(user: User | None, competition: Competition | None = None) -> bool:
    """Reviewer assignments (automatic or by hand) are the secretariat's."""
    return is_admin(user)


def can_select(user: User | None, competition: Competition | None = None) -> bool:
    return bool(user and user.is_authenticated and user.role == "chair")


def can_export_results(user: User | None, competition: Competition | None = None) -> bool:
    return bool(user and user.is_authenticated and user.role in ("admin", "chair"))


# ----------------------------------------------------------------- documents
def can_download_certificate(user: User | None, cert: Certificate) -> bool:
    """Admins, and the entry's own agency while the certificate is not revoked."""
    if not (user and user.is_authenticated) or not cert.stored_name:
        return False
    if user.role == "admin":
        return True
    return (
        user.role == "agency" and user.agency_id == cert.entry.agency_id and cert.revoked_at is None
    )


def can_revoke_certificate(user: User | None) -> bool:
    return is_admin(user)


def can_read_score_sheet(user: User | None, entry: Entry) -> bool:
    """Admins; the chair and panelists for entries they may read — never one they conflict
    with, even when they scored it before declaring the conflict."""
    if not (user and user.is_authenticated):
        return False
    if user.role == "admin":
        return True
    if user.role not in ("chair", "panelist") or conflicts_with(user, entry):
        return False
    return can_read_entry(user, entry)


def can_read_agency_score_sheet(user: User | None, entry: Entry) -> bool:
    """The agency's copy of a score sheet (reviewers unnamed, see
    `kipp.documents.agency_sheets`): the entry's own agency account and the admins. Drafters,
    reviewers and other agencies never (404); when its rounds are shared is a stage rule."""
    if not (user and user.is_authenticated):
        return False
    return user.role == "admin" or (user.role == "agency" and user.agency_id == entry.agency_id)


# --- drafters
def is_drafter(user: User | None) -> bool:
    return bool(user and user.is_authenticated and user.role == "drafter" and user.agency_id)


def drafted_entry(user: User, entry: Entry) -> bool:
    """A drafter's own work: an entry of its agency that it created. Entries of other drafters
    and the agency's own are not visible to it (404)."""
    return bool(
        user.role == "drafter"
        and user.agency_id is not None
        and entry.agency_id == user.agency_id
        and entry.drafted_by_id == user.id
    )


def can_draft_entries(user: User | None) -> bool:
    """Agency accounts and their drafters start drafts and use the editor and dashboard."""
    return can_create_entries(user) or is_drafter(user)


def can_manage_drafters(user: User | None) -> bool:
    """An agency account invites and lists the drafters of its own agency."""
    return bool(user and user.is_authenticated and user.role == "agency" and user.agency_id)
