"""Agencies, users and declared conflicts (admin). Each change is audited on the global chain.

Callers pass shape-checked data; these functions enforce the business rules and raise
`ValidationFailed` / `DuplicateValue` before changing anything.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from kipp.accounts import links
from kipp.audit.chain import record
from kipp.auth.passwords import hash_password, password_problem
from kipp.auth.services import find_user_by_email, set_password
from kipp.errors import DuplicateValue, NotFound, ValidationFailed
from kipp.extensions import db
from kipp.mail import addresses
from kipp.models import AGENCY_KINDS, ROLES, Agency, Conflict, User
from kipp.models.users import AGENCY_ROLES


def agency_snapshot(agency: Agency) -> dict:
    return {
        "name": agency.name,
        "kind": agency.kind,
        "province": agency.province,
        "is_3t": agency.is_3t,
    }


def user_snapshot(user: User) -> dict:
    return {
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "agency_id": user.agency_id,
        "active": user.active,
    }


def create_agency(actor: User, name: str, kind: str, province: str, is_3t: bool = False) -> Agency:
    name, province = name.strip(), province.strip()
    errors = {}
    if not name:
        errors["name"] = [_("Enter the agency's name.")]
    if kind not in AGENCY_KINDS:
        errors["kind"] = [_("Choose one of: %(kinds)s.", kinds=", ".join(AGENCY_KINDS))]
    if not province:
        errors["province"] = [_("Enter the province.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    if db.session.scalar(select(Agency).where(func.lower(Agency.name) == name.lower())):
        raise DuplicateValue(
            _("An agency with this name already exists."),
            errors={"name": [_("An agency with this name already exists.")]},
        )
    agency = Agency(name=name, kind=kind, province=province, is_3t=bool(is_3t))
    db.session.add(agency)
    db.session.flush()
    record(actor, "agency.create", f"agency:{agency.id}", after=agency_snapshot(agency))
    return agency


def get_agency(agency_id: int | None) -> Agency:
    agency = db.session.get(Agency, agency_id) if agency_id is not None else None
    if agency is None:
        raise NotFound(_("Agency not found."))
    return agency


def _check_role_agency(role: str, agency_id: int | None, errors: dict) -> None:
    if role not in ROLES:
        errors["role"] = [_("Choose one of: %(roles)s.", roles=", ".join(ROLES))]
    if role in AGENCY_ROLES and agency_id is None:
        errors["agency_id"] = [_("An agency account needs its agency.")]
    if agency_id is not None and db.session.get(Agency, agency_id) is None:
        errors["agency_id"] = [_("Unknown agency.")]


def create_user(
    actor: User | None,
    email: str,
    name: str,
    role: str,
    password: str | None = None,
    agency_id: int | None = None,
    *,
    password_hash: str | None = None,
    locale: str | None = None,
) -> User:
    """Create an account. `password_hash`, when given, is a ready Argon2id hash of `password`
    (the demo loader shares one hash for its public demo password). The address must be one
    the outbox accepts (`kipp.mail.addresses`), whether or not a password is given, so every
    account can be mailed (an invitation, a reset link, a notice).

    Without a password (None) the account gets the hash of a random secret nobody knows (so
    logging in to it costs the same time as to any account and never succeeds) and the person
    is mailed an invitation to set theirs (`kipp.accounts.links`, 72 h), in `locale` when
    given, else in the language of the request."""
    email, name = email.strip().lower(), name.strip()
    errors: dict = {}
    if not addresses.is_valid(addresses.normalise(email)):  # with a password or without
        errors["email"] = [_("Enter a valid e-mail address.")]
    if not name:
        errors["name"] = [_("Enter the person's name.")]
    _check_role_agency(role, agency_id, errors)
    if locale is not None and locale not in ("id", "en"):
        errors["locale"] = [_("Choose one of: %(roles)s.", roles="id, en")]
    if password is not None:
        problem = password_problem(password, email=email, name=name)
        if problem:
            errors["password"] = [problem]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    if find_user_by_email(email):
        raise DuplicateValue(
            _("This e-mail address is already registered."),
            errors={"email": [_("This e-mail address is already registered.")]},
        )
    secret = password if password is not None else secrets.token_urlsafe(32)
    user = User(
        email=email,
        name=name,
        role=role,
        agency_id=agency_id,
        locale=locale,
        password_hash=password_hash or hash_password(secret),
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", f"user:{user.id}", after=user_snapshot(user))
    if password is None:
        links.issue(actor, user, "invitation")
    return user


def update_user(actor: User, user: User, changes: dict) -> User:
    """Apply `changes` (name, role, agency_id, active, password, locale).

    Disabling a user or changing the password kills their sessions and tokens.
    """
    before = user_snapshot(user)
    errors: dict = {}
    role = changes.get("role", user.role)
    agency_id = changes.get("agency_id", user.agency_id)
    _check_role_agency(role, agency_id, errors)
    if "name" in changes and not str(changes["name"]).strip():
        errors["name"] = [_("Enter the person's name.")]
    if actor.id == user.id and (changes.get("active") is False or role != "admin"):
        errors["role"] = [_("You cannot disable or demote your own account.")]
    if "password" in changes:
        problem = password_problem(
            changes["password"], email=user.email, name=str(changes.get("name") or user.name)
        )
        if problem:
            errors["password"] = [problem]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    if "name" in changes:
        user.name = changes["name"].strip()
    if "locale" in changes:
        user.locale = changes["locale"]
    user.role, user.agency_id = role, agency_id
    if "active" in changes and bool(changes["active"]) != user.active:
        user.active = bool(changes["active"])
        user.auth_epoch += 1
    if "password" in changes:
        set_password(actor, user, changes["password"])
    db.session.flush()
    after = user_snapshot(user)
    if after != before:
        action = "user.role" if after["role"] != before["role"] else "user.update"
        record(actor, action, f"user:{user.id}", before=before, after=after)
    return user


def add_conflict(actor: User, user: User, agency_id: int | None, reason: str) -> Conflict:
    """Declare that `user` conflicts with the agency; `DuplicateValue` if already declared.

    Declared after assignment, it withdraws the reviewer from the agency's entries
    (`kipp.judging.conflicts.withdraw_conflicted`): unsubmitted assignments are deleted,
    submitted ones are marked `conflicted`. Their ids are on the returned conflict as
    `removed_assignments` / `conflicted_assignments` and in the `conflict.declare` event.
    """
    from kipp.judging.conflicts import withdraw_conflicted

    reason = (reason or "").strip()
    errors: dict = {}
    if agency_id is None or db.session.get(Agency, agency_id) is None:
        errors["agency_id"] = [_("Unknown agency.")]
    if not reason:
        errors["reason"] = [_("Say why this is a conflict of interest.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    existing = db.session.scalar(
        select(Conflict).where(Conflict.user_id == user.id, Conflict.agency_id == agency_id)
    )
    if existing:
        raise DuplicateValue(_("This conflict is already declared."))
    # Through the relationship, so `user.conflicts` (already loaded or not) includes it.
    conflict = Conflict(user=user, agency_id=agency_id, reason=reason)
    db.session.add(conflict)
    db.session.flush()
    withdrawn = withdraw_conflicted(actor, user, agency_id)
    conflict.removed_assignments = withdrawn.removed
    conflict.conflicted_assignments = withdrawn.conflicted
    record(
        actor,
        "conflict.declare",
        f"user:{user.id}",
        after={
            "agency_id": agency_id,
            "reason": reason,
            "removed_assignments": withdrawn.removed,
            "conflicted_assignments": withdrawn.conflicted,
        },
    )
    return conflict


def conflicted_agency_ids(user: User) -> set[int]:
    """Agencies whose entries this reviewer must never see as a reviewer."""
    ids = {c.agency_id for c in user.conflicts}
    if user.agency_id is not None:
        ids.add(user.agency_id)
    return ids
