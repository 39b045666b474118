"""Invitations into invitation-only groups (e.g. `khusus`, for former winners).

Guarantees
- `invite` refuses, with nothing written: a group the competition does not have or that is not
  invitation-only, an agency that does not exist (`ValidationFailed`, errors by field), and an
  agency already invited into that group (`Conflict`; a concurrent duplicate is stopped by the
  unique key and answered the same way by the error handler).
- Invitations can be given and withdrawn in any stage before `screening` (`InvalidStage`
  after): once entries are screened, who could enter is settled.
- Each invitation and each withdrawal is one audit event in the competition's chain
  (`invitation.create`, `invitation.delete`), and an invitation queues one `group_invitation`
  mail to every active account of the agency in the same transaction (sent after commit).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.audit.chain import record
from kipp.errors import DuplicateValue, InvalidStage, ValidationFailed
from kipp.extensions import db
from kipp.models import Agency, Competition, Stage, User
from kipp.models.group_rules import Invitation


def _snapshot(inv: Invitation) -> dict:
    return {"group": inv.group, "agency_id": inv.agency_id}


def _check_stage(comp: Competition) -> None:
    if comp.reached(Stage.SCREENING):
        raise InvalidStage(
            _("Invitations can only change until the competition leaves the submission stage.")
        )


def invitation_groups(comp: Competition) -> list[str]:
    """Codes of the competition's invitation-only groups, in group order."""
    return [g.code for g in comp.groups if g.invitation_only]


def invite(actor: User, comp: Competition, agency_id: int, group: str) -> Invitation:
    errors: dict = {}
    if group not in invitation_groups(comp):
        errors["group"] = [
            _(
                "Choose an invitation-only group of this competition: %(codes)s.",
                codes=", ".join(invitation_groups(comp)) or "–",
            )
        ]
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        errors["agency_id"] = [_("Unknown agency.")]
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    _check_stage(comp)
    taken = db.session.scalar(
        select(Invitation.id).where(
            Invitation.competition_id == comp.id,
            Invitation.group == group,
            Invitation.agency_id == agency_id,
        )
    )
    if taken is not None:
        raise DuplicateValue(
            _(
                "%(agency)s is already invited into group %(group)s.",
                agency=agency.name,
                group=group,
            )
        )
    inv = Invitation(
        competition_id=comp.id, group=group, agency_id=agency_id, created_by_id=actor.id
    )
    db.session.add(inv)
    db.session.flush()
    record(
        actor,
        "invitation.create",
        f"invitation:{inv.id}",
        competition_id=comp.id,
        after=_snapshot(inv),
    )
    _mail(comp, inv, agency)
    return inv


def withdraw(actor: User, inv: Invitation) -> None:
    """Delete an invitation (audited). Entries already drafted in the group stay, but can no
    longer be saved or submitted in it (`group_rules.check_invited`)."""
    comp = db.session.get(Competition, inv.competition_id)
    _check_stage(comp)
    before = _snapshot(inv)
    object_ = f"invitation:{inv.id}"
    db.session.delete(inv)
    db.session.flush()
    record(actor, "invitation.delete", object_, competition_id=comp.id, before=before)


def _mail(comp: Competition, inv: Invitation, agency: Agency) -> int:
    from kipp.mail.notices import agency_accounts, path_for, queue

    link = path_for("agency.dashboard") + f"#competition-{comp.id}"
    queued = 0
    for user in agency_accounts([agency.id]).get(agency.id, []):
        context = {
            "competition": comp.name,
            "group": inv.group,
            "agency": agency.name,
            "link": link,
        }
        key = f"group_invitation:{inv.id}:{user.id}"
        queued += queue("group_invitation", user, context, key=key) is not None
    return queued
