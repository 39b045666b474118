"""Groups with their own rules: a group's own evaluation criteria and invitation-only groups.

Guarantees
- `check_groups` validates every group's `criteria` with the competition's rule (unique codes,
  non-negative whole weights summing to 100, word limits ≥ 1) and reports each problem under
  `groups.<code>.criteria`; `invitation_only` must be a boolean. It writes nothing.
- `apply_groups` gives the competition's freshly built group rows their criteria and flag; it
  is called only where the services replace the groups (creation, or `groups` in a PATCH while
  the competition is a `draft`), so group criteria are frozen after `draft` like `criteria`.
  A group without `criteria` (or with an empty list) is scored on the competition's criteria.
- `check_invited` refuses (`Forbidden`, nothing changed) an entry of an invitation-only group
  whose agency holds no invitation to that group of that competition.
- `ranking_group` accepts only a group the competition has (`ValidationFailed` otherwise).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from kipp.competitions.criteria import check_criteria, criterion_fields
from kipp.errors import Forbidden, ValidationFailed
from kipp.extensions import db
from kipp.models import Competition, CompetitionGroup
from kipp.models.group_rules import GroupCriterion, Invitation


def check_groups(groups: dict | None, errors: dict) -> None:
    """Add the problems of each group's own rules to `errors` (nothing else is checked here)."""
    for code, g in (groups or {}).items():
        if not isinstance(g, dict):
            continue
        if g.get("criteria"):
            check_criteria(g["criteria"], f"groups.{code}.criteria", errors)
        if not isinstance(g.get("invitation_only", False), bool):
            errors[f"groups.{code}.invitation_only"] = [_("Choose yes or no.")]


def _rows(items: list[dict]) -> list[GroupCriterion]:
    return [GroupCriterion(**criterion_fields(i, n)) for n, i in enumerate(items)]


def apply_groups(comp: Competition, groups: dict | None) -> None:
    """Set each of `comp`'s group rows' own criteria and `invitation_only` from `groups`."""
    for g in comp.groups:
        spec = (groups or {}).get(g.code) or {}
        g.invitation_only = bool(spec.get("invitation_only", False))
        g.criteria = _rows(spec.get("criteria") or [])


def group_out(g: CompetitionGroup) -> dict:
    """A group as the API and the audit trail state it."""
    return {
        "quota": g.quota,
        "min_implementation_years": g.min_implementation_years,
        "invitation_only": g.invitation_only,
        "criteria": [k.definition() for k in g.criteria],
    }


def is_invited(competition_id: int, group: str, agency_id: int | None) -> bool:
    if agency_id is None:
        return False
    return (
        db.session.scalar(
            select(Invitation.id).where(
                Invitation.competition_id == competition_id,
                Invitation.group == group,
                Invitation.agency_id == agency_id,
            )
        )
        is not None
    )


def check_invited(comp: Competition, agency_id: int | None, group: str | None) -> None:
    """Raise `Forbidden` when `group` is invitation-only and the agency is not invited."""
    g = comp.group(group) if group else None
    if g is None or not g.invitation_only:
        return
    if not is_invited(comp.id, g.code, agency_id):
        raise Forbidden(
            _(
                "Group %(group)s is by invitation only and your agency has not been invited. "
                "Choose another group or ask the secretariat for an invitation.",
                group=g.code,
            ),
            errors={
                "group": [
                    _(
                        "Group %(group)s is by invitation only: your agency is not invited.",
                        group=g.code,
                    )
                ]
            },
        )


def ranking_group(comp: Competition, group: str | None) -> str | None:
    """`group` when it is one of `comp`'s groups (None stays None); else `ValidationFailed`."""
    if group is None or comp.group(group) is not None:
        return group
    raise ValidationFailed(
        _("Unknown group."),
        errors={
            "group": [_("Choose one of: %(codes)s.", codes=", ".join(g.code for g in comp.groups))]
        },
    )
